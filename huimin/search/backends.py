"""The full-text engines behind `SearchDocument`, chosen by database vendor, with one interface.

- SQLite: an FTS5 table `huimin_search_fts` (columns title, keywords, body, pinyin; tokenizer `unicode61`)
  holding the token fields, its rowid the document's id; ranked by `bm25()` with column weights
  (`SQLITE_WEIGHTS`: title above keywords above body, pinyin between).
- PostgreSQL: a `tsvector` column `search_vector` on the document table (not a Django field) with a GIN
  index, its lexemes weighted A title, B keywords, C body, D pinyin; ranked by `ts_rank_cd` with
  `POSTGRES_WEIGHTS`.

Both tables are created by migration 0002. The services keep them in step (`write` after a document is
saved, `delete` when it is removed). The vector is written as a tsvector literal built here, not by
`to_tsvector`, so neither PostgreSQL's parser nor the server's locale touches the words: the databases only
store and match the words `analysis.py` made.

A query (`analysis.QueryAnalysis`) becomes an engine-neutral expression (`build_expression`): each term
matches its text or a synonym in title, keywords or body, or one of its pinyin keys in the pinyin field;
the pinyin of a run of Chinese characters (`phrase_pinyin`) stands in for the terms of that run. "all"
requires every term, "any" at least one. Every word reaches the engine quoted inside a bound parameter, so
query syntax and SQL typed by the public are only ever words.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from . import analysis

DOCUMENT_TABLE = "huimin_search_searchdocument"
FTS_TABLE = "huimin_search_fts"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "huimin_search_vector_gin"
# SQLite: a covering index of the columns the engine reads for every match (the id, the tie-break and the
# filters), so a join from the FTS table never reads the wide document rows (SearchDocument.Meta).
NARROW_INDEX = "huimin_search_narrow"
# bm25 weights of the FTS5 columns in their order: title, keywords, body, pinyin.
SQLITE_WEIGHTS = (10.0, 5.0, 1.0, 3.0)
# ts_rank_cd weights in PostgreSQL's order {D, C, B, A}: pinyin, body, keywords, title.
POSTGRES_WEIGHTS = "{0.3,0.1,0.5,1.0}"
TEXT, TITLES, PINYIN = "text", "titles", "pinyin"  # field groups: all text, title and keywords, pinyin
MODES = ("all", "any")
FACETS = ("kind", "site", "unit", "topic", "year")
# SQLite ranks a page from the FTS table alone, with this many more rows for the tie-break by date.
TIE_SLACK = 32
MAX_TOKEN_CHARS = 200  # longer "words" are not words (PostgreSQL also refuses lexemes over 2 KB)
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS_PER_LEXEME = 256  # PostgreSQL keeps at most this many positions of one lexeme
DELETE_FTS = "DELETE FROM huimin_search_fts WHERE rowid = %s"
INSERT_FTS = (
    "INSERT INTO huimin_search_fts (rowid, title, keywords, body, pinyin) VALUES (%s, %s, %s, %s, %s)"
)


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


# --- the engines --------------------------------------------------------------------------------------


class Engine:
    """What the services and queries need of a full-text engine."""

    vendor = ""

    def write(self, documents) -> None:
        """Make the engine's copy of these (saved) documents current."""
        raise NotImplementedError

    def delete(self, ids) -> None:
        """Forget these document ids (call before or after the rows are deleted)."""
        raise NotImplementedError

    def tidy(self) -> int:
        """Remove what the engine holds for documents that no longer exist (rows deleted by a cascade);
        returns how many."""
        return 0

    def render(self, expression) -> str:
        raise NotImplementedError

    def _matched(self, match: str, filters: Filters) -> tuple[str, str, list]:
        """(FROM … WHERE … SQL over the matched documents aliased `d`, the score expression, params)."""
        raise NotImplementedError

    def _count(self, match: str, filters: Filters) -> int:
        source, _score, params = self._matched(match, filters)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {source}", params)
            return cursor.fetchone()[0]

    def _ranked(self, match: str, filters: Filters, limit: int, offset: int) -> list[tuple[int, float]]:
        """The matches best first (newer first on equal scores, then higher id), `limit` from `offset`."""
        if not limit:
            return []
        source, score, params = self._matched(match, filters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, {score} AS score {source} "
                "ORDER BY score DESC, d.published_at DESC NULLS LAST, d.id DESC LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            return [(row[0], float(row[1] or 0.0)) for row in cursor.fetchall()]

    def match(
        self,
        query: analysis.QueryAnalysis,
        filters: Filters = Filters(),
        *,
        mode: str = "all",
        limit: int = 20,
        offset: int = 0,
        total: int | None = None,
        tier_above: int | None = None,
    ) -> tuple[int, list[tuple[int, float]]]:
        """(total, [(document id, score)]) of the documents matching, best first (newer first on ties).
        `total`, when the caller has counted already, saves counting again.

        When more than `tier_above` documents match, they are ranked in two tiers (a tiered index): those
        whose title or keywords match first, then those matching in the body only, each tier best first.
        Scoring every one of tens of thousands of matches costs more than the first page is worth, and a
        document whose title holds the words is what a searcher of such a common phrase looks for."""
        expression = build_expression(query, mode)
        if expression is None:
            return 0, []
        limit, offset = max(0, int(limit)), max(0, int(offset))
        rendered = self.render(expression)
        if total is None:
            total = self._count(rendered, filters)
        if not total or not limit:
            return total, []
        if tier_above is None or total <= tier_above:
            return total, self._ranked(rendered, filters, limit, offset)
        head_expression = titles_only(expression)
        needed = offset + limit
        head = self._ranked(self.render(head_expression), filters, needed, 0)
        if len(head) >= needed:
            return total, head[offset:]
        # The page reaches past the first tier, whose size is now known: the rest come from the second.
        rest_offset = max(0, offset - len(head))
        rest_limit = needed - len(head) - rest_offset
        second = self.render(Without(expression, head_expression))
        rest = self._ranked(second, filters, rest_limit, rest_offset)
        return total, head[offset:] + rest

    def facet_counts(
        self,
        query: analysis.QueryAnalysis,
        filters: Filters = Filters(),
        *,
        mode: str = "all",
    ) -> dict[str, dict]:
        """For each facet (kind, site, unit, topic, year), its values among the matched documents with how
        many match under every other filter (a facet's own choice does not narrow its own counts). Empty
        values (no unit, no topic) are left out. One pass groups the matches by all five columns; the
        filters are applied to those groups here."""
        counts: dict[str, dict] = {name: {} for name in FACETS}
        expression = build_expression(query, mode)
        if expression is None:
            return counts
        source, _score, params = self._matched(self.render(expression), Filters())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.kind, d.site_id, d.unit_id, d.topic, d.year, COUNT(*) {source} "
                "GROUP BY d.kind, d.site_id, d.unit_id, d.topic, d.year",
                params,
            )
            groups = cursor.fetchall()
        wanted = {
            "kind": set(filters.kinds) or None,
            "site": None
            if filters.site_id is None
            else {filters.site_id, None}
            if filters.with_group
            else {filters.site_id},
            "unit": None if filters.unit_id is None else {filters.unit_id},
            "topic": {filters.topic} if filters.topic else None,
            "year": None if filters.year is None else {filters.year},
        }
        for *values, count in groups:
            row = dict(zip(FACETS, values, strict=True))
            missed = [name for name in FACETS if wanted[name] is not None and row[name] not in wanted[name]]
            if len(missed) > 1:
                continue
            for name in missed or FACETS:  # missed by one filter: counts only for that facet
                if row[name] not in (None, ""):
                    counts[name][row[name]] = counts[name].get(row[name], 0) + count
        return counts


