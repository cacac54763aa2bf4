"""What the crawler hands to the checks: a fetched response, a parsed page with its links and meta tags,
the site being inspected, and the findings checks return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from .enums import Check, Severity


@dataclass
class Finding:
    check: Check
    severity: Severity
    url: str
    target: str = ""
    evidence: str = ""
    homepage: bool = False

    def as_json(self) -> dict:
        return {
            "check": str(self.check),
            "severity": str(self.severity),
            "url": self.url,
            "target": self.target,
            "evidence": self.evidence[:300],
            "homepage": self.homepage,
        }


@dataclass
class Response:
    """One fetch. `status` is None when no HTTP answer came; `error` then says why ("timeout", "dns",
    "tls", "connection", "redirect_loop", "too_many_redirects", "invalid_url"). `body` holds at most the
    crawler's size limit (`truncated` when there was more); it is empty for content not read."""

    url: str
    final_url: str
    status: int | None
    error: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    truncated: bool = False
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400


@dataclass
class Link:
    """A reference from a page: `kind` is "a", "img", "script", "css", "iframe", "media" or "embed";
    `text` the link text or the image's alt. (Hidden links are judged by `checks/dark_links.py` from the
    tree itself.)"""

    url: str
    kind: str
    text: str = ""


@dataclass
class Page:
    """An HTML page of the site: decoded text, the parsed tree, its meta tags (name → content, first
    wins, names as written), and its links (absolute, fragment removed)."""

    url: str
    response: Response
    html: str
    tree: LexborHTMLParser
    meta: dict[str, str]
    links: list[Link]
    is_homepage: bool = False
    depth: int = 0

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


@dataclass
class Site:
    """The site under inspection and what checks share: the start URL, its host, the moment of the crawl
    (aware, Asia/Shanghai), and the extra dictionary entries given with --words."""

    start_url: str
    now: datetime
    extra_words: list[tuple] = field(default_factory=list)  # (wrong, right[, veto]) as `words.parse_words`

    @property
    def host(self) -> str:
        return urlsplit(self.start_url).hostname or ""
