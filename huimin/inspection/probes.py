"""Site-level probes that need requests of their own, run once per crawl after the pages: whether the
site is served over HTTPS (and HTTP redirects to it), and whether version-control data, backups or dumps
are exposed at well-known paths. Each probe is a plain GET of a few bytes; a soft 404 (an HTML page with
status 200) is not taken for an exposed file."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from .document import Finding
from .enums import Check, Severity

# path -> what the first bytes of a real file of that kind look like (bytes that must appear)
EXPOSED = {
    "/.git/HEAD": b"ref:",
    "/.git/config": b"[core]",
    "/.svn/entries": b"",
    "/.env": b"=",
    "/.DS_Store": b"Bud1",
    "/backup.zip": b"PK",
    "/www.zip": b"PK",
    "/wwwroot.rar": b"Rar!",
    "/web.rar": b"Rar!",
    "/db.sql": b"",
    "/backup.sql": b"",
}


def _with_scheme(url: str, scheme: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((scheme, parts.netloc, "/", "", ""))


async def probe_site(crawler, session) -> list[Finding]:
    findings: list[Finding] = []
    start = crawler.start_url
    if urlsplit(start).scheme == "http":
        https = await crawler.fetch(session, _with_scheme(start, "https"), read=False)
        http = crawler.crawl.start
        redirects_to_https = bool(http and http.redirects and urlsplit(http.final_url).scheme == "https")
        if https.status is None or https.status >= 400:
            findings.append(Finding(Check.INSECURE, Severity.WARN, start, "", "网站未提供 HTTPS 访问", True))
        elif not redirects_to_https:
            evidence = "HTTP 访问未重定向到 HTTPS"
            findings.append(Finding(Check.INSECURE, Severity.WARN, start, "", evidence, True))
    for path, signature in EXPOSED.items():
        url = urlunsplit((*urlsplit(start)[:2], path, "", ""))
        response = await crawler.fetch(session, url, read=True, any_type=True, limit=4096)
        if response.status != 200 or response.content_type in ("text/html", "application/xhtml+xml"):
            continue
        body = response.body[:4096]
        if signature and signature not in body[:64] and signature not in body:
            continue
        if not body and path not in ("/backup.zip", "/www.zip"):
            continue
        evidence = f"敏感文件可被公开访问：{path}"
        findings.append(Finding(Check.INSECURE, Severity.DEDUCT, start, url, evidence, False))
    return findings
