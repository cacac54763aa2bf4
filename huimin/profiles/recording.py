"""Recording from a request: the one line other views call (search, 智能问答) and the download hooks.

Each function first finds the signed-in citizen whose consent is on, and does nothing at all (not even a
query, for an anonymous visitor) otherwise. Nothing here changes what the calling view answers: a failure to
record is logged and swallowed.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from huimin.accounts.access import current_account

from . import services
from .rules import rules

logger = logging.getLogger(__name__)


def consenting_account(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    account = current_account(request)
    return account if account is not None and account.profiling_consent else None


def _site_id(site) -> int | None:
    return getattr(site, "pk", None)


def search(request, query: str, *, site=None, now=None) -> None:
    """A search by a consenting citizen (the search page calls this on its first page of results)."""
    account = consenting_account(request)
    if account is None:
        return
    try:
        services.record_search(account, query, site_id=_site_id(site), now=now or timezone.now())
    except Exception:
        logger.exception("recording a search failed")


def question(request, text: str, *, site=None, now=None) -> None:
    """A question asked of 智能问答 by a consenting citizen."""
    account = consenting_account(request)
    if account is None:
        return
    try:
        services.record_question(account, text, site_id=_site_id(site), now=now or timezone.now())
    except Exception:
        logger.exception("recording a question failed")


def document_download(request, document, *, now=None) -> None:
    """A document served to a consenting citizen: a download of the item whose page holds it."""
    account = consenting_account(request)
    if account is None:
        return
    from wagtail.models import ReferenceIndex

    from .models import Item

    try:
        owners = [
            int(reference.object_id)
            for reference in ReferenceIndex.get_references_to(document)[:20]
            if str(reference.object_id).isdigit()
        ]
        item = Item.objects.filter(pk__in=owners).order_by("pk").first() if owners else None
        if item is not None:
            services.record_download(account, item.pk, now=now or timezone.now())
    except Exception:
        logger.exception("recording a download failed")


def page_download(request, page, args, response, *, now=None) -> None:
    """A routable page's `download` view answered a consenting citizen (a dataset's resource)."""
    if getattr(response, "status_code", 0) != 200 or not args:
        return
    view = args[0] if isinstance(args, list | tuple) else None
    if getattr(view, "__name__", "") != "download":
        return
    if type(page)._meta.label not in rules().indexed_models:
        return
    account = consenting_account(request)
    if account is None:
        return
    try:
        services.record_download(account, page.pk, now=now or timezone.now())
    except Exception:
        logger.exception("recording a download failed")
