"""The plain-text channel (纯文本通道): the page as text, with every picture replaced by its text alternative.

A picture with alt text becomes "[图片：alt]" in the flow of the text, so a link made of a picture keeps its
name; a decorative picture (empty alt) and decoration (svg, canvas) disappear; media and embedded frames
become a short bracketed note with their title where they have one.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

EMBEDDED = "嵌入内容"
MEDIA_LABELS = {"video": "视频", "audio": "音频", "iframe": EMBEDDED, "object": EMBEDDED, "embed": EMBEDDED}
DECORATION = "svg, canvas, picture > source, script, noscript, link[rel=preload]"


def _name(node) -> str:
    attrs = node.attributes
    return (attrs.get("aria-label") or attrs.get("title") or "").strip()


def to_plain_text(html: str) -> str:
    tree = LexborHTMLParser(html)
    for node in tree.css("img"):
        alt = (node.attributes.get("alt") or "").strip()
        if alt:
            node.replace_with(f"[图片：{alt}]")
        else:
            node.decompose()
    for tag, label in MEDIA_LABELS.items():
        for node in tree.css(tag):
            name = _name(node)
            node.replace_with(f"[{label}：{name}]" if name else f"[{label}]")
    for node in tree.css(DECORATION):
        node.decompose()
    return tree.html or html