class SqliteEngine(Engine):
    vendor = "sqlite"

    def write(self, documents) -> None:
        rows = [
            (doc.pk, doc.title_tokens, doc.keyword_tokens, doc.body_tokens, doc.pinyin_tokens)
            for doc in documents
        ]
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(DELETE_FTS, [(row[0],) for row in rows])
            cursor.executemany(INSERT_FTS, rows)

    def delete(self, ids) -> None:
        ids = [(int(pk),) for pk in ids]
        if ids:
            with connection.cursor() as cursor:
                cursor.executemany(DELETE_FTS, ids)

    def tidy(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM {DOCUMENT_TABLE})"  # noqa: S608
            )
            return cursor.rowcount

    @staticmethod
    def _quote(word: str) -> str:
        return '"' + word.replace('"', '""') + '"'

    COLUMNS = {TEXT: "{title keywords body}", TITLES: "{title keywords}", PINYIN: "pinyin"}

    def render(self, expression) -> str:
        if isinstance(expression, Without):
            return f"(({self.render(expression.base)}) NOT ({self.render(expression.minus)}))"
        if isinstance(expression, Words):
            columns = self.COLUMNS[expression.field]
            options = []
            for alternative in expression.alternatives:
                quoted = [self._quote(word) for word in alternative]
                options.append(quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")")
            return f"{columns} : ({' OR '.join(options)})"
        joiner = " AND " if isinstance(expression, All) else " OR "
        return "(" + joiner.join(f"({self.render(part)})" for part in expression.parts) + ")"

    SCORE = f"-bm25({FTS_TABLE}, {', '.join(str(w) for w in SQLITE_WEIGHTS)})"

    def _matched(self, match: str, filters: Filters) -> tuple[str, str, list]:
        # SQLite's planner would look the documents up by their primary key, reading every wide row; the
        # narrow covering index has all the join needs.
        clauses, params = filters.sql("d")
        where = " AND ".join([f"{FTS_TABLE} MATCH %s", *clauses])
        source = (
            f"FROM {FTS_TABLE} JOIN {DOCUMENT_TABLE} d INDEXED BY {NARROW_INDEX} "
            f"ON d.id = {FTS_TABLE}.rowid WHERE {where}"
        )
        return source, self.SCORE, [match, *params]

    # Without filters the FTS table alone answers: the delete trigger of migration 0007 keeps it free of
    # entries whose document is gone.

    def _count(self, match: str, filters: Filters) -> int:
        if not filters.empty:
            return super()._count(match, filters)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S608
            return cursor.fetchone()[0]

    def _ranked(self, match: str, filters: Filters, limit: int, offset: int) -> list[tuple[int, float]]:
        if not filters.empty or not limit:
            return super()._ranked(match, filters, limit, offset)
        needed = limit + offset
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {self.SCORE} AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
                "ORDER BY score DESC LIMIT %s",
                [match, needed + TIE_SLACK],
            )
            rows = [(row[0], float(row[1] or 0.0)) for row in cursor.fetchall()]
        # Documents of equal score at the page's end are all among these rows, unless the slack is full of
        # them: then the joined query orders them all.
        if len(rows) == needed + TIE_SLACK and rows[-1][1] == rows[needed - 1][1]:
            return super()._ranked(match, filters, limit, offset)
        if len(rows) > needed:
            rows = [row for row in rows if row[1] >= rows[needed - 1][1]]
        from .models import SearchDocument

        found = SearchDocument.objects.filter(pk__in=[pk for pk, _s in rows])
        dates = dict(found.values_list("pk", "published_at"))

        def order(row):
            published = dates[row[0]]
            return (-row[1], published is None, -published.timestamp() if published else 0, -row[0])

        return sorted((row for row in rows if row[0] in dates), key=order)[offset:needed]


