"""Page-level checks: each takes a parsed HTML page of the site and the site, and yields findings. The
crawler calls `run_page_checks` on every HTML page it fetches; link status, reachability, HTTPS and
exposed-file probes are its own business, not these checks'. Checks are pure: no network, no database."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from ..document import Finding, Page, Site
from .accessibility import accessibility
from .dark_links import dark_link
from .expressions import dictionary_for, sensitive_expression
from .headers import insecure
from .identity import error_report_entry_missing, footer_incomplete, site_code_invalid
from .privacy import privacy_in_text, privacy_leak
from .staleness import column_empty, column_stale, dated_items, homepage_stale
from .tags import missing_column_tags, missing_content_tags, missing_site_tags, page_kind

logger = logging.getLogger(__name__)

PageCheck = Callable[[Page, Site], Iterable[Finding]]

PAGE_CHECKS: list[PageCheck] = [
    missing_site_tags,
    missing_column_tags,
    missing_content_tags,
    site_code_invalid,
    footer_incomplete,
    error_report_entry_missing,
    homepage_stale,
    column_stale,
    column_empty,
    sensitive_expression,
    privacy_leak,
    accessibility,
    dark_link,
    insecure,
]


def prepare(site: Site) -> None:
    """Resolve once, in the crawling process, what the checks of every page of `site` share and would
    otherwise fetch on the first page: the safety dictionary in force (a database read). Worker processes
    forked afterwards inherit it with the site and never touch the database."""
    dictionary_for(site)


def run_page_checks(page: Page, site: Site, checks: Iterable[PageCheck] | None = None) -> list[Finding]:
    """All findings of all checks on one page. A check that fails is logged and skipped: one bad page or
    one bug must not hide the other checks' findings."""
    findings: list[Finding] = []
    for check in PAGE_CHECKS if checks is None else checks:
        try:
            found = list(check(page, site))
        except Exception:
            name = getattr(check, "__name__", repr(check))
            logger.warning("page check %s failed on %s", name, page.url, exc_info=True)
            continue
        findings.extend(found)
    return findings


__all__ = [
    "PAGE_CHECKS",
    "PageCheck",
    "dated_items",
    "page_kind",
    "prepare",
    "privacy_in_text",
    "run_page_checks",
]
