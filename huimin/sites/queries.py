"""Reads of the site structure used by the public pages and by the checks."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import NamedTuple

from django.db.models import F, Max, Q, QuerySet, Window
from django.db.models.functions import Length, RowNumber, Substr
from wagtail.models import Page, Site

from huimin.articles.models import ArticlePage
from huimin.core.api import HOSTNAME

from . import chrome
from .models import ColumnPage, HomePage, Membership, SiteNavigation

HOME_ITEMS_PER_COLUMN = 6


def site_home(page: Page) -> HomePage | None:
    """The home page of the site a page belongs to (home pages sit right under the tree root)."""
    return HomePage.objects.filter(path=page.path[: Page.steplen * 2]).first()


def menu_columns(parent: Page) -> QuerySet[Page]:
    """The pages shown in a site's menu: columns, libraries and any other page set to show in menus."""
    return chrome.current().public(Page.objects.child_of(parent).live().in_menu()).specific()


# What a list of pages on the home page shows of each one: its title, address and date. The rest (bodies
# above all) stays in the database: a list of 40 items builds its rows in half the time.
LISTED_FIELDS = ("title", "slug", "url_path", "path", "depth", "live", "content_type", "locale", "pub_date")


def listed(queryset: QuerySet, *more: str) -> QuerySet:
    """`queryset` reading only what a list shows (`LISTED_FIELDS`, and `more`)."""
    return queryset.only(*LISTED_FIELDS, *more)


def children_q(page: Page) -> Q:
    """Wagtail's `child_of(page)` as a range of paths, which the path index serves on every database
    (`child_of` is a LIKE that SQLite answers by reading every page of the group); "~" sorts after every
    character of a Wagtail path (PostgreSQL compares paths in the C collation Wagtail gives them)."""
    return Q(path__gt=page.path, path__lt=page.path + "~", depth=page.depth + 1)


def column_articles(column: ColumnPage) -> QuerySet[ArticlePage]:
    return (
        chrome.current()
        .public(ArticlePage.objects.filter(children_q(column)).live())
        .order_by("-pub_date", "-pk")
    )


def newest_articles(columns: list[Page], count: int) -> dict[int, list[ArticlePage]]:
    """`column_articles(column)[:count]` for several columns at once, by column: one query, each article
    numbered within its column by a window function."""
    found: dict[int, list[ArticlePage]] = {column.pk: [] for column in columns}
    if not columns:
        return found
    below = Q()
    for column in columns:
        below |= children_q(column)
    parent = Substr("path", 1, Length("path") - Page.steplen)
    ranked = (
        listed(chrome.current().public(ArticlePage.objects.filter(below).live()))
        .annotate(
            rank=Window(RowNumber(), partition_by=[parent], order_by=[F("pub_date").desc(), F("pk").desc()])
        )
        .filter(rank__lte=count)
        .order_by("-pub_date", "-pk")
    )
    parents = {column.path: column.pk for column in columns}
    for article in ranked:
        found[parents[article.path[: -Page.steplen]]].append(article)
    return found


def home_column_blocks(home: HomePage) -> list[tuple[Page, list[Page]]]:
    """The top-level columns of a site with their newest articles, for the home page."""
    site_chrome = chrome.current().for_page(home)
    columns = (
        site_chrome.menu_columns if site_chrome and site_chrome.is_root(home) else list(menu_columns(home))
    )
    plain = [column for column in columns if isinstance(column, ColumnPage)]
    newest = newest_articles(plain, HOME_ITEMS_PER_COLUMN)
    blocks = []
    for column in columns:
        if column.pk in newest:
            items = newest[column.pk]
        elif hasattr(column, "latest_items"):
            items = list(column.latest_items(HOME_ITEMS_PER_COLUMN))
        else:
            items = []
        if items:
            blocks.append((column, items))
    return blocks


MAX_COLUMN_PAGES = 100


def column_pages(column: ColumnPage) -> list[Page]:
    """The live public pages of a column that are neither articles nor subcolumns but carry a `pub_date`
    (an annual report, for one), newest first. Few by nature; at most MAX_COLUMN_PAGES."""
    pages = (
        chrome.current()
        .public(Page.objects.child_of(column).live())
        .not_type(ArticlePage, ColumnPage)
        .specific()
        .order_by("-first_published_at", "-pk")[:MAX_COLUMN_PAGES]
    )
    dated = [page for page in pages if getattr(page, "pub_date", None) is not None]
    return sorted(dated, key=lambda page: page.pub_date, reverse=True)


def newest_item_date(column: ColumnPage, now=None):
    """Publication time of the newest live item in a column (its articles, and its other dated pages such as
    an annual report), or None for a blank column. With `now`, as it stood then: later items left out."""
    # The subtree as a range of paths, which the path index serves (`descendant_of` is a LIKE that SQLite
    # answers by reading every page of the group); "~" sorts after every character of a Wagtail path.
    articles = ArticlePage.objects.filter(path__gt=column.path, path__lt=column.path + "~").live()
    if now is not None:
        articles = articles.filter(pub_date__lte=now)
    # An aggregate, not ORDER BY pub_date LIMIT 1: that lets the database walk the whole group's articles
    # along the pub_date index to find one of a small column's; MAX reads only the column's subtree.
    newest = articles.aggregate(newest=Max("pub_date"))["newest"]
    others = [page.pub_date for page in column_pages(column) if now is None or page.pub_date <= now]
    dates = [moment for moment in [newest, *others] if moment]
    return max(dates) if dates else None


