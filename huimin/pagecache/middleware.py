import hashlib
import logging
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from . import queries
from .enums import CACHE_HEADER, HOST_HEADER, KIND_LIST, TAGS_HEADER

logger = logging.getLogger("huimin.pagecache")


def response_may_be_kept(request, response) -> bool:
    """A whole 200 answer that set no cookie, wrote no CSRF token and did not ask to stay private."""
    if response.status_code != 200 or getattr(response, "streaming", False) or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _headers(response) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.items() if name.lower() != CACHE_HEADER.lower()]


def _serve(request, entry) -> HttpResponse:
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response[CACHE_HEADER] = "hit"
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )


class PageCacheMiddleware:
    """Serves anonymous GETs of the group's pages from the page cache, before sessions, CSRF or any database
    query; keeps the answers the page says may be kept (wagtail_hooks.py marks them) under the tokens current
    before rendering (queries.py); answers conditional requests with 304. Placed right after WhiteNoise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not queries.request_may_use_cache(request):
            return self.get_response(request)
        try:
            entry, ticket = queries.lookup(request)
        except Exception:  # the cache server is away: serve uncached rather than fail
            logger.exception("页面缓存不可用，本次请求不经缓存：%s%s", request.get_host(), request.path)
            return self.get_response(request)
        if entry is not None:
            return _serve(request, entry)
        request.page_cache_ticket = ticket
        response = self.get_response(request)
        if ticket.kind is not None and response_may_be_kept(request, response):
            try:
                self._keep(request, response, ticket)
            except Exception:
                logger.exception("页面未能写入缓存：%s%s", request.get_host(), request.path)
        return response

    def _keep(self, request, response, ticket):
        content = response.content
        etag = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        last_modified = int(time.time())
        seconds = settings.HUIMIN_PAGE_CACHE_SECONDS
        patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        tags = [f"page:{ticket.page_id}"] + (["list"] if ticket.kind == KIND_LIST else [])
        response[HOST_HEADER] = ticket.hostname
        response[TAGS_HEADER] = ",".join(tags)
        entry = {
            "format": queries.ENTRY_FORMAT,
            "status": response.status_code,
            "headers": _headers(response),
            "content": content,
            "etag": etag,
            "last_modified": last_modified,
            "expires": last_modified + seconds,
            "tokens": {key: ticket.tokens[key] for key in ticket.wanted()},
        }
        queries.cache().set(ticket.key, entry, timeout=seconds)
        response[CACHE_HEADER] = "miss"
