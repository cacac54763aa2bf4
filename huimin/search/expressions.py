"""The engine-neutral side of a query: the filters (`Filters`) and the expression a query becomes
(`build_expression`): each term matches its text or a synonym in title, keywords or body, or one of its
pinyin keys in the pinyin field; the pinyin of a run of Chinese characters (`phrase_pinyin`) stands in for
the terms of that run. "all" requires every term, "any" at least one. The engines (backends.py) render it
for their database."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from . import analysis

TEXT, TITLES, PINYIN = "text", "titles", "pinyin"  # field groups: all text, title and keywords, pinyin
MODES = ("all", "any")
MAX_TOKEN_CHARS = 200  # longer "words" are not words (PostgreSQL also refuses lexemes over 2 KB)


# --- filters ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Restrictions on the matched documents; an empty value restricts nothing. `with_group`: the site's
    documents and those of the whole group (no site: knowledge entries for every site), as a site's own
    search shows them."""

    site_id: int | None = None
    kinds: tuple[str, ...] = ()
    unit_id: int | None = None
    topic: str = ""
    year: int | None = None
    with_group: bool = False

    @property
    def empty(self) -> bool:
        return (
            self.site_id is None
            and not self.kinds
            and self.unit_id is None
            and not self.topic
            and self.year is None
        )

    def sql(self, alias: str = "", *, without: str = "") -> tuple[list[str], list]:
        """WHERE fragments and their parameters, leaving out the facet named `without` (for facet counts
        under every other filter)."""
        prefix = f"{alias}." if alias else ""
        clauses, params = [], []
        if self.site_id is not None and without != "site":
            clauses.append(
                f"({prefix}site_id = %s OR {prefix}site_id IS NULL)"
                if self.with_group
                else f"{prefix}site_id = %s"
            )
            params.append(self.site_id)
        if self.kinds and without != "kind":
            clauses.append(f"{prefix}kind IN ({', '.join(['%s'] * len(self.kinds))})")
            params.extend(self.kinds)
        if self.unit_id is not None and without != "unit":
            clauses.append(f"{prefix}unit_id = %s")
            params.append(self.unit_id)
        if self.topic and without != "topic":
            clauses.append(f"{prefix}topic = %s")
            params.append(self.topic)
        if self.year is not None and without != "year":
            clauses.append(f"{prefix}year = %s")
            params.append(self.year)
        return clauses, params

    def lookups(self, *, without: str = ""):
        """The same restrictions as a Q object (for Wagtail's search backend, which filters a queryset)."""
        from django.db.models import Q

        found: dict = {}
        site = Q()
        if self.site_id is not None and without != "site":
            site = Q(site=self.site_id) | Q(site__isnull=True) if self.with_group else Q(site=self.site_id)
        if self.kinds and without != "kind":
            found["kind__in"] = list(self.kinds)
        if self.unit_id is not None and without != "unit":
            found["unit"] = self.unit_id
        if self.topic and without != "topic":
            found["topic"] = self.topic
        if self.year is not None and without != "year":
            found["year"] = self.year
        return site & Q(**found)


