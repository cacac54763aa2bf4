"""Purging the page cache and the front cache: the one door for every invalidation.

A purge draws new tokens for what changed (queries.py explains why that invalidates every copy at once)
and asks each front cache configured in WAGTAILFRONTENDCACHE to drop the same responses (frontend.py). It
runs when the transaction that made the change commits, so no request can render the old data after the purge.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from huimin.core import dbrouter

from . import queries
from .enums import SCOPE_LISTS, SCOPE_PAGE, SCOPE_SITE

logger = logging.getLogger("huimin.pagecache")


def _purge_now(hostnames_all: set[str], hostnames_lists: set[str], page_ids: set[int], reason: str) -> None:
    keys = [queries.host_token_key(h) for h in hostnames_all]
    keys += [queries.lists_token_key(h) for h in hostnames_lists - hostnames_all]
    keys += [queries.page_token_key(pk) for pk in page_ids]
    if not keys:
        return
    # With a replica, reads after this see the change before anyone can render the purged pages again.
    dbrouter.fence()
    try:
        queries.cache().set_many({key: queries.new_token() for key in keys}, timeout=None)
    except Exception:
        logger.exception("页面缓存清除失败（%s）：缓存服务不可用，已缓存的页面将在到期后更新", reason)
    from . import frontend

    frontend.purge(
        [(SCOPE_SITE, h, None) for h in sorted(hostnames_all)]
        + [(SCOPE_LISTS, h, None) for h in sorted(hostnames_lists - hostnames_all)]
        + [(SCOPE_PAGE, None, pk) for pk in sorted(page_ids)]
    )
    logger.info(
        "页面缓存已清除（%s）：整站 %s；列表 %s；页面 %s",
        reason,
        ",".join(sorted(hostnames_all)) or "-",
        ",".join(sorted(hostnames_lists - hostnames_all)) or "-",
        ",".join(map(str, sorted(page_ids))) or "-",
    )


def purge(
    *,
    sites: Iterable[str] = (),
    lists: Iterable[str] = (),
    pages: Iterable[int] = (),
    reason: str = "",
) -> None:
    """Purge whole hosts (`sites`), the lists of hosts (`lists`) and pages by id (`pages`) once the current
    transaction commits (at once outside one)."""
    hostnames_all, hostnames_lists, page_ids = set(sites), set(lists), set(pages)
    transaction.on_commit(lambda: _purge_now(hostnames_all, hostnames_lists, page_ids, reason))


def purge_all(reason: str = "") -> None:
    """Drop every kept page (a database replaced, the demo reloaded): a new global token, so a cache shared
    with sessions and throttles (Redis) is never flushed."""
    try:
        queries.cache().set(queries.GLOBAL_TOKEN_KEY, queries.new_token(), timeout=None)
    except Exception:
        logger.exception("页面缓存清空失败（%s）：缓存服务不可用", reason)
        return
    from . import frontend

    frontend.purge([(SCOPE_SITE, "*", None)])
    logger.info("页面缓存已全部清空（%s）", reason)


def purge_for_pages(pages, reason: str = "") -> None:
    """What a change of these pages (published, unpublished, moved, deleted, saved live) makes stale: each
    page, every list on its site, the pages on any site that refer to it or to one of its ancestors (a
    home-page block showing its column, an interpretation and its policy), the lists of those sites, and the
    lists of the sites whose pages gather the whole group (the portal's library, guides and data catalogue).
    A change of a column or section page (what the navigation and the site map are built from) purges its
    whole site."""
    hostnames_all, hostnames_lists, page_ids = queries.stale_by_pages(list(pages))
    if page_ids or hostnames_lists or hostnames_all:
        purge(sites=hostnames_all, lists=hostnames_lists, pages=page_ids, reason=reason)
