"""The content-safety engine: one place that says whether a text carries a wrong expression, a harmful term
or personal data, and where.

    normalise(text)              traditional → simplified (OpenCC t2s), full-width letters/digits/symbols →
                                 half-width (Chinese punctuation kept), invisible characters removed, spacing
                                 between Chinese characters removed: "十 九\u200b大" reads "十九大".
    check_text(text)             the hits in the normalised text, in text order
    check_html(html)             the same on the visible text (title, body, image alt text) of an HTML page
    context(normalised, hit)     "…before【term】after…" for showing a place

The dictionary (expression and harmful terms) is the database's (`models.Term`, edited in the admin), read
as one Aho-Corasick automaton (pyahocorasick, run over the text's UTF-8 bytes: see `Dictionary`) cached per
process and rebuilt when the dictionary's version (one aggregate query over terms and categories) moves.
Without a usable database (or before the terms are loaded) the shipped list `data/terms.tsv` serves.
Personal data is found by `huimin.inspection.checks.privacy.privacy_matches` (ID numbers, bank cards,
mobiles, addresses).

Offsets (`Hit.start`, `Hit.end`) are in characters of the normalised text, `end` exclusive.
"""

from __future__ import annotations

import asyncio
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cache

import ahocorasick

from .dictionary import Entry, database_state, shipped_entries
from .enums import ALL_CHECKS, TERM_CHECKS, CheckKind, Severity

# --- normalisation -----------------------------------------------------------------------------------------

