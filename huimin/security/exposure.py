"""What a site exposes that it should not, beyond the sensitive files the patrol already probes
(`huimin.inspection.probes.EXPOSED`): directories served as listings ("Index of /"), and admin login pages
on a host the public uses (any host not in settings.HUIMIN_ADMIN_HOSTS). The paths and the marks of a
listing are data (data/exposure.json).

Requests go through the inspection crawler's `fetch` (its user agent, redirects, size limits, resolver),
so they look to a site like the patrol does. Each problem is a dict {"url", "evidence"} as work orders
and alerts take them."""

from __future__ import annotations

import asyncio
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from selectolax.lexbor import LexborHTMLParser

from huimin.inspection.crawler import HTML_TYPES, Crawler, Options
from huimin.inspection.document import Finding, Site
from huimin.inspection.enums import Check
from huimin.inspection.parse import decode
from huimin.inspection.probes import EXPOSED

from . import rules

LISTING_BYTES = 64 * 1024
LOGIN_BYTES = 512 * 1024
EXPOSED_PREFIX = "敏感文件可被公开访问"
LISTING_WORD = "目录浏览"  # in the evidence of the page checks' finding about a listing


def _url(start: str, path: str) -> str:
    parts = urlsplit(start)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def is_admin_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in {h.strip().lower() for h in settings.HUIMIN_ADMIN_HOSTS}


def is_listing(body: bytes, content_type: str = "") -> bool:
    text = decode(body[:LISTING_BYTES], content_type)
    return any(marker.lower() in text.lower() for marker in rules.exposure().listing_markers)


def has_login_form(body: bytes, content_type: str = "") -> bool:
    tree = LexborHTMLParser(decode(body, content_type))
    return any(
        (node.attributes.get("type") or "").strip().lower() == "password" for node in tree.css("input[type]")
    )


async def _listing(crawler, session, url: str, path: str) -> dict | None:
    answer = await crawler.fetch(session, url, read=True, limit=LISTING_BYTES)
    if answer.status != 200 or not answer.body:
        return None
    if not is_listing(answer.body, answer.headers.get("content-type", "")):
        return None
    return {"url": answer.final_url or url, "evidence": f"开放了目录浏览：{path}"}


async def _login(crawler, session, url: str, path: str) -> dict | None:
    answer = await crawler.fetch(session, url, read=True, limit=LOGIN_BYTES)
    if answer.status != 200 or answer.content_type not in HTML_TYPES or not answer.body:
        return None
    if not has_login_form(answer.body, answer.headers.get("content-type", "")):
        return None
    return {"url": answer.final_url or url, "evidence": f"公众访问的域名上开放了管理后台登录页：{path}"}


async def listing_and_login(crawler, session, start: str) -> tuple[list[dict], list[dict] | None]:
    """(directory listings, admin login pages) of the site at `start`; the second is None on an admin host
    (the admin belongs there)."""
    found = rules.exposure()
    listings = await asyncio.gather(
        *(_listing(crawler, session, _url(start, p), p) for p in found.listing_paths)
    )
    logins = None
    if not is_admin_host(start):
        answers = await asyncio.gather(
            *(_login(crawler, session, _url(start, p), p) for p in found.admin_paths)
        )
        logins = _unique(answers)
    return _unique(listings), logins


def _unique(items) -> list[dict]:
    seen, kept = set(), []
    for item in items:
        if item is not None and item["url"] not in seen:
            seen.add(item["url"])
            kept.append(item)
    return kept


def exposed_files(findings) -> list[dict]:
    """What a crawl's findings say is exposed, as problems: the sensitive files of `probes.EXPOSED` (an
    `insecure` finding whose target is one of those paths) and pages served as directory listings (the
    page checks' `insecure` finding about 目录浏览)."""
    kept = []
    for finding in findings:
        if isinstance(finding, Finding):
            finding = finding.as_json()
        if finding.get("check") != Check.INSECURE:
            continue
        target, evidence = finding.get("target") or "", finding.get("evidence") or ""
        if target and urlsplit(target).path in EXPOSED:
            kept.append({"url": target, "evidence": evidence or f"{EXPOSED_PREFIX}：{urlsplit(target).path}"})
        elif LISTING_WORD in evidence and finding.get("url"):
            path = urlsplit(finding["url"]).path or "/"
            kept.append({"url": finding["url"], "evidence": f"开放了目录浏览：{path}"})
    return _unique(kept)


def crawler_for(url: str, now: datetime, *, timeout: float = 10.0) -> Crawler:
    """A crawler that crawls nothing: its `fetch` and session for a few requests of one site."""
    options = Options(rate=0, timeout=timeout, connect_timeout=timeout, concurrency=8, robots=False)
    return Crawler(Site(url, now), options, page_checks=lambda page, site: [])


async def _check(url: str, now: datetime, timeout: float) -> list[dict]:
    crawler = crawler_for(url, now, timeout=timeout)
    async with crawler.session() as session:
        listings, logins = await listing_and_login(crawler, session, crawler.start_url)
    return listings + (logins or [])


def check(url: str, now: datetime, *, timeout: float = 10.0) -> list[dict]:
    """Directory listings and admin login pages of the site at `url` (runs its own event loop)."""
    return asyncio.run(_check(url, now, timeout))
