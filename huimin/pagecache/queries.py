"""Reading the page cache: which requests and responses it may serve or keep, their keys, and the lookup.

A kept response is valid while the tokens it was rendered under are current: its host's token, its page's
token and, for a list, its host's lists token. A purge (services.py) draws new tokens, so every response
rendered before it stops matching at once, in every process and on every host that shares the cache, without
finding or deleting the entries themselves. A token that is missing (never drawn, or evicted) matches nothing;
a global token purges everything at once.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches

from huimin.accessibility.queries import mode_of

from .enums import KIND_LIST, KIND_PAGE

# Page types that show one piece of content: kept until that page (or a page it refers to) changes. Every
# other page type lists, counts or gathers content and is purged with its site's lists.
SINGLE_CONTENT = frozenset(
    {
        "huimin_articles.articlepage",
        "huimin_policies.policypage",
        "huimin_policies.interpretationpage",
        "huimin_guides.serviceguidepage",
        "huimin_disclosure.annualreportpage",
        "huimin_opendata.datasetpage",
    }
)
# Page types never kept: they answer each reader (questionnaires and consultations, live interviews).
NEVER = frozenset({"huimin_surveys.surveypage", "huimin_interviews.interviewpage"})

# Paths no page of the group lives under: the lookup is skipped for them.
SKIPPED_PREFIXES = (
    "/admin/",
    "/accounts/",
    "/api/",
    "/documents/",
    "/search/",
    "/qa/",
    "/moshi/",
    "/hudong/",
    "/zfxxgk/",
    "/gongju/",
    "/open311/",
    "/static/",
    "/media/",
)
# Cookies that make a response personal (a signed-in reader, a one-time message): with one, nothing is served
# from the cache or kept.
PERSONAL_COOKIES = ("messages",)


def cache():
    return caches["pages"]


def hostname_of(request) -> str:
    return request.get_host().rsplit(":", 1)[0].lower().strip("[]")


GLOBAL_TOKEN_KEY = "t:g"  # noqa: S105 - a cache key, not a secret; every kept page at once (a database replaced, the demo reloaded)


def host_token_key(hostname: str) -> str:
    return f"t:h:{hostname}"


def lists_token_key(hostname: str) -> str:
    return f"t:l:{hostname}"


def page_token_key(page_id: int) -> str:
    return f"t:p:{page_id}"


def new_token() -> str:
    return secrets.token_hex(8)


def request_may_use_cache(request) -> bool:
    """An anonymous GET or HEAD of a path pages live under, with no cookie that makes the answer personal."""
    if not settings.HUIMIN_PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in request.META or request.path.startswith(SKIPPED_PREFIXES):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and not any(
        name in cookies for name in PERSONAL_COOKIES
    )


def entry_key(request) -> str:
    """One entry per scheme, host, path, query string and display mode."""
    parts = (
        request.scheme,
        hostname_of(request),
        request.path,
        request.META.get("QUERY_STRING", ""),
        mode_of(request).value,
    )
    return "e:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def kind_of(page) -> str | None:
    """KIND_PAGE, KIND_LIST, or None for a page type never kept."""
    label = page.specific_class._meta.label_lower if page.specific_class else page._meta.label_lower
    if label in NEVER:
        return None
    return KIND_PAGE if label in SINGLE_CONTENT else KIND_LIST


@dataclass
class Ticket:
    """What a request that may be kept carries from the lookup to the store: the tokens current before
    rendering began (so a purge during rendering leaves the entry invalid), and what the response shows."""

    key: str
    hostname: str
    tokens: dict[str, str] = field(default_factory=dict)
    page_id: int | None = None
    kind: str | None = None

    def wanted(self) -> list[str]:
        """The tokens an entry for this request depends on."""
        keys = [GLOBAL_TOKEN_KEY, host_token_key(self.hostname)]
        if self.page_id is not None:
            keys.append(page_token_key(self.page_id))
        if self.kind == KIND_LIST:
            keys.append(lists_token_key(self.hostname))
        return keys


def current_tokens(keys: list[str]) -> dict[str, str]:
    """The current tokens of `keys`; a missing one is drawn now (`add`, so two processes agree on one)."""
    store = cache()
    found = store.get_many(keys)
    for key in keys:
        if key not in found:
            store.add(key, new_token(), timeout=None)
            found[key] = store.get(key)
    return found


ENTRY_FORMAT = 1  # entries written by another version of this module are misses


def entry_is_current(entry: dict, tokens: dict[str, str]) -> bool:
    if entry.get("format") != ENTRY_FORMAT:
        return False
    return all(tokens.get(key) == value and value is not None for key, value in entry["tokens"].items())


class _Recent:
    """The entries this process served last, so a hit reads only the small tokens from the shared cache, not
    the page itself. An entry here is served only while its tokens are current and it has not expired."""

    def __init__(self):
        self.entries: OrderedDict[str, dict] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        entry = self.entries.get(key)
        if entry is not None and entry.get("expires", 0) <= time.time():
            self.forget(key)
            return None
        return entry

    def remember(self, key: str, entry: dict) -> None:
        limit = settings.HUIMIN_PAGE_CACHE_RECENT
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > limit:
                self.entries.popitem(last=False)

    def forget(self, key: str) -> None:
        with self.lock:
            self.entries.pop(key, None)


recent = _Recent()


def lookup(request) -> tuple[dict | None, Ticket]:
    """The kept entry for this request if it is still current, and the ticket for keeping a new one."""
    store = cache()
    ticket = Ticket(key=entry_key(request), hostname=hostname_of(request))
    entry = recent.get(ticket.key)
    if entry is not None:
        if entry_is_current(entry, store.get_many(list(entry["tokens"]))):
            return entry, ticket
        recent.forget(ticket.key)
    entry = store.get(ticket.key)
    if entry is not None:
        current = store.get_many(list(entry["tokens"]))
        if entry_is_current(entry, current):
            if settings.HUIMIN_PAGE_CACHE_RECENT:
                recent.remember(ticket.key, entry)
            return entry, ticket
    ticket.tokens = current_tokens(
        [GLOBAL_TOKEN_KEY, host_token_key(ticket.hostname), lists_token_key(ticket.hostname)]
    )
    return None, ticket


def _site_roots() -> list[tuple[str, str]]:
    """(root page path, hostname) of every site, deepest root first and the default site first among equals:
    read from the database, not from Wagtail's cached root paths, which may name a site deleted since."""
    from wagtail.models import Site

    rows = Site.objects.values_list("root_page__path", "hostname", "is_default_site")
    ordered = sorted(rows, key=lambda row: (-len(row[0]), not row[2]))
    return [(path, hostname.lower()) for path, hostname, _default in ordered]


