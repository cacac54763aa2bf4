"""From a fetched body to a `Page`: decode it right (GBK, GB2312 and GB18030 are common on government
sites, and declared charsets are often wrong or missing), parse it with Lexbor (an HTML5 parser that
accepts anything a browser would), and collect its meta tags and links."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser

from .document import Link, Page, Response

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
CHINESE_FAMILY = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030"}
LINK_SOURCES = [
    ("a[href]", "href", "a"),
    ("area[href]", "href", "a"),
    ("img[src]", "src", "img"),
    ("script[src]", "src", "script"),
    ("link[href]", "href", "css"),
    ("iframe[src]", "src", "iframe"),
    ("frame[src]", "src", "iframe"),
    ("video[src]", "src", "media"),
    ("audio[src]", "src", "media"),
    ("source[src]", "src", "media"),
    ("embed[src]", "src", "embed"),
    ("object[data]", "data", "embed"),
]
FOLLOWED_SCHEMES = ("http", "https")


def _python_codec(name: str) -> str | None:
    import codecs

    name = name.strip().lower()
    name = CHINESE_FAMILY.get(name, name)  # GB18030 is a superset: decoding GB2312/GBK as it never loses
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(body: bytes, content_type_header: str = "") -> str:
    """The text of an HTML body: the HTTP charset, then the meta charset, each tried strictly; then
    detection; UTF-8 with replacement as the last resort. Never raises."""
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", "replace")
    candidates = []
    match = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_.:-]+)", content_type_header or "", re.IGNORECASE)
    if match:
        candidates.append(match.group(1))
    meta = META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    for name in candidates:
        codec = _python_codec(name)
        if codec:
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                continue  # the declaration lies; try the next, then detect
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(body[:200_000], cp_isolation=["gb18030", "big5", "utf_8", "cp1252"]).best()
    codec = _python_codec(best.encoding) if best else None
    return body.decode(codec or "utf-8", "replace")


def _base(tree: LexborHTMLParser, url: str) -> str:
    base = tree.css_first("base[href]")
    href = (base.attributes.get("href") or "").strip() if base else ""
    return urljoin(url, href) if href else url


def absolute(base: str, href: str, origin: str = "") -> str | None:
    """An absolute http(s) URL without its fragment, or None for mailto:, javascript:, data: and junk.
    `origin` (scheme://host of `base`) lets root-relative links skip the general join."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    if (
        origin
        and href.startswith("/")
        and not href.startswith("//")
        and "/." not in href
        and "\\" not in href
    ):
        return origin + href.split("#", 1)[0]
    try:
        joined = urldefrag(urljoin(base, href)).url
        parts = urlsplit(joined)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return None
    if parts.scheme not in FOLLOWED_SCHEMES or not parts.hostname:
        return None
    return joined


def links_of(tree: LexborHTMLParser, url: str) -> list[Link]:
    base, found = _base(tree, url), []
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    for selector, attribute, kind in LINK_SOURCES:
        for node in tree.css(selector):
            rel = (node.attributes.get("rel") or "").lower()
            if kind == "css" and "stylesheet" not in rel and "icon" not in rel:
                continue
            target = absolute(base, node.attributes.get(attribute) or "", origin)
            if target is None:
                continue
            text = node.text(strip=True) if kind == "a" else (node.attributes.get("alt") or "")
            found.append(Link(target, kind, " ".join(text.split())[:200]))
    return found


def meta_of(tree: LexborHTMLParser) -> dict[str, str]:
    meta: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip()
        if name and name not in meta:
            meta[name] = (node.attributes.get("content") or "").strip()
    return meta


def build_page(response: Response, *, is_homepage: bool = False, depth: int = 0) -> Page:
    html = decode(response.body, response.headers.get("content-type", ""))
    tree = LexborHTMLParser(html)
    url = response.final_url or response.url
    return Page(url, response, html, tree, meta_of(tree), links_of(tree, url), is_homepage, depth)


def page_from_html(html: str | bytes, url: str = "https://www.example.gov.cn/", **kwargs) -> Page:
    """A page from text, as the crawler would build it (for tests and for checking a single document)."""
    body = html.encode("utf-8") if isinstance(html, str) else html
    headers = {"content-type": "text/html; charset=utf-8"} if isinstance(html, str) else {}
    headers.update(kwargs.pop("headers", {}))
    return build_page(Response(url, url, 200, headers=headers, body=body), **kwargs)
