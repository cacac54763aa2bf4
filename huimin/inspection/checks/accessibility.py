"""Static WCAG failures that can be read from the markup alone (GB/T 37668, WCAG 2.1 AA): images without
an alt attribute, no page language, no title, unlabelled form fields, skipped heading levels and vague link
text. One finding per kind of problem per page, naming the first offender and the count."""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Finding, Page, Site
from ..enums import Check, Severity
from .common import ancestors, snippet

UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "image", "reset"}
VAGUE_TEXTS = {"点击这里", "点击此处", "这里", "更多", "more", "clickhere", "详细"}


def _has(node, name: str) -> bool:
    return bool((node.attributes.get(name) or "").strip())


def _images_without_alt(page: Page) -> list:
    return [img for img in page.tree.css("img") if "alt" not in img.attributes]


def _unlabelled_fields(page: Page) -> list:
    labelled_ids = {(label.attributes.get("for") or "").strip() for label in page.tree.css("label[for]")}
    found = []
    for field in page.tree.css("input, select, textarea"):
        if field.tag == "input" and (field.attributes.get("type") or "text").strip().lower() in (
            UNLABELLED_INPUT_TYPES
        ):
            continue
        field_id = (field.attributes.get("id") or "").strip()
        if field_id and field_id in labelled_ids:
            continue
        if any(_has(field, name) for name in ("aria-label", "aria-labelledby", "title")):
            continue
        if any(a.tag == "label" for a in ancestors(field)):
            continue
        found.append(field)
    return found


def _skipped_headings(page: Page) -> list:
    found, previous = [], 0
    for heading in page.tree.css("h1, h2, h3, h4, h5, h6"):
        level = int(heading.tag[1])
        if previous and level > previous + 1:
            found.append(heading)
        previous = level
    return found


def _vague_links(page: Page) -> list:
    found = []
    for link in page.tree.css("a"):
        text = "".join(link.text().split()).lower()
        if text in VAGUE_TEXTS and not _has(link, "aria-label") and not _has(link, "title"):
            found.append(link)
    return found


def accessibility(page: Page, site: Site) -> Iterator[Finding]:
    problems: list[tuple[str, str]] = []  # (target, evidence)
    images = _images_without_alt(page)
    if images:
        problems.append((snippet(images[0]), f"{len(images)} 张图片缺少 alt 替代文本属性"))
    html = page.tree.css_first("html")
    if html is None or not _has(html, "lang"):
        problems.append(("<html>", '页面 <html> 未声明语言（应为 lang="zh-CN"）'))
    title = page.tree.css_first("title")
    if title is None or not title.text(strip=True):
        problems.append(("<title>", "页面缺少标题（<title> 缺失或为空）"))
    fields = _unlabelled_fields(page)
    if fields:
        problems.append((snippet(fields[0]), f"{len(fields)} 个表单控件没有可识别的标签"))
    headings = _skipped_headings(page)
    if headings:
        problems.append((snippet(headings[0]), f"标题层级跳级 {len(headings)} 处（如 h1 之后直接使用 h3）"))
    links = _vague_links(page)
    if links:
        problems.append((snippet(links[0]), f"{len(links)} 个链接文字含义不明（如“更多”“点击这里”）"))
    for target, evidence in problems:
        yield Finding(Check.ACCESSIBILITY, Severity.WARN, page.url, target, evidence, page.is_homepage)
