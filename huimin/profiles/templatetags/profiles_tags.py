"""`{% recommended_for_page %}`: 为您推荐 under the home page and content pages (`rules.shown_on_models`), and
the read beacon on content pages. Every other page (lists, forms, 我的 pages, error pages: anything rendered
without a Wagtail `page` of those types) gets nothing."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Page, Site

from huimin.accounts.access import current_account

from ..recommender import recommend
from ..rules import rules

register = template.Library()


def _shown_on(page) -> bool:
    return isinstance(page, Page) and type(page)._meta.label in rules().shown_on_models


@register.simple_tag(takes_context=True)
def recommended_for_page(context) -> str:
    request = context.get("request")
    page = context.get("page")
    if request is None or not _shown_on(page) or getattr(request, "is_preview", False):
        return ""
    site = Site.find_for_request(request)
    if site is None:
        return ""
    account = current_account(request) if request.user.is_authenticated else None
    personal = account is not None and account.profiling_consent
    label = type(page)._meta.label
    recommendations = recommend(account if personal else None, site.pk, now=timezone.now(), exclude={page.pk})
    return render_to_string(
        "profiles/includes/recommendation_list.html",
        {
            "recommendations": recommendations,
            "personal": personal,
            "signed_in": account is not None,
            "display_mode": context.get("display_mode", "standard"),
            "beacon_page": page.pk if label in rules().indexed_models else None,
            "beacon_token": personal,
        },
        request=request,
    )