def newest_item_dates(site: Site, columns: list[ColumnPage], now: datetime) -> dict[int, datetime | None]:
    """`newest_item_date(column, now)` for every column of a site at once, by the same rule:
    the newest live article below the column at any depth (pub_date <= now), or the column's other dated
    pages (`column_pages`). The articles take one grouped query for the whole site (the newest per parent,
    carried up to every column above it); `newest_item_date` itself is asked only for the few columns with
    pages that are neither articles nor columns. A site with hundreds of columns costs a handful of queries,
    not three per column."""
    root = site.root_page
    step = Page.steplen
    paths = {column.path: column for column in columns}
    groups = (
        ArticlePage.objects.filter(path__gt=root.path, path__lt=root.path + "~", pub_date__lte=now)
        .live()
        .annotate(parent=Substr("path", 1, Length("path") - step))
        .values("parent")
        .annotate(newest=Max("pub_date"))
        .values_list("parent", "newest")
    )
    newest: dict[str, datetime] = {}
    for parent, moment in groups:
        for end in range(len(root.path) + step, len(parent) + 1, step):
            prefix = parent[:end]
            if prefix in paths and (prefix not in newest or moment > newest[prefix]):
                newest[prefix] = moment
    with_pages = set(
        Page.objects.filter(path__gt=root.path, path__lt=root.path + "~")
        .live()
        .public()
        .not_type(ArticlePage, ColumnPage)
        .annotate(parent=Substr("path", 1, Length("path") - step))
        .filter(parent__in=list(paths))
        .values_list("parent", flat=True)
        .distinct()
    )
    found = {paths[path].pk: newest.get(path) for path in paths}
    for path in with_pages:
        found[paths[path].pk] = newest_item_date(paths[path], now)
    return found


def site_for_hostname(value: str) -> Site | None:
    """The group's site with this hostname (any case, spaces around ignored), or None for anything else."""
    hostname = (value or "").strip().lower()
    return Site.objects.filter(hostname=hostname).first() if HOSTNAME.match(hostname) else None


def site_chrome(request) -> dict:
    """What the base template needs on a page that is not a Wagtail page (tools, forms): the request's
    site, its home page and the menu columns."""
    found = chrome.request_site(request)
    site = Site.find_for_request(request)
    if found is not None and isinstance(found.root, HomePage) and found.root.depth == 2:
        return {"site": site, "home": found.root, "columns": found.menu_columns}
    return {"site": site, **(page_chrome(site.root_page) if site else {"home": None, "columns": []})}


def page_chrome(page: Page) -> dict:
    """What the base template needs around a page of the tree: its site's home page and the menu columns
    (kept by the process, `chrome.py`)."""
    found = chrome.current().for_page(page)
    if found is not None and isinstance(found.root, HomePage) and found.root.depth == 2:
        return {"home": found.root, "columns": found.menu_columns}
    home = site_home(page)
    return {"home": home, "columns": menu_columns(home) if home else []}


def second_factor_required(user) -> bool:
    """Whether a person must sign in to the admin with a second factor (the predicate named by
    HUIMIN_SECOND_FACTOR_REQUIRED, decision 0012): a superuser, and anyone holding a group-wide role (a
    membership with no site: the platform administrator and the other 三员 roles). A role on one site leaves
    it to the person."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, site__isnull=True).exists()


# --- main navigation and site map ------------------------------------------------------------------------
NAVIGATION_DATA = Path(__file__).parent / "data" / "navigation.json"
# A site address (/path, never //host or /\host, which browsers read as another host) or an https:// URL,
# with no spaces or control characters.
_SAFE_URL = re.compile(r"\A(?:/(?![/\\])|https://[^/\\\s])[^\s\x00-\x1f\x7f<>\"'`\\]*\Z")


class NavLink(NamedTuple):
    label: str
    url: str
    page_id: int | None = None
    current: str = ""  # "page" for the page being shown, "true" for a section the page is in


class NavGroup(NamedTuple):
    title: str
    url: str | None  # the group's first page, or None when it holds only tools and addresses
    links: list[NavLink]
    current: str = ""


@cache
def navigation_rules() -> dict:
    """The grouping rules of huimin/sites/data/navigation.json (read once per process)."""
    return json.loads(NAVIGATION_DATA.read_text(encoding="utf-8"))


def safe_nav_url(url: str) -> bool:
    """Whether an address may be a navigation link: a site path or an https:// URL, nothing else."""
    return bool(_SAFE_URL.match(url or ""))


def _page_type(page: Page) -> str:
    content_type = page.content_type  # fetched with the page (select_related)
    return f"{content_type.app_label}.{content_type.model}"


