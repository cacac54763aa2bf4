"""Helpers for the admin-in-Chinese tests: the text a person reads on an admin page, the English words in
it, the links of the sidebar menu and of a listing's first row."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

SKIPPED = {"script", "style", "template", "svg", "head"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
WORD = re.compile(r"(?<![A-Za-z0-9_.@/-])[A-Za-z]{3,}(?![A-Za-z0-9_@/-])")
# Words that are fine in Chinese admin text: formats, national and technical abbreviations, the
# product's own name and the demo's account and host names.
ALLOWED_WORDS = {
    "PDF",
    "XLSX",
    "CSV",
    "HTML",
    "JSON",
    "API",
    "ICP",
    "URL",
    "RSS",
    "DCAT",
    "XML",
    "ODF",
    "OFD",
    "TOTP",
    "HTTP",
    "HTTPS",
    "SQL",
    "SVG",
    "PNG",
    "JPEG",
    "JPG",
    "GIF",
    "WebP",
    "DOC",
    "DOCX",
    "XLS",
    "ZIP",
    "TXT",
    "WPS",
    "IPv",
    "Open",
    "GeoReport",
    "JavaScript",
    "localhost",
    "ColumnKeywords",
    "Excel",  # the national <meta name="ColumnKeywords"> tag, named in a help text
    "admin",
    "Huimin",
    "editor",
    "leader",
    "handler",
    "siteadmin",
    "security",
    "auditor",
    "platform",
    "portal",
    "shuyang",
    "sucheng",
    "slj",
    "jyj",
    "www",
    "gov",
    "com",
    "http",
    "https",
}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        hidden = any(name == "hidden" for name, _value in attrs)
        self.stack.append(f"{tag}!" if hidden else tag)
        if tag in SKIPPED or hidden:
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in VOID or (tag not in self.stack and f"{tag}!" not in self.stack):
            return
        while self.stack:
            top = self.stack.pop()
            if top in SKIPPED or top.endswith("!"):
                self.skip -= 1
            if top.rstrip("!") == tag:
                break

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


# A letter's 查询码: ten capitals and digits (letters/services.py CODE_ALPHABET), not an English word.
QUERY_CODE = re.compile(r"\A[A-HJ-NP-Z2-9]{10}\Z")


def english_words(text: str, extra_allowed=()) -> set[str]:
    allowed = ALLOWED_WORDS | set(extra_allowed)
    return {
        w
        for w in WORD.findall(text)
        if w not in allowed and w.lower() not in {a.lower() for a in allowed} and not QUERY_CODE.match(w)
    }


def sidebar_urls(html: str) -> list[str]:
    """The admin links of the sidebar menu (Wagtail renders it from a JSON script)."""
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    if not match:
        return []
    urls: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            url = value.get("url")
            if isinstance(url, str) and url.startswith("/admin/") and url not in urls:
                urls.append(url)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(match.group(1)))
    return urls


def first_detail_link(html: str, base: str) -> str | None:
    """The first link inside a listing's body that leads deeper than the listing itself."""
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, re.S)
    if not body:
        return None
    for href in re.findall(r'<a [^>]*href="(/admin/[^"#]*)"', body.group(1)):
        href = href.replace("&amp;", "&")
        if href.rstrip("/") != base.split("?")[0].rstrip("/") and "delete" not in href and "?" not in href:
            return href
    return None
