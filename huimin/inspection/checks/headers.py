"""Security weaknesses visible in the page's own response: missing security headers and server version
disclosure (homepage only, once per site), mixed content on HTTPS pages, and directory listings. Probes of
HTTPS support and exposed files are the crawler's job."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from ..document import Finding, Page, Site
from ..enums import Check, Severity
from .common import short, visible_text

VERSION = re.compile(r"\d+(?:\.\d+)+|/\s*\d")
PASSIVE_AND_ACTIVE = {"img", "script", "css", "iframe"}


def _headers(page: Page) -> dict[str, str]:
    return {name.lower(): value for name, value in page.response.headers.items()}


def _https(page: Page) -> bool:
    return urlsplit(page.url).scheme == "https"


def _missing_headers(page: Page, headers: dict[str, str]) -> list[str]:
    missing = []
    if headers.get("x-content-type-options", "").strip().lower() != "nosniff":
        missing.append("X-Content-Type-Options")
    if "x-frame-options" not in headers and "frame-ancestors" not in headers.get(
        "content-security-policy", ""
    ):
        missing.append("X-Frame-Options（或 CSP frame-ancestors）")
    if _https(page) and "strict-transport-security" not in headers:
        missing.append("Strict-Transport-Security")
    return missing


def insecure(page: Page, site: Site) -> Iterator[Finding]:
    headers = _headers(page)
    if page.is_homepage:
        missing = _missing_headers(page, headers)
        if missing:
            evidence = f"首页响应缺少安全响应头：{'、'.join(missing)}"
            yield Finding(Check.INSECURE, Severity.WARN, page.url, "响应头", evidence, True)
        disclosed = [
            f"{name}: {headers[name]}"
            for name in ("server", "x-powered-by")
            if name in headers and VERSION.search(headers[name])
        ]
        if disclosed:
            evidence = f"响应头暴露服务器软件版本：{'；'.join(short(d, 60) for d in disclosed)}"
            yield Finding(Check.INSECURE, Severity.WARN, page.url, disclosed[0][:60], evidence, True)
    if _https(page):
        mixed = [
            link for link in page.links if link.kind in PASSIVE_AND_ACTIVE and link.url.startswith("http://")
        ]
        if mixed:
            evidence = f"HTTPS 页面引用了 {len(mixed)} 个 HTTP 资源（混合内容），如 {short(mixed[0].url, 80)}"
            yield Finding(
                Check.INSECURE, Severity.DEDUCT, page.url, mixed[0].url[:200], evidence, page.is_homepage
            )
    title = page.tree.css_first("title")
    title_text = title.text(strip=True) if title else ""
    if title_text.startswith("Index of /") or "Directory listing for" in visible_text(page):
        evidence = "服务器开启了目录浏览，暴露目录下的文件列表"
        yield Finding(
            Check.INSECURE,
            Severity.DEDUCT,
            page.url,
            title_text[:60] or "目录列表",
            evidence,
            page.is_homepage,
        )
