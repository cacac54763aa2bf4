"""Wrong political expressions, frequent miswritings and banned words, from the dictionary shipped as
`data/expressions.tsv` plus the site's own entries (`Site.extra_words`), found in the page title and
visible text with an Aho-Corasick automaton. One finding per wrong phrase per page."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from importlib.resources import files

import ahocorasick

from ..document import Finding, Page, Site
from ..enums import Check, Severity
from ..words import Entry, parse_words
from .common import visible_text

CONTEXT = 20  # characters of context on each side in the evidence


@lru_cache(maxsize=1)
def builtin_entries() -> tuple[Entry, ...]:
    text = files("huimin.inspection").joinpath("data/expressions.tsv").read_text(encoding="utf-8")
    return tuple(parse_words(text))


@lru_cache(maxsize=32)
def automaton(entries: tuple[Entry, ...]) -> ahocorasick.Automaton | None:
    """One automaton per distinct word list (built-in entries plus a site's extra words)."""
    if not entries:
        return None
    machine = ahocorasick.Automaton()
    for entry in entries:
        machine.add_word(entry[0], entry)
    machine.make_automaton()
    return machine


def entries_for(site: Site) -> tuple[Entry, ...]:
    extra = tuple((w, r, bool(rest and rest[0])) for w, r, *rest in site.extra_words if w)
    return builtin_entries() + extra


def _inside_right(text: str, start: int, wrong: str, right: str) -> bool:
    """True when the match at `start` is part of the correct phrase itself (`right` contains `wrong`)."""
    offset = right.find(wrong)
    while offset >= 0:
        begin = start - offset
        if begin >= 0 and text[begin : begin + len(right)] == right:
            return True
        offset = right.find(wrong, offset + 1)
    return False


def find_expressions(text: str, entries: tuple[Entry, ...]) -> dict[str, tuple[Entry, int, int]]:
    """wrong phrase → (entry, first start offset, count)."""
    machine = automaton(entries)
    found: dict[str, tuple[Entry, int, int]] = {}
    if machine is None or not text:
        return found
    for end, entry in machine.iter(text):
        wrong, right, _veto = entry
        start = end - len(wrong) + 1
        if right and wrong in right and _inside_right(text, start, wrong, right):
            continue
        first = found.get(wrong)
        found[wrong] = (entry, first[1], first[2] + 1) if first else (entry, start, 1)
    return found


def sensitive_expression(page: Page, site: Site) -> Iterator[Finding]:
    title = page.tree.css_first("title")
    text = (title.text(strip=True) if title else "") + "\n" + visible_text(page)
    for wrong, ((_, right, veto), start, count) in find_expressions(text, entries_for(site)).items():
        before = text[max(0, start - CONTEXT) : start]
        after = text[start + len(wrong) : start + len(wrong) + CONTEXT]
        context = " ".join(f"{before}【{wrong}】{after}".split())
        verdict = f"“{wrong}”应为“{right}”" if right else f"“{wrong}”为不规范用语，应删除或改写"
        more = f"（共 {count} 处）" if count > 1 else ""
        severity = Severity.VETO if veto else Severity.WARN
        evidence = f"{verdict}：…{context}…{more}"
        yield Finding(Check.SENSITIVE_EXPRESSION, severity, page.url, wrong, evidence, page.is_homepage)