# --- the query expression -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """A leaf: any one of `alternatives` in the field group (`TEXT`: title, keywords or body; `TITLES`:
    title or keywords; `PINYIN`); an alternative of several words needs all of them."""

    field: str
    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class All:
    parts: tuple


@dataclass(frozen=True)
class Any:
    parts: tuple


@dataclass(frozen=True)
class Without:
    """What `base` matches and `minus` does not."""

    base: object
    minus: object


def _is_word(token: str) -> bool:
    """A token an FTS5 `unicode61` tokenizer keeps: it has a letter, a digit or a private-use character.
    Anything else (emoji, punctuation) could never match and is dropped from the query."""
    return any(unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co" for ch in token)


def _alternative(words) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for w in words if _is_word(w) and len(w) <= MAX_TOKEN_CHARS))


def _words(field: str, texts, *, segment: bool = False) -> Words | None:
    """A leaf from texts taken as they are (a query's terms, pinyin keys), or, with `segment`, cut into
    words the way documents are (synonyms): a synonym that is itself a word (社会保险) is that word, as its
    documents hold it; one that is not (a phrase) needs every word it is cut into."""
    alternatives: dict[tuple[str, ...], None] = {}
    for text in texts:
        if segment:
            words = analysis.words(text)
            whole = analysis.normalize(text)
            words = [whole] if whole in words else words
        else:
            words = analysis.normalize(text).split()
        alternative = _alternative(words)
        if alternative:
            alternatives[alternative] = None
    return Words(field, tuple(alternatives)) if alternatives else None


def _either(*parts):
    parts = tuple(part for part in parts if part is not None)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Any(parts)


def _both(parts):
    parts = tuple(part for part in parts if part is not None)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else All(parts)


def _term(term: analysis.Term):
    text = _words(TEXT, [term.text])
    synonyms = _words(TEXT, term.synonyms, segment=True)
    if text and synonyms:
        text = Words(TEXT, tuple(dict.fromkeys(text.alternatives + synonyms.alternatives)))
    return _either(text or synonyms, _words(PINYIN, term.pinyin))


def _simplified(expression):
    """The same expression with nested groups of one kind flattened, repeated parts dropped, and the
    leaves of one field under an `Any` merged into one: fewer phrases for the engine to find and score."""
    if expression is None or isinstance(expression, Words):
        return expression
    kind = type(expression)
    parts: list = []
    for part in (_simplified(p) for p in expression.parts):
        parts.extend(part.parts if type(part) is kind else [part])
    if kind is Any:
        merged: dict[str, dict] = {}
        for part in parts:
            if isinstance(part, Words):
                merged.setdefault(part.field, {}).update(dict.fromkeys(part.alternatives))
        placed: set[str] = set()
        kept = []
        for part in parts:
            if not isinstance(part, Words):
                kept.append(part)
            elif part.field not in placed:
                placed.add(part.field)
                kept.append(Words(part.field, tuple(merged[part.field])))
        parts = kept
    parts = list(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else kind(tuple(parts))


def titles_only(expression):
    """The expression with its text words looked for in titles and keywords only (the first tier of a
    large result set, `Engine.match`)."""
    if isinstance(expression, Words):
        return Words(TITLES, expression.alternatives) if expression.field == TEXT else expression
    return type(expression)(tuple(titles_only(part) for part in expression.parts))


def build_expression(query: analysis.QueryAnalysis, mode: str = "all"):
    """The engine-neutral expression of an analysed query, or None when nothing in it can match."""
    return _simplified(_expression(query, mode))


def _expression(query: analysis.QueryAnalysis, mode: str):
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    terms = list(query.terms)
    phrases = [p for p in dict.fromkeys(query.phrase_pinyin) if p]
    if mode == "any":
        return _either(*(_term(term) for term in terms), _words(PINYIN, phrases))
    # "all": the pinyin of a run of Chinese characters may stand in for every term cut from that run (a
    # misspelling that jieba cuts apart still meets the right word by its sound).
    runs = []
    for run in analysis.CJK_RUN.findall(query.normalized or ""):
        full = analysis.pinyin_of(run)[0] if len(run) <= analysis.PHRASE_PINYIN_MAX else ""
        if full in phrases and all(full != p for _run, p in runs):
            runs.append((run, full))
    grouped: dict[str, list] = defaultdict(list)
    alone = []
    for term in terms:
        home = next((p for run, p in runs if analysis.CJK.search(term.text) and term.text in run), None)
        (grouped[home] if home else alone).append(term)
    clauses = [_either(_both(_term(t) for t in grouped[p]), _words(PINYIN, [p])) for _run, p in runs]
    clauses += [_term(term) for term in alone]
    expression = _both(clauses)
    loose = [p for p in phrases if p not in {p for _run, p in runs}]
    return _either(expression, _words(PINYIN, loose)) if loose else expression
