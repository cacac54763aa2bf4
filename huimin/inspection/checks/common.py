"""Helpers the page checks share: case-insensitive meta lookup, the visible text of a page, the footer
region, and small node utilities. Results computed from a page are cached on the page object itself, so
that several checks reading the same text pay for it once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from ..document import Page

INVISIBLE_TAGS = {"script", "style", "noscript", "template", "head", "title", "svg", "object", "iframe"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "option",
}  # fmt: skip
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
# Component footers of cards and panels are not the page footer.
NOT_PAGE_FOOTERS = {"card-footer", "panel-footer", "modal-footer", "dialog-footer", "item-foot"}
# Every element `_is_footer_like` can accept, and few others, in document order as `*` gives them (one
# matching two of the selectors comes twice): it narrows the elements looked at in Python, which decides.
FOOTER_CANDIDATES = "footer, [role], [id*=foot i], [class*=foot i], [id*=bottom i], [class*=bottom i]"


def cached(page: Page, key: str, compute: Callable[[], Any]) -> Any:
    store = page.__dict__.setdefault("_check_cache", {})
    if key not in store:
        store[key] = compute()
    return store[key]


def meta(page: Page, name: str) -> str | None:
    """The content of meta `name` matched case-insensitively ("" when empty), or None when absent."""
    lowered = cached(page, "meta", lambda: {k.strip().lower(): v for k, v in reversed(page.meta.items())})
    return lowered.get(name.lower())


def meta_names(page: Page) -> set[str]:
    return {name.strip().lower() for name in page.meta}


def has_content_meta(page: Page) -> bool:
    """Any Article*, PubDate or ContentSource meta: the page says it is a content (article) page."""
    return any(n.startswith("article") or n in ("pubdate", "contentsource") for n in meta_names(page))


def has_column_meta(page: Page) -> bool:
    return any(n.startswith("column") for n in meta_names(page))


def walk(root, *, skip: set[str] = INVISIBLE_TAGS) -> Iterator[tuple[str, Any]]:
    """Depth-first events over `root` without recursion (deep, broken markup must not overflow the stack):
    ("open", element), ("close", element) and ("text", text node); subtrees of `skip` tags are left out."""
    if root is None:
        return
    stack: list[tuple[bool, Any]] = [(False, root)]
    while stack:
        closing, node = stack.pop()
        if closing:
            yield "close", node
            continue
        if node.is_text_node:
            yield "text", node
            continue
        if not node.is_element_node or node.tag in skip:
            continue
        yield "open", node
        stack.append((True, node))
        children = list(node.iter(include_text=True))
        stack.extend((False, child) for child in reversed(children))


def text_nodes(root) -> Iterator[Any]:
    """The text nodes under `root` in document order, except those of script, style and the other
    invisible elements (by their parent; the traversal itself runs in C)."""
    if root is None:
        return
    for node in root.traverse(include_text=True, skip_empty=True):
        if node.is_text_node:
            parent = node.parent
            if parent is None or parent.tag not in INVISIBLE_TAGS:
                yield node


def text_of(root) -> str:
    """Rendered-like text of an element: block elements separated by new lines, script and style left out,
    runs of spaces collapsed."""
    parts: list[str] = []
    if root is None:
        return ""
    for node in root.traverse(include_text=True, skip_empty=True):
        if node.is_text_node:
            parent = node.parent
            if parent is None or parent.tag not in INVISIBLE_TAGS:
                parts.append(node.text_content or "")
        elif node.tag in BLOCK_TAGS:
            parts.append("\n")
    text = SPACES.sub(" ", "".join(parts))  # SPACES spares new lines: the same as line by line, in one pass
    return "\n".join(stripped for line in text.split("\n") if (stripped := line.strip()))


def visible_text(page: Page) -> str:
    return cached(page, "visible_text", lambda: text_of(page.tree.body))


def tokens(node) -> list[str]:
    attrs = node.attributes
    return [t.lower() for t in f"{attrs.get('id') or ''} {attrs.get('class') or ''}".split()]


def ancestors(node) -> Iterator[Any]:
    current = node.parent
    while current is not None and current.is_element_node:
        yield current
        current = current.parent


def _is_footer_like(node) -> bool:
    if node.tag == "footer" or (node.attributes.get("role") or "").lower() == "contentinfo":
        return True
    return any(("foot" in t or t.startswith("bottom")) and t not in NOT_PAGE_FOOTERS for t in tokens(node))


def footer_nodes(page: Page) -> list:
    """The page footer: outermost `footer`, `[role=contentinfo]` and elements whose id or class has
    "foot" or starts with "bottom", leaving out those inside an `article` or list item (article and card
    footers)."""

    def compute() -> list:
        found, ids = [], set()
        body = page.tree.body
        for node in body.css(FOOTER_CANDIDATES) if body is not None else []:
            if node.mem_id in ids or not _is_footer_like(node):  # an element matching twice comes twice
                continue
            chain = list(ancestors(node))
            if any(a.mem_id in ids for a in chain) or any(a.tag in ("article", "li") for a in chain):
                continue
            found.append(node)
            ids.add(node.mem_id)
        return found

    return cached(page, "footer_nodes", compute)


def snippet(node, limit: int = 120) -> str:
    html = " ".join((node.html or "").split())
    return html if len(html) <= limit else html[: limit - 1] + "…"


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