class PostgresEngine(Engine):
    vendor = "postgresql"
    WEIGHTS = {"title_tokens": "A", "keyword_tokens": "B", "body_tokens": "C", "pinyin_tokens": "D"}

    @staticmethod
    def _lexeme(word: str) -> str:
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"

    @classmethod
    def vector(cls, document) -> str:
        """The tsvector literal of a document: every word at its position, weighted by its field."""
        positions: dict[str, list[str]] = {}
        position = 0
        for field_name, weight in cls.WEIGHTS.items():
            for word in (getattr(document, field_name) or "").split():
                position = min(position + 1, MAX_POSITION)
                if len(word) > MAX_TOKEN_CHARS:
                    continue
                places = positions.setdefault(word, [])
                if len(places) < MAX_POSITIONS_PER_LEXEME:
                    places.append(f"{position}{weight}")
        return " ".join(f"{cls._lexeme(word)}:{','.join(places)}" for word, places in positions.items())

    def write(self, documents) -> None:
        rows = [(self.vector(doc), doc.pk) for doc in documents]
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {DOCUMENT_TABLE} SET {VECTOR_COLUMN} = %s::tsvector WHERE id = %s",  # noqa: S608
                    rows,
                )

    def delete(self, ids) -> None:
        """The vector lives on the document row and goes with it."""

    WEIGHTS_OF = {TEXT: "ABC", TITLES: "AB", PINYIN: "D"}

    def render(self, expression) -> str:
        if isinstance(expression, Without):
            return f"({self.render(expression.base)} & !{self.render(expression.minus)})"
        if isinstance(expression, Words):
            weights = self.WEIGHTS_OF[expression.field]
            options = []
            for alternative in expression.alternatives:
                lexemes = [f"{self._lexeme(word)}:{weights}" for word in alternative]
                options.append(lexemes[0] if len(lexemes) == 1 else "(" + " & ".join(lexemes) + ")")
            return "(" + " | ".join(options) + ")"
        joiner = " & " if isinstance(expression, All) else " | "
        return "(" + joiner.join(self.render(part) for part in expression.parts) + ")"

    def _matched(self, match: str, filters: Filters) -> tuple[str, str, list]:
        clauses, params = filters.sql("d")
        where = " AND ".join([f"d.{VECTOR_COLUMN} @@ q.query", *clauses])
        source = f"FROM {DOCUMENT_TABLE} d, (SELECT %s::tsquery AS query) q WHERE {where}"
        score = f"ts_rank_cd('{POSTGRES_WEIGHTS}'::float4[], d.{VECTOR_COLUMN}, q.query, 1)"
        return source, score, [match, *params]