# Invisible characters that may split a word: C0/C1 controls (but tab and new lines), soft hyphen, zero-width
# space/joiners, direction marks and embeddings, word joiner and invisible operators, byte order mark.
INVISIBLE = re.compile(
    "[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
# Chinese punctuation written in full-width forms, kept as it is (folding "，" to "," would garble a text).
KEEP_WIDE = "！（），：；？～￥"
# What counts as Chinese for the spacing rule: ideographs, CJK punctuation and the full-width forms left.
CJK_CLASS = (
    "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026"
)
CJK = re.compile(f"[{CJK_CLASS}]")
IDEOGRAPH = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
SPACES = re.compile(r"\s+")
UPPER = re.compile("[A-Z]+")


@cache
def _width_table() -> dict[str, str]:
    """Full-width ASCII forms and the ideographic space to their plain forms, half-width katakana and
    punctuation to their ordinary forms: NFKC restricted to width (<wide>/<narrow>) decompositions."""
    table = {}
    for point in [0x3000, *range(0xFF01, 0xFFEF)]:
        char = chr(point)
        kind = unicodedata.decomposition(char).split(" ", 1)[0]
        if kind in ("<wide>", "<narrow>") and char not in KEEP_WIDE:
            table[char] = unicodedata.normalize("NFKC", char)
    return table


@cache
def _width_pattern() -> re.Pattern:
    return re.compile("[" + "".join(re.escape(char) for char in _width_table()) + "]")


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _joinable(char: str) -> bool:
    return bool(CJK.match(char))


def _spacing(match: re.Match) -> str:
    """Spacing goes when it stands between two Chinese characters, or between one and a digit."""
    text, start, end = match.string, match.start(), match.end()
    if start == 0 or end == len(text):
        return match.group(0)
    before, after = text[start - 1], text[end]
    if (_joinable(before) and (_joinable(after) or after.isdigit())) or (
        before.isdigit() and _joinable(after)
    ):
        return ""
    return match.group(0)


def normalise(text: str) -> str:
    """The text as the dictionary is matched against it (see the module's docstring); lengths may change, so
    offsets of hits are offsets in this text."""
    if not text:
        return ""
    table = _width_table()
    text = INVISIBLE.sub("", str(text))
    text = _width_pattern().sub(lambda m: table[m.group(0)], text)
    if IDEOGRAPH.search(text):
        text = _t2s().convert(text)
    return SPACES.sub(_spacing, text)


def lower_ascii(text: str) -> str:
    """ASCII letters in lower case, nothing else touched (offsets stay)."""
    return UPPER.sub(lambda m: m.group(0).lower(), text)


def term_key(text: str) -> str:
    """How a term or a right form is matched: normalised, ASCII letters in lower case."""
    return lower_ascii(normalise(text))


# --- hits --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    check: str  # "expression" | "harmful" | "privacy"
    severity: str  # "veto" | "warn"
    term: str  # the matched text as in the normalised text (privacy: the masked number)
    suggestion: str  # the right form ("" when the term must be deleted or rewritten)
    start: int  # offsets in characters of the normalised text, end exclusive
    end: int
    category: str = ""  # Chinese category name
    note: str = ""

    @property
    def veto(self) -> bool:
        return self.severity == Severity.VETO

    @property
    def check_label(self) -> str:
        return CheckKind(self.check).label

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label

    def verdict(self) -> str:
        """What is wrong, in one Chinese sentence."""
        if self.check == CheckKind.PRIVACY:
            return f"疑似公开{self.category} {self.term}" + (f"（{self.note}）" if self.note else "")
        if self.suggestion:
            return f"“{self.term}”应为“{self.suggestion}”"
        if self.check == CheckKind.HARMFUL:
            return f"“{self.term}”属于{self.category or '有害信息'}，应删除"
        return f"“{self.term}”为不规范用语，应删除或改写"

    def as_json(self) -> dict:
        return {
            "check": self.check,
            "severity": self.severity,
            "term": self.term,
            "suggestion": self.suggestion,
            "start": self.start,
            "end": self.end,
            "category": self.category,
            "note": self.note,
        }


# --- the matcher -------------------------------------------------------------------------------------------


def _bytes(text: str) -> str:
    """A text's UTF-8 bytes as a str of code points 0-255, what the automaton runs over (see `Dictionary`)."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


class Dictionary:
    """Terms compiled into one Aho-Corasick automaton over normalised, ASCII-lower-cased keys. Each key maps
    to the entries written that way (one per check) with their normalised suggestions for the guard that a
    correct phrase containing a wrong one is not a hit.

    The automaton runs over the UTF-8 bytes of the text (carried as a latin-1 str), not over its characters:
    pyahocorasick finds a node's child by a scan of its children, and a dictionary of thousands of Chinese
    terms gives the root thousands of children, so every character of a page cost a long scan (5.7 s for a
    megabyte against 10,000 terms). Over bytes no node has more than 256 children and the same megabyte takes
    about 0.15 s (see bench/safety/check.py). UTF-8 is self-synchronising: a term's bytes only ever match at
    character boundaries, and byte offsets are turned back into character offsets for the hits."""

    def __init__(self, entries: Iterable[Entry], *, version: object = None):
        self.version = version
        self.entries: tuple[Entry, ...] = tuple(entries)
        keyed: dict[str, list[tuple[Entry, str]]] = {}
        for entry in self.entries:
            key = term_key(entry.term)
            if not key:
                continue
            keyed.setdefault(_bytes(key), []).append((entry, _bytes(term_key(entry.suggestion))))
        self.size = len(keyed)
        self.automaton = None
        if keyed:
            machine = ahocorasick.Automaton()
            for key, values in keyed.items():
                machine.add_word(key, (key, tuple(values)))
            machine.make_automaton()
            self.automaton = machine

    def extended(self, extra: Sequence[Entry]) -> Dictionary:
        """This dictionary with more entries (a site's own words); the caller caches it."""
        return Dictionary(self.entries + tuple(extra), version=(self.version, tuple(extra)))

    def hits(self, normalised: str, checks: Iterable[str] = TERM_CHECKS) -> list[Hit]:
        """Every occurrence of every term of the given checks in `normalised` (a text already normalised)."""
        wanted = set(checks)
        if self.automaton is None or not normalised or not wanted & set(TERM_CHECKS):
            return []
        haystack = _bytes(lower_ascii(normalised))
        matched: list[tuple[int, int, Entry]] = []  # byte offsets
        for last, (key, values) in self.automaton.iter(haystack):
            start = last - len(key) + 1
            for entry, right in values:
                if entry.kind not in wanted:
                    continue
                if right and key in right and _inside_right(haystack, start, key, right):
                    continue
                matched.append((start, last + 1, entry))
        if not matched:
            return []
        offsets = _char_offsets(haystack, {b for start, end, _ in matched for b in (start, end)})
        found = []
        for start, end, entry in matched:
            first, after = offsets[start], offsets[end]
            found.append(
                Hit(
                    check=entry.kind,
                    severity=entry.severity,
                    term=normalised[first:after],
                    suggestion=entry.suggestion,
                    start=first,
                    end=after,
                    category=entry.category,
                    note=entry.note,
                )
            )
        return found


def _char_offsets(haystack: str, positions: set[int]) -> dict[int, int]:
    """Character offsets of byte offsets (character boundaries) in the UTF-8 bytes carried by `haystack`."""
    offsets, chars, previous = {}, 0, 0
    for position in sorted(positions):
        chars += len(haystack[previous:position].encode("latin-1").decode("utf-8", "surrogatepass"))
        offsets[position], previous = chars, position
    return offsets


def _inside_right(text: str, start: int, wrong: str, right: str) -> bool:
    """True when the match at `start` is part of the correct phrase itself (`right` contains `wrong`)."""
    offset = right.find(wrong)
    while offset >= 0:
        begin = start - offset
        if begin >= 0 and text[begin : begin + len(right)] == right:
            return True
        offset = right.find(wrong, offset + 1)
    return False


_lock = threading.Lock()
_current: dict[str, Dictionary] = {}


def shipped_dictionary() -> Dictionary:
    """The shipped list alone (data/terms.tsv), built once per process."""
    with _lock:
        if "shipped" not in _current:
            _current["shipped"] = Dictionary(shipped_entries(), version="shipped")
        return _current["shipped"]


def current_dictionary() -> Dictionary:
    """The dictionary in force: the database's active terms, rebuilt when they change (one cheap query to
    check); the shipped list when the database cannot be read or holds no term yet. A batch (a sweep, a
    crawl) takes it once and passes it on (`check_text(..., dictionary=)`). Called from a running event
    loop (the crawler's page checks), the database is read from a short-lived thread, as Django requires."""
    if _in_event_loop():
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(_current_in_thread).result()
    return _current_dictionary()


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _current_in_thread() -> Dictionary:
    from django.db import connections

    try:
        return _current_dictionary()
    finally:
        connections.close_all()


def _current_dictionary() -> Dictionary:
    state = database_state()
    if state is None:
        return shipped_dictionary()
    version, load = state
    cached = _current.get("database")
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        cached = _current.get("database")
        if cached is None or cached.version != version:
            cached = Dictionary(load(), version=version)
            _current["database"] = cached
        return cached


def forget_dictionary() -> None:
    """Drop the cached automatons (the service functions call it after a change; the version check would
    find the change anyway, but not within the same second on a coarse clock)."""
    with _lock:
        _current.pop("database", None)


# --- checks ------------------------------------------------------------------------------------------------

PRIVACY_LABELS = {
    "id": ("居民身份证号码", ""),
    "card": ("银行卡号", ""),
    "mobile": ("手机号码", "如为公开的工作联系电话可忽略"),
    "address": ("个人住址", "如为公开的办公地址可忽略"),
}


def privacy_hits(normalised: str, *, today: date | None = None) -> list[Hit]:
    from huimin.inspection.checks.privacy import mask, privacy_matches

    hits = []
    for match in privacy_matches(normalised, today=today):
        category, note = PRIVACY_LABELS[match.kind]
        shown = match.number if match.kind == "address" else mask(match.number)
        hits.append(
            Hit(CheckKind.PRIVACY.value, match.severity, shown, "", match.start, match.end, category, note)
        )
    return hits


def check_normalised(
    normalised: str,
    *,
    checks: Iterable[str] = ALL_CHECKS,
    dictionary: Dictionary | None = None,
    today: date | None = None,
) -> list[Hit]:
    """The hits in a text already normalised, in text order."""
    checks = tuple(checks)
    unknown = set(checks) - set(ALL_CHECKS)
    if unknown:
        raise ValueError(f"unknown checks: {sorted(unknown)}")
    hits: list[Hit] = []
    if set(checks) & set(TERM_CHECKS):
        hits.extend((dictionary or current_dictionary()).hits(normalised, checks))
    if CheckKind.PRIVACY in checks:
        hits.extend(privacy_hits(normalised, today=today))
    hits.sort(key=lambda h: (h.start, h.end, h.check))
    return hits


def check_text(
    text: str,
    *,
    checks: Iterable[str] = ALL_CHECKS,
    dictionary: Dictionary | None = None,
    today: date | None = None,
) -> list[Hit]:
    """Normalise `text`, then match: the hits in text order, offsets in the normalised text. `today` bounds
    the birth dates of ID numbers (time is an argument); `dictionary` defaults to the one in force."""
    return check_normalised(normalise(text), checks=checks, dictionary=dictionary, today=today)


def html_text(html: str) -> str:
    """The visible text of an HTML page or fragment: the title, the body's text (blocks on their own lines,
    script and style left out) and the images' alt text, each on its own line."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    from huimin.inspection.checks.common import text_of

    tree = HTMLParser(html or "")
    parts = []
    title = tree.css_first("title")
    if title is not None:
        parts.append(title.text(strip=True))
    parts.append(text_of(tree.body if tree.body is not None else tree.root))
    parts.extend((node.attributes.get("alt") or "").strip() for node in tree.css("img[alt]"))
    return "\n".join(part for part in parts if part)


def check_html(html: str, **kw) -> list[Hit]:
    """`check_text` on the visible text of an HTML page or fragment (see `html_text`)."""
    return check_text(html_text(html), **kw)


LONG_NUMBER = re.compile(r"[0-9]{8,}[0-9Xx]?")


def _masked(match: re.Match) -> str:
    number = match.group(0)
    return (
        number[:3] + "*" * (len(number) - 7) + number[-4:]
        if len(number) >= 11
        else number[:2] + "*" * (len(number) - 2)
    )


def context(normalised: str, hit: Hit, width: int = 20) -> str:
    """The place of a hit: up to `width` characters each side, the term in 【】, spacing collapsed, an
    ellipsis where the text goes on. Long numbers around it are masked (an ID number next to a wrong
    expression must not travel into a work order or a log)."""
    before = LONG_NUMBER.sub(_masked, normalised[max(0, hit.start - width) : hit.start])
    after = LONG_NUMBER.sub(_masked, normalised[hit.end : hit.end + width])
    term = normalised[hit.start : hit.end] if hit.check != CheckKind.PRIVACY else hit.term
    lead = "…" if hit.start > width else ""
    tail = "…" if hit.end + width < len(normalised) else ""
    return " ".join(f"{lead}{before}【{term}】{after}{tail}".split())
