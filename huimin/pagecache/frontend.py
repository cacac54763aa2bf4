"""Front caches (Varnish, or any of Wagtail's frontend-cache backends) purged with the page cache.

They are configured the way Wagtail configures them, in WAGTAILFRONTENDCACHE (docs/operations.md). Huimin's
`BanBackend` is Wagtail's HTTP backend that can also ban by the tags every kept response carries
(`X-Huimin-Host`, `X-Huimin-Tags`), so a front cache drops exactly what the page cache drops, query strings
and display modes included; the shipped Varnish configuration understands its BAN requests. Any other Wagtail
backend (a CDN's) gets the URLs of the pages and the sites' home pages instead.
"""

from __future__ import annotations

import logging
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from django.conf import settings
from wagtail.contrib.frontend_cache.backends import HTTPBackend

from .enums import SCOPE_LISTS, SCOPE_PAGE

logger = logging.getLogger("huimin.pagecache")

BAN_HOST_HEADER = "X-Huimin-Ban-Host"  # a hostname, or "*" for every host
BAN_TAG_HEADER = "X-Huimin-Ban-Tag"  # a regular expression matched against X-Huimin-Tags, or absent


class _BanRequest(Request):
    def get_method(self):
        return "BAN"


class BanBackend(HTTPBackend):
    """Wagtail's HTTPBackend (PURGE of one URL) that also sends BAN requests by host and tag."""

    def __init__(self, params):
        self.location = params["LOCATION"].rstrip("/")
        self.timeout = params.pop("TIMEOUT", 3)
        super().__init__(params)

    def ban(self, scope: str, hostname: str | None, page_id: int | None) -> None:
        headers = {BAN_HOST_HEADER: hostname or "*"}
        if scope == SCOPE_LISTS:
            headers[BAN_TAG_HEADER] = "(^|,)list(,|$)"
        elif scope == SCOPE_PAGE:
            headers[BAN_TAG_HEADER] = f"(^|,)page:{int(page_id)}(,|$)"
        request = _BanRequest(self.location + "/", headers=headers)
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - LOCATION is configured
                response.read()
        except (HTTPError, URLError, OSError) as error:
            logger.error(
                "前端缓存 %s 未能清除（%s %s %s）：%s", self.location, scope, hostname or "*", page_id, error
            )


def _backends():
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return {}
    from wagtail.contrib.frontend_cache.utils import get_backends

    return get_backends()


def _urls(purges) -> list[str]:
    """The URLs a backend that cannot ban is asked to purge: each page's, and each host's home page."""
    from wagtail.models import Page, Site

    urls = []
    for scope, hostname, page_id in purges:
        if scope == SCOPE_PAGE:
            page = Page.objects.filter(pk=page_id).first()
            url = page.get_full_url() if page is not None else None
            if url:
                urls.append(url)
        elif hostname == "*":
            urls += [site.root_url + "/" for site in Site.objects.all()]
        else:
            site = Site.objects.filter(hostname=hostname).first()
            if site is not None:
                urls.append(site.root_url + "/")
    return urls


def purge(purges: list[tuple[str, str | None, int | None]]) -> None:
    """Ask every configured front cache to drop what `purges` names: (scope, hostname, page id) triples."""
    backends = _backends()
    if not backends or not purges:
        return
    urls = None
    for name, backend in backends.items():
        if isinstance(backend, BanBackend):
            for scope, hostname, page_id in purges:
                backend.ban(scope, hostname, page_id)
        else:
            urls = _urls(purges) if urls is None else urls
            backend.purge_batch(urls)
        logger.info("前端缓存 %s 已清除 %d 项", name, len(purges))