class WagtailEngine(Engine):
    """Wagtail's search backend (`WAGTAILSEARCH_BACKENDS`, or the one given) as the engine, for a deployment
    that moves its index to OpenSearch or Elasticsearch with a Chinese analyzer (docs/search.md). The backend
    indexes `IndexedSearchDocument` (title, keywords and body as written, for its own analyzer, and the
    pinyin keys); a query is its text for that analyzer, with synonyms and pinyin from `analysis.py`
    (`wagtail_query`).

    With Wagtail's built-in database backend it works too, but that backend does not segment Chinese (a run
    of Chinese characters is one word to it): the benchmark (bench/search) measures it as the peer."""

    vendor = "wagtail"

    def __init__(self, backend=None):
        if backend is None:
            from wagtail.search.backends import get_search_backend

            backend = get_search_backend()
        self.backend = backend

    @staticmethod
    def _model():
        from .models import IndexedSearchDocument

        return IndexedSearchDocument

    def write(self, documents) -> None:
        ids = [doc.pk for doc in documents]
        if ids:
            model = self._model()
            self.backend.add_bulk(model, list(model.objects.filter(pk__in=ids)))

    def delete(self, ids) -> None:
        model = self._model()
        for pk in ids:
            self.backend.delete(model(pk=int(pk)))

    def render(self, expression):
        raise NotImplementedError("the wagtail engine builds its query from the analysis (wagtail_query)")

    @staticmethod
    def wagtail_query(query: analysis.QueryAnalysis, mode: str = "all"):
        """The Wagtail query of an analysed query, or None when nothing in it can match. The backend
        segments text with its own analyzer, so the query gives it the query's text as typed (normalised),
        chunk by chunk, each chunk or a stand-in for it: the chunk with a term replaced by a synonym, a
        term's pinyin keys, or the pinyin of the chunk (a misspelling meets its word by sound). "all" needs
        every chunk, "any" one."""
        from wagtail.search.query import And, Or, PlainText

        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        phrases = set(query.phrase_pinyin)
        clauses = []
        # Only letters and digits reach the backend (its own query syntax is not always escaped).
        text = "".join(ch if _is_word(ch) else " " for ch in query.normalized or "")
        for chunk in text.split():
            if len(chunk) > MAX_TOKEN_CHARS:
                continue
            options = {chunk: None}
            for term in query.terms:
                if term.text not in chunk:
                    continue
                for synonym in term.synonyms:
                    options[chunk.replace(term.text, synonym)] = None
                if term.text == chunk:
                    options.update(dict.fromkeys(term.pinyin))
            if analysis.CJK.search(chunk) and len(chunk) <= analysis.PHRASE_PINYIN_MAX:
                full = analysis.pinyin_of(chunk)[0]
                if full in phrases:
                    options[full] = None
            alternatives = [
                PlainText(
                    " ".join("".join(ch if _is_word(ch) else " " for ch in option).split()), operator="and"
                )
                for option in options
                if _is_word(option)
            ]
            clauses.append(alternatives[0] if len(alternatives) == 1 else Or(alternatives))
        if not clauses:
            return None
        if len(clauses) == 1:
            return clauses[0]
        return And(clauses) if mode == "all" else Or(clauses)

    def _search(self, query, filters: Filters, *, without: str = "", order_by_relevance: bool = True):
        queryset = self._model().objects.filter(filters.lookups(without=without))
        return self.backend.search(query, queryset, order_by_relevance=order_by_relevance)

    def match(self, query, filters=Filters(), *, mode="all", limit=20, offset=0, total=None, tier_above=None):
        """As `Engine.match`; the backend ranks all matches itself (`tier_above` does not apply)."""
        expression = self.wagtail_query(query, mode)
        if expression is None:
            return 0, []
        limit, offset = max(0, int(limit)), max(0, int(offset))
        results = self._search(expression, filters).annotate_score("_score")
        total = results.count() if total is None else total
        if not total or not limit:
            return total, []
        return total, [(doc.pk, float(doc._score or 0.0)) for doc in results[offset : offset + limit]]

    def facet_counts(self, query, filters=Filters(), *, mode="all"):
        counts: dict[str, dict] = {name: {} for name in FACETS}
        rendered = self.wagtail_query(query, mode)
        if rendered is None:
            return counts
        attnames = {"site": "site_id", "unit": "unit_id"}
        for name in FACETS:
            results = self._search(rendered, filters, without=name, order_by_relevance=False)
            found = results.facet(attnames.get(name, name))
            for value, count in found.items():
                if value not in (None, "") and count:
                    counts[name][value] = count
        return counts


ENGINES = {"sqlite": SqliteEngine, "postgresql": PostgresEngine}


def engine() -> Engine:
    """The engine chosen by `HUIMIN_SEARCH_ENGINE`: Wagtail's search backend ("wagtail"), or by default the
    default database's own."""
    from django.conf import settings

    choice = getattr(settings, "HUIMIN_SEARCH_ENGINE", "")
    if choice == "wagtail":
        return WagtailEngine()
    if choice:
        raise ImproperlyConfigured(f"HUIMIN_SEARCH_ENGINE 只能为空或 wagtail，而不是 {choice!r}。")
    try:
        return ENGINES[connection.vendor]()
    except KeyError:
        raise ImproperlyConfigured(
            f"搜索不支持数据库 {connection.vendor}：请使用 SQLite 或 PostgreSQL。"
        ) from None
