"""From a fetched body to a `Page`: decode it right (GBK, GB2312 and GB18030 are common on government
sites, and declared charsets are often wrong or missing), parse it with Lexbor (an HTML5 parser that
accepts anything a browser would), and collect its meta tags and links."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from huimin.core import encodings

from .document import Link, Page, Response

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


def decode(body: bytes, content_type_header: str = "") -> str:
    """The text of an HTML body: the HTTP charset, then the `<meta>` charset, then detection
    (`core.encodings`); what nothing reads is read as UTF-8 with replacement. Never raises."""
    declared = (encodings.http_charset(content_type_header), encodings.meta_charset(body))
    try:
        return encodings.decode_text(body, declared=declared)[0]
    except encodings.UndecodableText:
        return body.decode("utf-8", "replace")


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
            attributes = node.attributes  # a dict built anew on each access: read once
            if kind == "css":
                rel = (attributes.get("rel") or "").lower()
                if "stylesheet" not in rel and "icon" not in rel:
                    continue
            target = absolute(base, attributes.get(attribute) or "", origin)
            if target is None:
                continue
            text = node.text(strip=True) if kind == "a" else (attributes.get("alt") or "")
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