def _hostname_of_page(page, roots: list[tuple[str, str]]) -> str | None:
    """The host that serves `page`: the site whose root is the page or its nearest ancestor."""
    return next((hostname for path, hostname in roots if page.path.startswith(path)), None)


def stale_by_pages(pages) -> tuple[set[str], set[str], set[int]]:
    """(hosts to purge whole, hosts whose lists to purge, pages to purge) after a change of `pages`; see
    services.purge_for_pages."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex

    hostnames_all: set[str] = set()
    hostnames_lists: set[str] = set()
    page_ids: set[int] = set()
    watched: set[int] = set()  # the pages and their ancestors: whoever refers to them shows them
    roots = _site_roots()
    for page in pages:
        if page.pk is None:
            continue
        page_ids.add(page.pk)
        hostname = _hostname_of_page(page, roots)
        if hostname is None:
            continue
        if kind_of(page) == KIND_LIST:  # a column or section: the navigation and site map show it
            hostnames_all.add(hostname)
        hostnames_lists.add(hostname)
        watched.add(page.pk)
        watched.update(_ancestor_ids(page))
    if not watched:
        return hostnames_all, hostnames_lists, page_ids
    page_type = ContentType.objects.get_for_model(Page)
    inbound = ReferenceIndex.objects.filter(
        to_content_type=page_type, to_object_id__in=[str(pk) for pk in watched], base_content_type=page_type
    ).values_list("object_id", flat=True)
    outbound = ReferenceIndex.objects.filter(
        base_content_type=page_type, object_id__in=[str(pk) for pk in page_ids], to_content_type=page_type
    ).values_list("to_object_id", flat=True)
    related = {int(pk) for pk in [*inbound, *outbound]} - page_ids
    for other in Page.objects.filter(pk__in=related).only("pk", "path", "depth", "url_path"):
        page_ids.add(other.pk)
        hostname = _hostname_of_page(other, roots)
        if hostname is not None:
            hostnames_lists.add(hostname)
    hostnames_lists.update(gathering_hostnames(roots))
    return hostnames_all, hostnames_lists, page_ids


def gathering_hostnames(roots: list[tuple[str, str]] | None = None) -> set[str]:
    """The hosts of the pages that gather the whole group (汇集全市: the portal's policy library, guide
    index and data catalogue, any page type with a true `aggregate_group`): a change anywhere shows in their
    lists."""
    from django.apps import apps
    from wagtail.models import Page

    roots = _site_roots() if roots is None else roots
    hostnames = set()
    for model in apps.get_models():
        if issubclass(model, Page) and any(f.name == "aggregate_group" for f in model._meta.local_fields):
            for page in model.objects.live().filter(aggregate_group=True).only("pk", "path", "url_path"):
                hostname = _hostname_of_page(page, roots)
                if hostname is not None:
                    hostnames.add(hostname)
    return hostnames


def _ancestor_ids(page) -> list[int]:
    """The ids of a page's ancestors, from its tree path (no query when the page is in memory)."""
    from wagtail.models import Page

    steplen = Page.steplen
    paths = [page.path[:i] for i in range(steplen, len(page.path), steplen)]
    return list(Page.objects.filter(path__in=paths).values_list("pk", flat=True))
