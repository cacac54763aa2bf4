"""The page tags of 《政府网站发展指引》 (site tags on every page, column tags on column pages, content tags
on content pages). Names are matched case-insensitively; an empty `content` counts as missing.

Page kinds: a page with any Article*, PubDate or ContentSource meta is a content page (it is then not a
column page, even if it also carries Column* tags, as many article templates do). Otherwise a page with any
Column* meta is a column page. A page with no such tags that is not the homepage is a content page when it
has exactly one `<article>`, or exactly one `h1` and at least 300 characters of paragraph text outside
lists and the footer; failing that it is a column page when it shows at least 3 dated list items."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from ..document import Finding, Page, Site
from ..enums import Check, Severity
from .common import ancestors, footer_nodes, has_column_meta, has_content_meta, meta
from .staleness import COLUMN_MIN_ITEMS, dated_items

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
CONTENT_TAGS = ("ArticleTitle", "PubDate", "ContentSource")
PUBDATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
MIN_ARTICLE_TEXT = 300


def _looks_like_article(page: Page) -> bool:
    if len(page.tree.css("article")) == 1:
        return True
    if len(page.tree.css("h1")) != 1:
        return False
    footers = {n.mem_id for n in footer_nodes(page)}
    length = 0
    for paragraph in page.tree.css("p"):
        if any(a.tag == "li" or a.mem_id in footers for a in ancestors(paragraph)):
            continue
        length += len(paragraph.text(strip=True))
    return length >= MIN_ARTICLE_TEXT


def page_kind(page: Page, site: Site) -> str:
    """ "content", "column" or "other" (see the module docstring)."""
    if has_content_meta(page):
        return "content"
    if has_column_meta(page):
        return "column"
    if page.is_homepage:
        return "other"
    if _looks_like_article(page):
        return "content"
    return "column" if len(dated_items(page, site)) >= COLUMN_MIN_ITEMS else "other"


def _problems(page: Page, names: tuple[str, ...], label: str) -> tuple[list[str], list[str]]:
    """(evidence parts, tag names concerned)."""
    absent = [n for n in names if meta(page, n) is None]
    empty = [n for n in names if meta(page, n) == ""]
    problems = []
    if absent:
        problems.append(f"缺少{label}：{'、'.join(absent)}")
    if empty:
        problems.append(f"{label}内容为空：{'、'.join(empty)}")
    return problems, absent + empty


def _finding(page: Page, check: Check, problems: list[str], names: list[str]) -> Finding:
    target = ", ".join(names)
    return Finding(check, Severity.DEDUCT, page.url, target, "；".join(problems), page.is_homepage)


def missing_site_tags(page: Page, site: Site) -> Iterator[Finding]:
    problems, names = _problems(page, SITE_TAGS, "站点标签")
    if problems:
        yield _finding(page, Check.MISSING_SITE_TAGS, problems, names)


def missing_column_tags(page: Page, site: Site) -> Iterator[Finding]:
    if page_kind(page, site) != "column":
        return
    problems, names = _problems(page, COLUMN_TAGS, "栏目标签")
    if problems:
        yield _finding(page, Check.MISSING_COLUMN_TAGS, problems, names)


def _valid_pubdate(value: str) -> bool:
    if not PUBDATE.fullmatch(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d %H:%M")
    except ValueError:
        return False
    return True


def missing_content_tags(page: Page, site: Site) -> Iterator[Finding]:
    if page_kind(page, site) != "content":
        return
    problems, names = _problems(page, CONTENT_TAGS, "内容标签")
    pubdate = meta(page, "PubDate")
    if pubdate and not _valid_pubdate(pubdate):
        problems.append(f"PubDate 格式应为 YYYY-MM-DD HH:MM，实为“{pubdate[:30]}”")
        names.append("PubDate")
    if problems:
        yield _finding(page, Check.MISSING_CONTENT_TAGS, problems, names)
