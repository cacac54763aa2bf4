"""Wrong political expressions, frequent miswritings and harmful terms, from the content-safety dictionary
(`huimin.safety`: the database's active terms, or its shipped list `safety/data/terms.tsv` where there is no
database) plus the site's own entries (`Site.extra_words`), found in the page title and visible text by the
safety engine's Aho-Corasick matcher over normalised text. One finding per wrong phrase per page."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from ..document import Finding, Page, Site
from ..enums import Check, Severity
from ..words import Entry
from .common import visible_text

CONTEXT = 20  # characters of context on each side in the evidence
TERM_CHECKS = ("expression", "harmful")


def builtin_entries() -> tuple[Entry, ...]:
    """The shipped dictionary as (wrong, right, veto) entries."""
    from huimin.safety.dictionary import shipped_entries

    return tuple((e.term, e.suggestion, e.severity == "veto") for e in shipped_entries())


@lru_cache(maxsize=32)
def _with_site_words(base, extra: tuple[Entry, ...]):
    """The dictionary in force plus a site's own words (one per distinct base version and word list)."""
    from huimin.safety.dictionary import Entry as SafetyEntry

    if not extra:
        return base
    words = [SafetyEntry(w, "expression", "veto" if veto else "warn", r) for w, r, veto in extra]
    return base.extended(words)


def dictionary_for(site: Site):
    """The safety dictionary for a crawl of `site`, resolved once per crawl and kept on the site object."""
    from huimin.safety.engine import current_dictionary

    cached = site.__dict__.get("_safety_dictionary")
    if cached is None:
        extra = tuple((w, r, bool(rest and rest[0])) for w, r, *rest in site.extra_words if w)
        cached = _with_site_words(current_dictionary(), extra)
        site.__dict__["_safety_dictionary"] = cached
    return cached


def sensitive_expression(page: Page, site: Site) -> Iterator[Finding]:
    from huimin.safety.engine import normalise

    title = page.tree.css_first("title")
    text = normalise((title.text(strip=True) if title else "") + "\n" + visible_text(page))
    found: dict[str, list] = {}  # wrong phrase → [hit, count], in order of first occurrence
    for hit in dictionary_for(site).hits(text, TERM_CHECKS):
        first = found.get(hit.term)
        if first is None:
            found[hit.term] = [hit, 1]
        else:
            first[1] += 1
    for wrong, (hit, count) in found.items():
        before = text[max(0, hit.start - CONTEXT) : hit.start]
        after = text[hit.end : hit.end + CONTEXT]
        context = " ".join(f"{before}【{wrong}】{after}".split())
        right = hit.suggestion
        verdict = f"“{wrong}”应为“{right}”" if right else f"“{wrong}”为不规范用语，应删除或改写"
        more = f"（共 {count} 处）" if count > 1 else ""
        severity = Severity.VETO if hit.severity == "veto" else Severity.WARN
        evidence = f"{verdict}：…{context}…{more}"
        yield Finding(Check.SENSITIVE_EXPRESSION, severity, page.url, wrong, evidence, page.is_homepage)
