"""The chrome of the group's sites, kept in each process: what every public page shows around its own content,
and what serving one needs before that content.

For each site: the Wagtail site a host names, its home page and the pages right below it (the columns and
sections that the menus, the breadcrumbs, the routing and the home page's blocks lead to), its identity (the
header, the footer and the national tags) and its main navigation; for the group: the sites of 站群导航 and
the pages behind a view restriction. A site's part is built on first use (a dozen queries) and kept until the
token changes.

The home page's blocks and the column pages keep here, under the same token, what they read of the pages
too (`Chrome.memo`): which pages a list shows, in which order, with their titles, dates and pictures.

The database stays the truth. Everything the chrome is built from (pages published, unpublished, moved,
deleted or saved live; sites, identities, navigations, column types, organisation units, view restrictions,
pictures) writes a new random token through `invalidate` when it changes, in the writer's transaction, as
the policies' facet index does. Each request reads the token once (one query) and uses this process's
chrome only when it was built under that token: an edit shows on the next request in every process, and a
rolled-back change can never leave a process trusting chrome built from data that was never committed. A
process also drops its chrome after MAX_AGE_SECONDS, for a change made behind the signals' back (a bulk
UPDATE in a shell: call `invalidate()` after one).

Pages shared by requests are read, never changed: the page a request serves (the home page, or a page
right below it) is a copy of its own (`fresh`).
"""

from __future__ import annotations

import copy
import logging
import threading
import time
import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Any

from asgiref.local import Local
from django.db import DatabaseError
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_migrate, post_save
from django.http.request import split_domain_port
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

# A change that bypassed the signals shows up after this long at the latest.
MAX_AGE_SECONDS = 600
# Page fields that saving a draft, locking or scheduling writes: none of them changes the published chrome.
DRAFT_FIELDS = frozenset(
    {
        "draft_title",
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "go_live_at",
        "expire_at",
    }
)
_MISSING = object()


# --- the token --------------------------------------------------------------------------------------------


def stored_token() -> str:
    from .models import ChromeToken

    return ChromeToken.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def invalidate() -> None:
    """Tell every process that the chrome changed, so that each builds it again before its next use.

    Runs in the caller's transaction: readers see the new token exactly when they see the change.
    """
    from .models import ChromeToken

    token = uuid.uuid4().hex
    if not ChromeToken.objects.filter(pk=1).update(token=token, changed_at=timezone.now()):
        ChromeToken.objects.create(pk=1, token=token)
    scope = getattr(_local, "scope", None)
    if scope is not None:
        scope.chrome = None  # this request reads the token again


# --- this request's chrome -------------------------------------------------------------------------------
# A request reads the token once: Django's request_started opens a scope for it (the test client sends the
# signal too) and request_finished closes it. Outside a request (a command, a test calling a function) every
# call reads the token.

_local = Local()
_current: Chrome | None = None
_build_lock = threading.RLock()


class _Scope:
    __slots__ = ("chrome",)

    def __init__(self):
        self.chrome = None


def _request_started(sender, **kwargs):
    _local.scope = _Scope()


def _request_finished(sender, **kwargs):
    _local.scope = None


def current() -> Chrome:
    """The chrome as the database stands: this process's, unless the token says it changed since."""
    global _current
    scope = getattr(_local, "scope", None)
    if scope is not None and scope.chrome is not None:
        return scope.chrome
    token = stored_token()
    chrome = _current
    if chrome is None or not token or chrome.token != token or chrome.expired():
        chrome = Chrome(token)
        if token:  # no token (a flushed test database): built for this request alone
            _current = chrome
    if scope is not None:
        scope.chrome = chrome
    return chrome


def request_site(request) -> SiteChrome | None:
    """The chrome of the site a request is for, or None when no site answers its host.

    Also hands Wagtail the request's site with its home page (`Site.find_for_request` keeps the site on the
    request), so that serving a page looks up neither again.
    """
    found = getattr(request, "_huimin_site_chrome", _MISSING)
    if found is not _MISSING:
        return found
    chrome = current()
    site = getattr(request, "_wagtail_site", _MISSING)
    if site is _MISSING:
        hostname = split_domain_port(request._get_raw_host())[0]
        found = chrome.for_host(hostname, request.get_port())
        request._wagtail_site = found.request_site() if found is not None else None
    else:
        found = chrome.for_site(site.pk) if site is not None else None
    request._huimin_site_chrome = found
    return found


