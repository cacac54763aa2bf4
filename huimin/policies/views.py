"""Public views of the policy library: the filtered list with facet counts, its Atom feed, downloads."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from wagtail.models import Site

from . import queries
from .enums import SortOrder

FEED_ITEMS = 50


def _search(library, request, **kwargs):
    filters = queries.PolicyFilters.from_params(request.GET)
    return filters, *queries.search(filters, queries.scope_prefixes(library), **kwargs)


def library_view(library, request):
    filters, listing, facets = _search(library, request, prepare=queries.with_listing_relations)
    page = Paginator(listing, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    context = library.get_context(request)
    context.update(
        {
            "filters": filters,
            "facets": [(name, queries.FACET_LABELS[name], options) for name, options in facets.items()],
            "policies": page,
            "source_sites": queries.source_site_names(page.object_list) if library.aggregate_group else {},
            "sort_choices": SortOrder.choices,
            "query": queries.encode(filters.as_params()),
            "page_query": queries.encode(filters.as_params()) + ("&" if filters.as_params() else ""),
        }
    )
    return TemplateResponse(request, library.template, context)


def library_feed(library, request):
    _, policies, _ = _search(library, request)
    feed = Atom1Feed(
        title=f"{library.title}（{Site.find_for_request(request).site_name}）",
        link=request.build_absolute_uri(library.url),
        description=library.description,
        language="zh-CN",
        feed_url=request.build_absolute_uri(),
    )
    for policy in policies[:FEED_ITEMS]:
        feed.add_item(
            title=policy.title,
            link=request.build_absolute_uri(policy.get_url(request)),
            description=policy.summary or strip_tags(policy.body)[:200],
            pubdate=policy.pub_date,
            updateddate=policy.last_published_at or policy.pub_date,
            unique_id=f"tag:{request.get_host().split(':')[0]},{timezone.localtime(policy.pub_date):%Y-%m-%d}:"
            f"policy/{policy.pk}",
            categories=[
                c
                for c in (
                    policy.doc_kind,
                    policy.topic.name if policy.topic else "",
                    policy.get_validity_display(),
                )
                if c
            ],
            author_name=policy.issuer.name,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def attachment_download(policy, request, attachment_id: int):
    """Count a download, then hand over the document itself."""
    attachment = get_object_or_404(policy.attachments.select_related("document"), pk=attachment_id)
    type(attachment).objects.filter(pk=attachment.pk).update(download_count=F("download_count") + 1)
    return redirect(attachment.document.url)