def _section_pages(home: Page) -> list[tuple[Page, str]]:
    """The pages below a home page that the navigation and the site map show, each with its group: menu
    pages (columns, libraries) and the section pages of the mapped types (guides, statistics, interviews
    …) even when not set to show in menus. Two queries."""
    rules = navigation_rules()
    column_types = dict(ColumnPage.objects.child_of(home).values_list("pk", "column_type__name"))
    found = []
    for page in Page.objects.child_of(home).live().public().select_related("content_type"):
        page_type = _page_type(page)
        if page_type in rules["page_types"]:
            group = rules["page_types"][page_type]
        elif not page.show_in_menus:
            continue
        else:
            group = rules["column_types"].get(column_types.get(page.pk, ""), rules["fallback_group"])
        found.append((page, group))
    return found


def _columns_navigation(site: Site) -> list[NavGroup]:
    rules = navigation_rules()
    links: dict[str, list[NavLink]] = {title: [] for title in rules["groups"]}
    for page, group in _section_pages(site.root_page):
        url = page.relative_url(site)
        if url:
            links.setdefault(group, []).append(NavLink(page.title, url, page.pk))
    for tool in rules["tools"]:
        links.setdefault(tool["group"], []).append(NavLink(tool["label"], tool["url"]))
    return [_group(title, group_links) for title, group_links in links.items() if group_links]


def _setting_navigation(setting: SiteNavigation, site: Site) -> list[NavGroup]:
    groups = []
    for block in setting.groups:
        group_links = []
        for link in block.value["links"]:
            page, url, label = (
                link.get("page"),
                (link.get("url") or "").strip(),
                (link.get("label") or "").strip(),
            )
            if page is not None:
                if not page.live:
                    continue
                url, label = page.relative_url(site), label or page.title
            if url and label and safe_nav_url(url):
                group_links.append(NavLink(label, url, page.pk if page is not None else None))
        if group_links:
            groups.append(_group(block.value["title"], group_links))
    return groups


def _group(title: str, links: list[NavLink]) -> NavGroup:
    first_page = next((link.url for link in links if link.page_id), None)
    return NavGroup(title, first_page, links)


def main_navigation(site: Site | None) -> list[NavGroup]:
    """The main navigation of a site: the groups its administrators arranged (设置 → 主导航), or, when
    they arranged none, the site's columns and section pages grouped into 政务公开 / 政务服务 / 政民互动 /
    数据开放 / 专题专栏 by huimin/sites/data/navigation.json, with the tools every site has. A group with
    no link is left out. A few queries, nothing cached."""
    if site is None:
        return []
    setting = SiteNavigation.objects.filter(site=site).first()
    if setting is not None and len(setting.groups):
        return _setting_navigation(setting, site)
    return _columns_navigation(site)


def mark_current(groups: list[NavGroup], path: str) -> list[NavGroup]:
    """The groups with the link of the page at `path` marked "page" and the links of the sections it is in
    (and their groups) marked "true", for aria-current."""

    def state(url: str) -> str:
        if url == path:
            return "page"
        return "true" if url.startswith("/") and url != "/" and path.startswith(url) else ""

    marked = []
    for group in groups:
        links = [link._replace(current=state(link.url)) for link in group.links]
        current = "true" if any(link.current for link in links) else ""
        marked.append(group._replace(links=links, current=current))
    return marked


def site_map(site: Site | None) -> list[tuple[NavGroup, list[tuple[Page, list]]]]:
    """The 网站地图 of a site: each navigation group of the columns' grouping, with the tree below each of its
    pages down to columns and section pages (live, public, in menus; no articles), then the tools."""
    if site is None:
        return []
    rules = navigation_rules()
    home = site.root_page
    sections = _section_pages(home)
    below = _column_tree(home, depth=home.depth + 4)
    groups: dict[str, list] = {title: [] for title in rules["groups"]}
    for page, group in sections:
        groups.setdefault(group, []).append((page, below.get(page.path, [])))
    tools: dict[str, list[NavLink]] = {}
    for tool in rules["tools"]:
        tools.setdefault(tool["group"], []).append(NavLink(tool["label"], tool["url"]))
    titles = [*groups, *(title for title in tools if title not in groups)]
    return [
        (NavGroup(title, None, tools.get(title, [])), groups.get(title, []))
        for title in titles
        if groups.get(title) or tools.get(title)
    ]


def _column_tree(home: Page, *, depth: int) -> dict[str, list]:
    """{parent path: [(page, children)]} for the column-like pages below the home's children, one query."""
    rules = navigation_rules()
    section_models = set(rules["page_types"])
    pages = (
        Page.objects.descendant_of(home)
        .filter(depth__gt=home.depth + 1, depth__lte=depth)
        .live()
        .public()
        .select_related("content_type")
        .order_by("path")
    )
    children_of: dict[str, list] = {}
    for page in pages:
        page_type = _page_type(page)
        if page_type in section_models or (page_type == "huimin_sites.columnpage" and page.show_in_menus):
            entry = (page, children_of.setdefault(page.path, []))
            children_of.setdefault(page.path[: -Page.steplen], []).append(entry)
    return children_of