def fresh(page: Page) -> Page:
    """A copy of a kept page for one request: what the request sets on it stays with the request."""
    clone = copy.copy(page)
    clone.__dict__.pop("specific", None)  # the copy is its own specific page
    clone.__dict__.pop("specific_deferred", None)
    return clone


# --- the chrome --------------------------------------------------------------------------------------------


class Chrome:
    """The chrome under one token, built site by site as requests ask for it."""

    def __init__(self, token: str):
        self.token = token
        self.born = time.monotonic()
        self._hosts: dict[tuple[str, str], int | None] = {}
        self._sites: dict[int, SiteChrome | None] = {}
        self._memo: dict[Any, Any] = {}

    def expired(self) -> bool:
        return time.monotonic() - self.born > MAX_AGE_SECONDS

    def memo(self, key, build: Callable[[], Any]):
        """`build()`, computed once under this token (for what depends only on what the token covers)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    # sites

    @cached_property
    def sites(self) -> list[Site]:
        return list(Site.objects.select_related("root_page").order_by("pk"))

    def for_host(self, hostname: str, port) -> SiteChrome | None:
        """The site Wagtail answers this host and port with (`Site.find_for_request`'s rule, asked once)."""
        key = (hostname, str(port))
        site_id = self._hosts.get(key, _MISSING)
        if site_id is _MISSING:
            try:
                site_id = get_site_for_hostname(hostname, port).pk
            except Site.DoesNotExist:
                site_id = None
            if len(self._hosts) > 1000:  # hosts are checked before (KnownHostMiddleware); ports may vary
                self._hosts.clear()
            self._hosts[key] = site_id
        return self.for_site(site_id) if site_id is not None else None

    def for_site(self, site_id: int) -> SiteChrome | None:
        found = self._sites.get(site_id, _MISSING)
        if found is _MISSING:
            with _build_lock:
                found = self._sites.get(site_id, _MISSING)
                if found is _MISSING:
                    site = next((site for site in self.sites if site.pk == site_id), None)
                    found = self._sites[site_id] = SiteChrome(self, site) if site is not None else None
        return found

    def for_page(self, page: Page) -> SiteChrome | None:
        """The chrome of the site whose tree holds `page` (its home page's site)."""
        path = getattr(page, "path", "") or ""
        best = None
        for site in self.sites:
            root = site.root_page.path
            if path.startswith(root) and (best is None or len(root) > len(best.root_page.path)):
                best = site
        return self.for_site(best.pk) if best is not None else None

    # view restrictions

    @cached_property
    def restricted(self) -> list[tuple[str, int]]:
        """(path, depth) of every page with a view restriction."""
        return sorted(set(PageViewRestriction.objects.values_list("page__path", "page__depth")))

    @cached_property
    def has_aliases(self) -> bool:
        return Page.objects.filter(alias_of__isnull=False).exists()

    def is_public(self, page: Page) -> bool:
        return not any(page.path.startswith(path) for path, _ in self.restricted)

    def public(self, queryset: QuerySet) -> QuerySet:
        """`queryset.public()` (Wagtail's: pages in no restricted section) without its query."""
        if not self.restricted:
            return queryset
        private = Q()
        for path, depth in self.restricted:
            private |= Q(path__startswith=path, depth__gte=depth)
        return queryset.exclude(private)

    def view_restrictions(self, page: Page):
        """What `page.get_view_restrictions()` returns (the restrictions on the page and its ancestors), or
        None when only Wagtail's own answer can tell: in a group with aliases, whose restrictions are their
        originals'."""
        if not self.restricted:
            return PageViewRestriction.objects.none()
        if self.has_aliases:
            return None
        paths = [path for path, _ in self.restricted if page.path.startswith(path)]
        if not paths:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(page__path__in=paths)

    # the group

    @cached_property
    def identities(self) -> list:
        """Every site's identity with its site and organisation unit, as 站群导航 lists them."""
        from .models import SiteIdentity

        return list(
            SiteIdentity.objects.select_related("site", "org_unit").order_by(
                "org_unit__sort_order", "site_name"
            )
        )


class SiteChrome:
    """One site's part of the chrome: built at once on first use."""

    def __init__(self, chrome: Chrome, site: Site):
        from . import queries
        from .models import ColumnPage, SiteIdentity

        started = time.perf_counter()
        self.chrome = chrome
        self.site = site
        self.root = site.root_page.specific
        self.children = list(Page.objects.child_of(self.root).specific())
        columns = [page for page in self.children if isinstance(page, ColumnPage)]
        if columns:
            from django.db.models import prefetch_related_objects

            prefetch_related_objects(columns, "column_type")
        self.by_slug = {page.slug: page for page in self.children}
        self.by_path = {page.path: page for page in self.children}
        self.identity = (
            SiteIdentity.objects.filter(site=site).select_related("org_unit", "emblem", "banner").first()
        )
        self.navigation = queries.main_navigation(site)
        self._memo: dict[Any, Any] = {}
        logger.debug("chrome of %s built in %.0f ms", site.hostname, (time.perf_counter() - started) * 1000)

    def memo(self, key, build: Callable[[], Any]):
        """`build()`, computed once for this site under this token."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def request_site(self) -> Site:
        """A copy of the site for one request, its home page a copy too."""
        site = copy.copy(self.site)
        site._state.fields_cache["root_page"] = fresh(self.root)
        return site

    def is_root(self, page: Page) -> bool:
        return page.pk == self.root.pk

    def child(self, slug: str) -> Page | None:
        """A copy of the home page's child with this slug (live or not, as Wagtail routes), or None."""
        page = self.by_slug.get(slug)
        return fresh(page) if page is not None else None

    @cached_property
    def menu_columns(self) -> list[Page]:
        """`queries.menu_columns(home)`: the home page's live, public children shown in menus."""
        return [
            page for page in self.children if page.live and page.show_in_menus and self.chrome.is_public(page)
        ]

    def section(self, model) -> Page | None:
        """The first live, public page of this type right below the home page (a site's policy library)."""
        return next(
            (
                page
                for page in self.children
                if isinstance(page, model) and page.live and self.chrome.is_public(page)
            ),
            None,
        )

    def ancestors(self, page: Page) -> list[Page] | None:
        """The ancestors of a page below the tree root (home page first) when all are kept here, else None."""
        if self.root.depth != 2 or not page.path.startswith(self.root.path) or page.depth <= 2:
            return [] if page.depth <= 2 else None
        if page.depth == 3:
            return [self.root]
        if page.depth == 4:
            parent = self.by_path.get(page.path[: 3 * Page.steplen])
            return [self.root, parent] if parent is not None else None
        return None


# --- what renews the token ------------------------------------------------------------------------------


def _page_changed(sender, instance, **kwargs):
    invalidate()


def _page_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if not isinstance(instance, Page):
        return
    if created and not instance.live:
        return  # a new draft: nothing readers see yet (and routing finds it without the chrome)
    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    invalidate()


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        invalidate()


def _changed(sender, instance, **kwargs):
    invalidate()


def _image_changed(sender, instance, created=False, **kwargs):
    if not created:  # a picture's title, description (the alt text of covers) or focal point changed
        invalidate()


def _migrated(sender, **kwargs):
    if sender.name == "huimin.sites":
        try:
            invalidate()
        except DatabaseError:  # migrated back before the token's table
            logger.info("chrome token not renewed: its table is not there")


def connect() -> None:
    from django.core.signals import request_finished, request_started
    from wagtail.images import get_image_model

    from .models import ColumnType, OrgUnit, SiteIdentity, SiteNavigation

    request_started.connect(_request_started, dispatch_uid="huimin_chrome_request_started")
    request_finished.connect(_request_finished, dispatch_uid="huimin_chrome_request_finished")
    page_published.connect(_page_changed, dispatch_uid="huimin_chrome_published")
    page_unpublished.connect(_page_changed, dispatch_uid="huimin_chrome_unpublished")
    post_page_move.connect(_page_changed, dispatch_uid="huimin_chrome_moved")
    post_save.connect(_page_saved, dispatch_uid="huimin_chrome_page_saved")  # a page's own type is the sender
    # Deleting a page of any type deletes its row of `Page` too, which sends this; a receiver for every
    # sender would make Django fetch and signal each row of every bulk delete in the project.
    post_delete.connect(_page_deleted, sender=Page, dispatch_uid="huimin_chrome_page_deleted")
    for model in (Site, SiteIdentity, SiteNavigation, ColumnType, OrgUnit, PageViewRestriction):
        name = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"huimin_chrome_{name}_saved")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"huimin_chrome_{name}_deleted")
    image = get_image_model()
    post_save.connect(_image_changed, sender=image, dispatch_uid="huimin_chrome_image_saved")
    post_delete.connect(_image_changed, sender=image, dispatch_uid="huimin_chrome_image_deleted")
    # A rendition deleted (a purge): the pictures kept by `{% kept_image %}` would point at a removed file.
    post_delete.connect(
        _changed, sender=image.get_rendition_model(), dispatch_uid="huimin_chrome_rendition_deleted"
    )
    post_migrate.connect(_migrated, dispatch_uid="huimin_chrome_migrated")
