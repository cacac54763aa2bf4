"""Planted ("dark") links: links to another site hidden from visitors by an inline style or the `hidden`
attribute on the link or any ancestor, the usual mark of a tampered page.

Another site means another registrable domain: the last 3 labels for hosts under gov.cn, com.cn, net.cn,
org.cn, edu.cn and ac.cn, the last 2 otherwise. Hidden links to other government sites (*.gov.cn, *.gov)
are reported as a warning only: collapsed menus of 友情链接 are commonly hidden that way."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from ..document import Finding, Page, Site
from ..enums import Check, Severity
from ..parse import absolute
from .common import ancestors, short

# Inline styles that put an element out of sight: display:none, visibility:hidden, far off-screen, zero size.
HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top|text-indent)\s*:\s*-\d{3,}"
    r"|(?:width|height)\s*:\s*0(?:px)?\s*(?:;|$)|font-size\s*:\s*0(?:px)?\s*(?:;|$)",
    re.IGNORECASE,
)

SECOND_LEVEL_CN = {"gov", "com", "net", "org", "edu", "ac"}
MAX_FINDINGS = 20


def site_key(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) >= 3 and labels[-1] == "cn" and labels[-2] in SECOND_LEVEL_CN:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _hiding_elements(page: Page) -> set[int]:
    """Ids of the elements that hide themselves and their content."""
    return {
        node.mem_id
        for node in page.tree.css("[hidden], [style]")
        if "hidden" in node.attributes or HIDDEN_STYLE.search(node.attributes.get("style") or "")
    }


def _government(host: str) -> bool:
    return host.endswith((".gov.cn", ".gov")) or host in ("gov.cn", "gov")


def dark_link(page: Page, site: Site) -> Iterator[Finding]:
    base_node = page.tree.css_first("base[href]")
    base = urljoin(page.url, (base_node.attributes.get("href") or "").strip()) if base_node else page.url
    own = {site_key(page.host), site_key(site.host)}
    hiding = _hiding_elements(page)
    if not hiding:
        return
    seen: set[str] = set()
    for node in page.tree.css("a[href], area[href]"):
        if node.mem_id not in hiding and not any(a.mem_id in hiding for a in ancestors(node)):
            continue
        url = absolute(base, node.attributes.get("href") or "")
        host = (urlsplit(url).hostname or "") if url else ""
        if not host or site_key(host) in own or url in seen:
            continue
        seen.add(url)
        severity = Severity.WARN if _government(host) else Severity.VETO
        text = short(node.text() or "", 30)
        evidence = f"隐藏的外部链接：“{text}” → {url}" if text else f"隐藏的外部链接 → {url}"
        yield Finding(Check.DARK_LINK, severity, page.url, url[:200], evidence, page.is_homepage)
        if len(seen) >= MAX_FINDINGS:
            return
