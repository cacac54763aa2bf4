"""Is the site kept up to date? The publication dates of list items (the "2026-11-20" beside each title)
tell: the homepage must show something new within 14 days, a column within its type's update cycle (data:
`data/column_cycles.json`), and a column must not be empty.

A dated item is a full date (2026-11-20, 2026/11/20, 2026.11.20 or 2026年11月20日; month-day-only dates
are skipped) in a text node whose element, or one of its 6 nearest ancestors, is an `li`, `tr`, `dd` or has
a class containing "list" or "item", outside the page footer. Dates before 1990 or more than a day after
the crawl are ignored (placeholders, typos)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib.resources import files
from urllib.parse import parse_qsl, urljoin, urlsplit
from zoneinfo import ZoneInfo

from ..document import Finding, Page, Site
from ..enums import Check, Severity
from .common import ancestors, cached, footer_nodes, has_content_meta, meta, text_nodes, tokens

SHANGHAI = ZoneInfo("Asia/Shanghai")
DATE = re.compile(r"(?<!\d)(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|年(\d{1,2})月(\d{1,2})日)(?!\d)")
# A list item's date written without its year ("11-20", "[11-20]", "11月20日"): the whole text is the date.
MONTH_DAY = re.compile(r"\A[\[(（【]?\s*(\d{1,2})(?:[-/.](\d{1,2})|月(\d{1,2})日)\s*[\])）】]?\Z")
ITEM_TAGS = {"li", "tr", "dd"}
ITEM_DEPTH = 6
HOMEPAGE_VETO_DAYS, HOMEPAGE_WARN_DAYS = 14, 10
COLUMN_MIN_ITEMS = 3
NAVIGATION = ("nav", "menu", "crumb", "side", "header")  # id/class words of non-content lists


def today(site: Site | None) -> date:
    now = site.now if site is not None else datetime.now(SHANGHAI)
    return now.astimezone(SHANGHAI).date() if now.tzinfo else now.date()


def dates_in(text: str) -> Iterator[date]:
    for match in DATE.finditer(text):
        year, month, day = match.group(1), match.group(3) or match.group(5), match.group(4) or match.group(6)
        try:
            yield date(int(year), int(month), int(day))
        except ValueError:
            continue


def month_day(text: str, today_: date) -> date | None:
    """A year-less date read as the latest such day not after tomorrow (lists show this year's items)."""
    match = MONTH_DAY.match(text.strip())
    if not match:
        return None
    month, day = int(match.group(1)), int(match.group(2) or match.group(3))
    for year in (today_.year, today_.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate <= today_ + timedelta(days=1):
            return candidate
    return None


def _is_item(node) -> bool:
    if node.tag in ITEM_TAGS:
        return True
    classes = (node.attributes.get("class") or "").lower()
    return "list" in classes or "item" in classes


def dated_items(page: Page, site: Site | None = None) -> list[date]:
    """Publication dates of the page's list items, newest first."""
    latest = today(site) + timedelta(days=1)

    def compute() -> list[date]:
        footers = {n.mem_id for n in footer_nodes(page)}
        found = []
        for node in text_nodes(page.tree.body):
            text = node.text_content or ""
            short = month_day(text, latest - timedelta(days=1)) if len(text) <= 16 else None
            if short is None and not DATE.search(text):
                continue
            chain = [node.parent, *ancestors(node.parent)] if node.parent is not None else []
            if not any(_is_item(a) for a in chain[:ITEM_DEPTH]) or any(a.mem_id in footers for a in chain):
                continue
            if short is not None:
                found.append(short)
            found.extend(d for d in dates_in(text) if date(1990, 1, 1) <= d <= latest)
        return sorted(found, reverse=True)

    return cached(page, f"dated_items:{latest}", compute)


def homepage_stale(page: Page, site: Site) -> Iterator[Finding]:
    if not page.is_homepage:
        return
    items = dated_items(page, site)
    if not items:
        yield Finding(
            Check.HOMEPAGE_STALE, Severity.VETO, page.url, "首页", "首页未发现带发布日期的信息", True
        )
        return
    age = (today(site) - items[0]).days
    if age >= HOMEPAGE_WARN_DAYS:
        severity = Severity.VETO if age > HOMEPAGE_VETO_DAYS else Severity.WARN
        evidence = f"首页最新信息发布于 {items[0]:%Y-%m-%d}，已 {age} 天未更新"
        yield Finding(Check.HOMEPAGE_STALE, severity, page.url, "首页", evidence, True)


@lru_cache(maxsize=1)
def column_cycles() -> dict[str, int]:
    text = files("huimin.inspection").joinpath("data/column_cycles.json").read_text(encoding="utf-8")
    return {k: int(v) for k, v in json.loads(text).items() if not k.startswith("_")}


def column_cycle(page: Page) -> tuple[str, int] | None:
    """The (keyword, days) cycle of a column: the first of ColumnType, ColumnName, <title>, first h1 that
    contains a keyword decides, the longest keyword winning; None when nothing matches (not checked)."""
    cycles = column_cycles()
    keywords = sorted(cycles, key=len, reverse=True)
    title, h1 = page.tree.css_first("title"), page.tree.css_first("h1")
    sources = [meta(page, "ColumnType"), meta(page, "ColumnName")]
    sources += [title.text(strip=True) if title else "", h1.text(strip=True) if h1 else ""]
    for source in sources:
        for keyword in keywords:
            if source and keyword in source:
                return keyword, cycles[keyword]
    return None


def _main_list_items(page: Page) -> int:
    main = page.tree.css_first("main, [role=main]") or page.tree.body
    footers = {n.mem_id for n in footer_nodes(page)}
    count = 0
    for node in main.css("li, tr, dd") if main is not None else []:
        if not node.css_first("a") and not node.text(strip=True):
            continue
        chain = list(ancestors(node))
        if any(a.tag in ("nav", "header") or a.mem_id in footers for a in chain):
            continue
        if any(word in t for a in chain for t in tokens(a) for word in NAVIGATION):
            continue
        count += 1
    return count


PAGE_PARAMS = {"page", "p", "pageno", "pagenum", "pageindex", "currentpage", "pn"}
LATER_PAGE_PATH = re.compile(r"(?:index|list|default)_(\d+)\.s?html?\Z", re.IGNORECASE)


def is_later_page(url: str) -> bool:
    """The second or a later page of a paginated column (`?page=2`, TRS-style `index_1.html`): its items
    are older by design, so only a column's first page is judged."""
    parts = urlsplit(url)
    for name, value in parse_qsl(parts.query):
        if name.lower() in PAGE_PARAMS and value.isdigit() and int(value) > 1:
            return True
    return LATER_PAGE_PATH.search(parts.path) is not None


def is_other_view(page: Page) -> bool:
    """A view of a column that names another URL as the canonical one (`<link rel="canonical">`), such as
    a catalogue filtered by unit or category: the column is judged at its canonical URL, not per view."""
    link = page.tree.css_first('link[rel="canonical"]')
    href = (link.attributes.get("href") or "").strip() if link is not None else ""
    if not href:
        return False
    canonical, own = urlsplit(urljoin(page.url, href)), urlsplit(page.url)
    return (canonical.netloc, canonical.path, canonical.query) != (own.netloc, own.path, own.query)


def column_stale(page: Page, site: Site) -> Iterator[Finding]:
    if page.is_homepage or has_content_meta(page) or is_later_page(page.url) or is_other_view(page):
        return
    items = dated_items(page, site)
    if not meta(page, "ColumnType") and len(items) < COLUMN_MIN_ITEMS:
        return  # not a column page
    cycle = column_cycle(page)
    if cycle is None or not items:
        return
    keyword, days = cycle
    if (today(site) - items[0]).days > days:
        name = meta(page, "ColumnName") or keyword
        evidence = f"最新信息发布于 {items[0]:%Y-%m-%d}，已超过 {days} 天未更新"
        yield Finding(Check.COLUMN_STALE, Severity.DEDUCT, page.url, name, evidence, page.is_homepage)


def column_empty(page: Page, site: Site) -> Iterator[Finding]:
    if (
        page.is_homepage
        or has_content_meta(page)
        or meta(page, "ColumnType") is None
        or is_later_page(page.url)
        or is_other_view(page)
    ):
        return
    if dated_items(page, site) or _main_list_items(page):
        return
    name = meta(page, "ColumnName") or meta(page, "ColumnType") or "栏目"
    yield Finding(Check.COLUMN_EMPTY, Severity.DEDUCT, page.url, name, "栏目页未发现任何信息条目", False)
