"""Site identity: the 网站标识码 (meta and footer), the items every page footer must show, and the
homepage's "我为政府网站找错" entry.

The footer region is the union of the footer-like elements (see `common.footer_nodes`), the last block
of the page (the last child with text of the body, or of its single wrapper), and the last 30% of the
page: of its visible text and of the body's `a`, `img`, `script` and `span` elements. Taking the union
keeps badges placed just outside a footer element from being reported missing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import Finding, Page, Site
from ..enums import Check, Severity
from .common import INVISIBLE_TAGS, cached, footer_nodes, meta, text_of, visible_text

SITE_CODE = re.compile(r"(?:\d{10}|bm\d{8})")
SHOWN_CODE = re.compile(r"网站标识码\s*[:：]?\s*([A-Za-z]{0,4}[0-9][A-Za-z0-9]*)")  # a code has digits
ICP = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]ICP备\d+号(?:-\d+)?")
POLICE = re.compile(r"公网安备\s*\d{14}\s*号")
# The local part of an address is bounded (as RFC 5321 bounds it): found or not, it is the same answer, but
# a page that is one long run of letters is no longer scanned from every position to its end (quadratic).
CONTACT = re.compile(
    r"联系电话|联系我们|联系方式|电子邮箱|电话|邮箱|e-?mail|0\d{2,3}[-－ ]?\d{7,8}|(?<!\d)1[3-9]\d{9}(?!\d)"
    r"|[\w.+-]{1,64}@[\w-]+\.[\w.-]+",
    re.IGNORECASE,
)
TAIL = 0.3
ERROR_REPORT_URLS = ("zfwzgl.www.gov.cn/exposure/jiucuo", "pucha.kaipuyun.cn")
ERROR_REPORT_TEXT = "我为政府网站找错"


def site_code_invalid(page: Page, site: Site) -> Iterator[Finding]:
    declared = meta(page, "SiteIDCode") or ""
    problems, target = [], declared
    if declared and not SITE_CODE.fullmatch(declared):
        problems.append(f"SiteIDCode“{declared[:20]}”格式不符（应为 10 位数字或 bm 加 8 位数字）")
    for shown in dict.fromkeys(SHOWN_CODE.findall(visible_text(page))):
        if not SITE_CODE.fullmatch(shown):
            problems.append(f"页面显示的网站标识码“{shown[:20]}”格式不符")
            target = target or shown
        elif declared and shown != declared:
            problems.append(f"页面显示的网站标识码“{shown}”与 SiteIDCode“{declared[:20]}”不一致")
    if problems:
        evidence = "；".join(problems)
        yield Finding(Check.SITE_CODE_INVALID, Severity.DEDUCT, page.url, target, evidence, page.is_homepage)


def _footer_region(page: Page) -> tuple[str, list]:
    """(text, elements) of the footer region."""

    def compute() -> tuple[str, list]:
        nodes = footer_nodes(page) + _last_block(page.tree.body)
        text = visible_text(page)
        parts = [text_of(node) for node in nodes] + [text[int(len(text) * (1 - TAIL)) :]]
        elements = [el for node in nodes for el in node.css("a, img, script, span")]
        body = page.tree.body
        tail = body.css("a, img, script, span") if body is not None else []
        elements += tail[int(len(tail) * (1 - TAIL)) :]
        return "\n".join(parts), elements

    return cached(page, "footer_region", compute)


def _last_block(body) -> list:
    node = body
    while node is not None:
        children = [c for c in node.iter() if c.tag not in INVISIBLE_TAGS and c.text(strip=True)]
        if len(children) != 1:
            return children[-1:]
        node = children[0]
    return []


def _has_conac(elements: list) -> bool:
    for node in elements:
        attrs = node.attributes
        if (
            node.tag in ("a", "script")
            and "conac.cn" in (attrs.get("href") or attrs.get("src") or "").lower()
        ):
            return True
        if node.tag == "img" and any(
            word in (attrs.get(name) or "").lower()
            for name in ("alt", "src", "title")
            for word in ("conac", "党政机关")
        ):
            return True
        if (attrs.get("id") or "").lower() == "_ideconac":
            return True
    return False


def footer_incomplete(page: Page, site: Site) -> Iterator[Finding]:
    text, elements = _footer_region(page)
    missing = []
    if not _has_conac(elements):
        missing.append("党政机关网站标识")
    if "标识码" not in text:
        missing.append("网站标识码")
    if not ICP.search(text):
        missing.append("ICP备案编号")
    if not POLICE.search(text):
        missing.append("公安机关备案标识")
    if "主办" not in text:
        missing.append("主办单位")
    if not CONTACT.search(text):
        missing.append("联系方式")
    if missing:
        evidence = f"页面底部缺少：{'、'.join(missing)}"
        yield Finding(
            Check.FOOTER_INCOMPLETE, Severity.DEDUCT, page.url, "、".join(missing), evidence, page.is_homepage
        )


def error_report_entry_missing(page: Page, site: Site) -> Iterator[Finding]:
    """The entry may be a link, the national jiucuo.js widget or an onclick handler: any mention of the
    national endpoints in the page's HTML counts, as does a link or image saying 我为政府网站找错."""
    if not page.is_homepage:
        return
    html = page.html.lower()
    if any(url in html for url in ERROR_REPORT_URLS):
        return
    for node in page.tree.css("a, img"):
        label = node.text() if node.tag == "a" else node.attributes.get("alt") or ""
        if ERROR_REPORT_TEXT in "".join(label.split()):
            return
    evidence = "首页未提供“我为政府网站找错”入口"
    yield Finding(Check.ERROR_REPORT_ENTRY_MISSING, Severity.DEDUCT, page.url, "首页", evidence, True)
