"""The full-text engines behind `SearchDocument`, chosen by database vendor, with one interface.

- SQLite: an FTS5 table `huimin_search_fts` (columns title, keywords, body, pinyin; tokenizer `unicode61`)
  holding the token fields, its rowid the document's id; ranked by `bm25()` with column weights
  (`SQLITE_WEIGHTS`: title above keywords above body, pinyin between).
- PostgreSQL: a narrow table `huimin_search_vector` beside the documents, one row per document (its `id`):
  `vector`, a tsvector of every word (weighted A title, B keywords, C body) and pinyin key (D, the lexeme
  prefixed with `PINYIN_PREFIX`), ranked by `ts_rank_cd` with `POSTGRES_WEIGHTS`; `title_vector`, the title
  and keyword words and pinyin keys alone at the same positions, for the first tier of a large result set;
  `length`, the number of positions in `vector`; and copies of the columns filters, facets and ties read.
  GIN indexes on both vectors; where the RUM extension is available, RUM indexes too, which rank a tier
  inside the index (`PostgresEngine.rum_columns`). Both vectors are stored out of line, so that counting
  and facets read short rows; without RUM the first tier is ranked from `huimin_search_title`, the title
  vector inline with the same copies (one row per document, its own GIN index).

The SQLite table is created by migration 0002, the PostgreSQL ones by 0010 and 0011. The services keep them
in step (`write` after a document is saved, `delete` when it is removed; on PostgreSQL triggers also follow a
row's deletion and its filter columns). The vectors are written as tsvector literals built here, not by
`to_tsvector`, so neither PostgreSQL's parser nor the server's locale touches the words: the databases only
store and match the words `analysis.py` made. On PostgreSQL a query never restricts lexemes by weight: pinyin
keys are told apart by their prefix and the first tier has its own vector, so a GIN index answers exactly
and no row's large vector is read to check a match.

A query (`analysis.QueryAnalysis`) becomes an engine-neutral expression (`build_expression`, expressions.py):
each term matches its text or a synonym in title, keywords or body, or one of its pinyin keys in the pinyin
field; the pinyin of a run of Chinese characters (`phrase_pinyin`) stands in for the terms of that run. "all"
requires every term, "any" at least one. Every word reaches the engine quoted inside a bound parameter, so
query syntax and SQL typed by the public are only ever words.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction

from . import analysis
from .expressions import (  # noqa: F401 - re-exported
    MAX_TOKEN_CHARS,
    MODES,
    PINYIN,
    TEXT,
    TITLES,
    All,
    Any,
    Filters,
    Without,
    Words,
    _is_word,
    _simplified,
    build_expression,
    titles_only,
)

logger = logging.getLogger(__name__)

DOCUMENT_TABLE = "huimin_search_searchdocument"
FTS_TABLE = "huimin_search_fts"
# PostgreSQL (migration 0010): the vectors and the columns the engine reads, one narrow row per document.
VECTOR_TABLE = "huimin_search_vector"
# PostgreSQL (migration 0011): the first tier's table, the title vector inline with the same narrow columns.
TITLE_TABLE = "huimin_search_title"
PINYIN_PREFIX = "P:"  # analysis lower-cases every word, so no word of a document starts with it
# RUM indexes, where the extension is available: the tier's column → index name, and what each indexes. The
# whole vector's is on an expression of it, so that the planner never counts through it (a bitmap scan of a
# RUM index is several times slower than of the GIN index), only ranks the second tier in it.
RUM_INDEXES = {"title_vector": "huimin_search_vector_title_rum", "vector": "huimin_search_vector_rum"}
RUM_EXPRESSIONS = {"title_vector": "d.title_vector", "vector": "(d.vector || ''::tsvector)"}
RUM_RECHECK_SECONDS = 300  # how often a process looks again for the RUM indexes
# SQLite: a covering index of the columns the engine reads for every match (the id, the tie-break and the
# filters), so a join from the FTS table never reads the wide document rows (SearchDocument.Meta).
NARROW_INDEX = "huimin_search_narrow"
# bm25 weights of the FTS5 columns in their order: title, keywords, body, pinyin.
SQLITE_WEIGHTS = (10.0, 5.0, 1.0, 3.0)
# ts_rank_cd weights in PostgreSQL's order {D, C, B, A}: pinyin, body, keywords, title.
POSTGRES_WEIGHTS = "{0.3,0.1,0.5,1.0}"
ALL, HEAD, REST = "all", "head", "rest"  # what a ranked query covers: every match, the first tier, the second
FACETS = ("kind", "site", "unit", "topic", "year")
# SQLite (and PostgreSQL's RUM indexes) rank a page from the index alone, with this many more rows for the
# tie-break by date.
TIE_SLACK = 32
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS_PER_LEXEME = 256  # PostgreSQL keeps at most this many positions of one lexeme
DELETE_FTS = "DELETE FROM huimin_search_fts WHERE rowid = %s"
INSERT_FTS = (
    "INSERT INTO huimin_search_fts (rowid, title, keywords, body, pinyin) VALUES (%s, %s, %s, %s, %s)"
)


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

    def _prepared(self, expression, tier: str = ALL):
        """What `_matched` takes for an expression: every match (`ALL`), the first tier (`HEAD`, an
        expression made by `titles_only`) or the second (`REST`, a `Without`). The rendered query here."""
        return self.render(expression)

    def _matched(self, match, filters: Filters) -> tuple[str, str, list]:
        """(FROM … WHERE … SQL over the matched documents aliased `d`, the score expression, params)."""
        raise NotImplementedError

    def _count(self, match, filters: Filters) -> int:
        source, _score, params = self._matched(match, filters)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {source}", params)
            return cursor.fetchone()[0]

    def _ranked(
        self, match, filters: Filters, limit: int, offset: int, newest: int | None = None
    ) -> list[tuple[int, float]]:
        """The matches best first (newer first on equal scores, then higher id), `limit` from `offset`.
        `newest`: an engine that scores each match at a cost may score only the newest `newest` of them
        (PostgresEngine); here every match is scored."""
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
        rest_scored: int | None = None,
    ) -> tuple[int, list[tuple[int, float]]]:
        """(total, [(document id, score)]) of the documents matching, best first (newer first on ties).
        `total`, when the caller has counted already, saves counting again.

        When more than `tier_above` documents match, they are ranked in two tiers (a tiered index): those
        whose title or keywords match first, then those matching in the body only, each tier best first.
        Scoring every one of tens of thousands of matches costs more than the first page is worth, and a
        document whose title holds the words is what a searcher of such a common phrase looks for. When the
        second tier holds more than `rest_scored` documents, an engine that scores each match at a cost ranks
        only its newest `rest_scored` (`_ranked`'s `newest`)."""
        expression = build_expression(query, mode)
        if expression is None:
            return 0, []
        limit, offset = max(0, int(limit)), max(0, int(offset))
        prepared = self._prepared(expression, ALL)
        if total is None:
            total = self._count(prepared, filters)
        if not total or not limit:
            return total, []
        if tier_above is None or total <= tier_above:
            return total, self._ranked(prepared, filters, limit, offset)
        head_expression = titles_only(expression)
        needed = offset + limit
        head = self._ranked(self._prepared(head_expression, HEAD), filters, needed, 0)
        if len(head) >= needed:
            return total, head[offset:]
        # The page reaches past the first tier, whose size is now known: the rest come from the second.
        rest_offset = max(0, offset - len(head))
        rest_limit = needed - len(head) - rest_offset
        second = self._prepared(Without(expression, head_expression), REST)
        # The first tier is all read (fewer than asked for), so the second holds the rest of the total.
        newest = rest_scored if rest_scored is not None and total - len(head) > rest_scored else None
        rest = self._ranked(second, filters, rest_limit, rest_offset, newest=newest)
        return total, head[offset:] + rest

    def best(
        self,
        query: analysis.QueryAnalysis,
        filters: Filters = Filters(),
        *,
        mode: str = "all",
        limit: int = 20,
        titles_first: bool = False,
    ) -> list[tuple[int, float]]:
        """The `limit` best matching documents, [(document id, score)], best first, not counted: for a
        reader that wants candidates, not a results page (Q&A). `titles_first`: in the two tiers of `match`
        (title or keyword matches first, then the rest), so a query many documents match (any of a
        question's words) is ranked over the first tier alone when that fills `limit`."""
        expression = build_expression(query, mode)
        if expression is None or limit <= 0:
            return []
        limit = int(limit)
        if not titles_first:
            return self._ranked(self._prepared(expression, ALL), filters, limit, 0)
        head_expression = titles_only(expression)
        head = self._ranked(self._prepared(head_expression, HEAD), filters, limit, 0)
        if len(head) >= limit:
            return head
        second = self._prepared(Without(expression, head_expression), REST)
        return head + self._ranked(second, filters, limit - len(head), 0)

    @contextlib.contextmanager
    def reading_candidates(self):
        """A block of candidate reads (`best`, `exists`) for Q&A; where the engine needs it, the
        database is told to answer them from the full-text index (PostgresEngine)."""
        yield

    def exists(self, query: analysis.QueryAnalysis, *, mode: str = "all") -> bool:
        """Whether any document matches, read from the index without ranking or counting."""
        expression = build_expression(query, mode)
        if expression is None:
            return False
        source, _score, params = self._matched(self._prepared(expression, ALL), Filters())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 {source} LIMIT 1", params)
            return cursor.fetchone() is not None

    def facet_counts(
        self,
        query: analysis.QueryAnalysis,
        filters: Filters = Filters(),
        *,
        mode: str = "all",
    ) -> dict[str, dict]:
        """For each facet (kind, site, unit, topic, year), its values among the matched documents with how
        many match under every other filter (a facet's own choice does not narrow its own counts). Empty
        values (no unit, no topic) are left out."""
        return self.facets_and_total(query, filters, mode=mode)[1]

    def facets_and_total(
        self,
        query: analysis.QueryAnalysis,
        filters: Filters = Filters(),
        *,
        mode: str = "all",
    ) -> tuple[int, dict[str, dict]]:
        """(how many documents match under every filter, the facet counts of `facet_counts`) from one pass
        that groups the matches by all five columns; the filters are applied to those groups here, so the
        results page needs no count of its own."""
        counts: dict[str, dict] = {name: {} for name in FACETS}
        expression = build_expression(query, mode)
        if expression is None:
            return 0, counts
        source, _score, params = self._matched(self._prepared(expression, ALL), Filters())
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
        total = 0
        for *values, count in groups:
            row = dict(zip(FACETS, values, strict=True))
            missed = [name for name in FACETS if wanted[name] is not None and row[name] not in wanted[name]]
            if len(missed) > 1:
                continue
            total += 0 if missed else count
            for name in missed or FACETS:  # missed by one filter: counts only for that facet
                if row[name] not in (None, ""):
                    counts[name][row[name]] = counts[name].get(row[name], 0) + count
        return total, counts


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

    def _ranked(
        self, match: str, filters: Filters, limit: int, offset: int, newest: int | None = None
    ) -> list[tuple[int, float]]:
        # `newest` is not needed: bm25 ranks the whole tier inside the FTS index.
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


@dataclass(frozen=True)
class Vectors:
    """A document's rows in PostgreSQL's vector table: the tsvector literals and the vector's length."""

    text: str  # `vector`: every word and pinyin key
    titles: str  # `title_vector`: title and keyword words and pinyin keys, at the same positions
    length: int  # positions in `vector`, what ts_rank_cd's length normalization counts


@dataclass(frozen=True)
class PostgresMatch:
    """A rendered query for PostgreSQL: `query` over `vector` (ALL, REST) or `title_vector` (HEAD); for
    REST, `minus` is the first tier's query over `title_vector`, whose matches are left out."""

    tier: str
    query: str
    minus: str = ""


_rum_state = {"checked": -math.inf, "columns": frozenset(), "told": False}


class PostgresEngine(Engine):
    vendor = "postgresql"
    WEIGHTS = {"title_tokens": "A", "keyword_tokens": "B", "body_tokens": "C", "pinyin_tokens": "D"}
    COLUMNS = {ALL: "vector", HEAD: "title_vector", REST: "vector"}

    @staticmethod
    def _lexeme(word: str) -> str:
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"

    @classmethod
    def vectors(cls, document) -> Vectors:
        """A document's vectors: every word at its position, weighted by its field (A title, B keywords,
        C body, D pinyin, whose lexemes carry `PINYIN_PREFIX`); the title vector holds the A, B and D
        positions. As PostgreSQL would store them: at most `MAX_POSITIONS_PER_LEXEME` positions a word, and
        one position where they run together at `MAX_POSITION` (the first field's weight, the highest)."""
        text: dict[str, list[tuple[int, str]]] = {}
        titles: dict[str, list[tuple[int, str]]] = {}
        position = 0
        for field_name, weight in cls.WEIGHTS.items():
            for word in (getattr(document, field_name) or "").split():
                position = min(position + 1, MAX_POSITION)
                if len(word) > MAX_TOKEN_CHARS:
                    continue
                lexeme = PINYIN_PREFIX + word if weight == "D" else word
                places = text.setdefault(lexeme, [])
                if len(places) >= MAX_POSITIONS_PER_LEXEME or (places and places[-1][0] == position):
                    continue
                places.append((position, weight))
                if weight != "C":
                    titles.setdefault(lexeme, []).append((position, weight))

        def literal(entries) -> str:
            return " ".join(
                f"{cls._lexeme(word)}:{','.join(f'{p}{w}' for p, w in places)}"
                for word, places in entries.items()
            )

        return Vectors(literal(text), literal(titles), sum(len(places) for places in text.values()))

    ROW = (
        "id",
        "vector",
        "title_vector",
        "length",
        "published_at",
        "kind",
        "site_id",
        "unit_id",
        "topic",
        "year",
    )
    UPSERT = (
        f"INSERT INTO {VECTOR_TABLE} ({', '.join(ROW)}) "  # noqa: S608
        "VALUES (%s, %s::tsvector, %s::tsvector, %s, %s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{name} = excluded.{name}' for name in ROW[1:])}"
    )
    TITLE_ROW = tuple(name for name in ROW if name != "vector")
    UPSERT_TITLE = (
        f"INSERT INTO {TITLE_TABLE} ({', '.join(TITLE_ROW)}) "  # noqa: S608
        "VALUES (%s, %s::tsvector, %s, %s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{name} = excluded.{name}' for name in TITLE_ROW[1:])}"
    )

    def write(self, documents) -> None:
        rows = []
        for doc in documents:
            vectors = self.vectors(doc)
            rows.append(
                (
                    doc.pk,
                    vectors.text,
                    vectors.titles,
                    vectors.length,
                    doc.published_at,
                    doc.kind,
                    doc.site_id,
                    doc.unit_id,
                    doc.topic or "",
                    doc.year,
                )
            )
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.UPSERT, rows)
                cursor.executemany(self.UPSERT_TITLE, [(row[0], *row[2:]) for row in rows])

    def delete(self, ids) -> None:
        """A deleted document's row also goes by the trigger of migration 0010; this covers the rest."""
        ids = [int(pk) for pk in ids]
        if ids:
            with connection.cursor() as cursor:
                for table in (VECTOR_TABLE, TITLE_TABLE):
                    cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids])  # noqa: S608

    def tidy(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {TITLE_TABLE} v WHERE NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {DOCUMENT_TABLE} d WHERE d.id = v.id)"
            )
            cursor.execute(
                f"DELETE FROM {VECTOR_TABLE} v WHERE NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {DOCUMENT_TABLE} d WHERE d.id = v.id)"
            )
            return cursor.rowcount

    def render(self, expression) -> str:
        """The tsquery of an expression: every lexeme quoted, pinyin keys with their prefix, no weights
        (text words are matched in `vector`, title and keyword words in `title_vector`)."""
        if isinstance(expression, Words):
            prefix = PINYIN_PREFIX if expression.field == PINYIN else ""
            options = []
            for alternative in expression.alternatives:
                lexemes = [self._lexeme(prefix + word) for word in alternative]
                options.append(lexemes[0] if len(lexemes) == 1 else "(" + " & ".join(lexemes) + ")")
            return "(" + " | ".join(options) + ")"
        if isinstance(expression, Without):
            raise TypeError("the second tier is two queries on PostgreSQL (_prepared)")
        joiner = " & " if isinstance(expression, All) else " | "
        return "(" + joiner.join(self.render(part) for part in expression.parts) + ")"

    def _prepared(self, expression, tier: str = ALL) -> PostgresMatch:
        if isinstance(expression, Without):
            return PostgresMatch(REST, self.render(expression.base), self.render(expression.minus))
        return PostgresMatch(tier, self.render(expression))

    def _where(self, match: PostgresMatch, filters: Filters) -> tuple[str, list]:
        clauses, params = filters.sql("d")
        column = self.COLUMNS[match.tier]
        where = [f"d.{column} @@ %s::tsquery"]
        values = [match.query]
        if match.minus:
            # The first tier's documents, left out through the title table (migration 0011): checking each
            # body match's own title vector would fetch it from TOAST.
            where.append(
                f"NOT EXISTS (SELECT 1 FROM {TITLE_TABLE} t WHERE t.id = d.id "  # noqa: S608
                "AND t.title_vector @@ %s::tsquery)"
            )
            values.append(match.minus)
        return " AND ".join([*where, *clauses]), [*values, *params]

    @staticmethod
    def _table(match: PostgresMatch) -> str:
        """The first tier from its own table, whose title vectors are in the rows (migration 0011)."""
        return TITLE_TABLE if match.tier == HEAD else VECTOR_TABLE

    def _matched(self, match: PostgresMatch, filters: Filters) -> tuple[str, str, list]:
        where, params = self._where(match, filters)
        source = f"FROM {self._table(match)} d WHERE {where}"
        weights = f"'{POSTGRES_WEIGHTS}'::float4[]"
        if match.tier == HEAD:
            # The first tier's score on the small vector: ts_rank_cd of the same positions, divided (as
            # normalization 1 does) by the logarithm of the whole vector's length: the score of the whole
            # vector for the title and keyword words, to a float4's precision.
            score = f"(ts_rank_cd({weights}, d.title_vector, %s::tsquery, 0) / ln(d.length + 1))::float4"
        else:
            score = f"ts_rank_cd({weights}, d.vector, %s::tsquery, 1)"
        return source, score, params

    def _ranked(
        self, match: PostgresMatch, filters: Filters, limit: int, offset: int, newest: int | None = None
    ) -> list[tuple[int, float]]:
        """`newest`: only the newest `newest` matches are scored (then ranked as every match is), each score
        reading a match's whole vector from TOAST: the second tier of a phrase found in the bodies of
        16,000 documents took 200 ms to score whole."""
        if not limit:
            return []
        column = self.COLUMNS[match.tier]
        if match.tier != ALL and column in self.rum_columns():
            return self._ranked_in_index(match, column, filters, limit, offset)
        source, score, params = self._matched(match, filters)
        order = "ORDER BY score DESC, d.published_at DESC NULLS LAST, d.id DESC LIMIT %s OFFSET %s"
        if newest:
            table = self._table(match)
            sql = (
                f"SELECT d.id, {score} AS score FROM (SELECT d.id {source} "  # noqa: S608
                "ORDER BY d.published_at DESC NULLS LAST, d.id DESC LIMIT %s) n "
                f"JOIN {table} d ON d.id = n.id " + order
            )
            arguments = [match.query, *params, int(newest), limit, offset]
        else:
            sql = f"SELECT d.id, {score} AS score {source} " + order
            arguments = [match.query, *params, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, arguments)
            return [(row[0], float(row[1] or 0.0)) for row in cursor.fetchall()]

    def _ranked_in_index(
        self, match: PostgresMatch, column: str, filters: Filters, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        """A tier ranked inside its RUM index (`<=>`, RUM's distance: the inverse of its score): the page's
        rows and `TIE_SLACK` more come from the index in order, with their distances; they are ordered here
        with the tie-break (newer first, then higher id). When equal distances at the page's end reach the
        last row read, four times as many are read again, until every row at that distance is in."""
        indexed = RUM_EXPRESSIONS[column]
        clauses, params = filters.sql("d")
        where, values = [f"{indexed} @@ %s::tsquery"], [match.query]
        if match.minus:
            where.append("NOT d.title_vector @@ %s::tsquery")
            values.append(match.minus)
        distance = f"{indexed} <=> %s::tsquery"
        select = (
            f"SELECT d.id, d.published_at, {distance} AS distance FROM {VECTOR_TABLE} d "  # noqa: S608
            f"WHERE {' AND '.join([*where, *clauses])} ORDER BY {distance} LIMIT %s"
        )
        arguments = [match.query, *values, *params, match.query]
        needed = offset + limit
        fetch = needed + TIE_SLACK

        def order(row):
            pk, published, found = row
            return (found, published is None, -published.timestamp() if published else 0, -pk)

        with connection.cursor() as cursor:
            while True:
                cursor.execute(select, [*arguments, fetch])
                rows = sorted(cursor.fetchall(), key=order)
                if len(rows) < fetch or rows[-1][2] != rows[needed - 1][2]:
                    break
                fetch *= 4  # the page's last distance may go on past the rows read
        return [(pk, _relevance(found)) for pk, _published, found in rows[offset:needed]]

    @contextlib.contextmanager
    def reading_candidates(self):
        """PostgreSQL's planner, told to stop at the first rows (`LIMIT`) and estimating a lexeme's matches
        from statistics that say little of a rare word, scans the whole vector table instead of asking the
        GIN index (300 ms at 100,000 documents for a word held by one). For the reads of Q&A candidates
        inside this block the sequential scan is switched off (`set_config(…, true)`: for this transaction,
        one of its own when there is none), then set back as it was."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
            )
            previous = cursor.fetchone()[0]
            try:
                yield
            finally:
                cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])

    @staticmethod
    def rum_columns() -> frozenset[str]:
        """The vector columns with a RUM index (`RUM_INDEXES`), looked up at most every
        `RUM_RECHECK_SECONDS` per process. Without them a tier is ranked by `ts_rank_cd` over its matches,
        the same documents more slowly; that is logged once per process."""
        if not settings.HUIMIN_SEARCH_RUM:
            return frozenset()
        now = time.monotonic()
        if now - _rum_state["checked"] < RUM_RECHECK_SECONDS:
            return _rum_state["columns"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
                "AND indexname = ANY(%s)",
                [VECTOR_TABLE, list(RUM_INDEXES.values())],
            )
            found = {row[0] for row in cursor.fetchall()}
        columns = frozenset(column for column, name in RUM_INDEXES.items() if name in found)
        if not columns and not _rum_state["told"]:
            logger.warning(
                "PostgreSQL search runs without the RUM indexes (extension rum not installed or not "
                "created): large result sets are ranked more slowly; see docs/operations.md"
            )
            _rum_state["told"] = True
        _rum_state.update(checked=now, columns=columns)
        return columns


def _relevance(distance) -> float:
    """RUM's relevance from its distance (1 / score; infinite when nothing scored)."""
    return 0.0 if not distance or math.isinf(distance) else 1.0 / float(distance)


def ensure_rum() -> bool:
    """On PostgreSQL, make the RUM indexes of `huimin_search_vector` where the extension can be had: it is
    created if missing (`CREATE EXTENSION` needs a superuser, or a role the administrator allowed).
    Returns whether the indexes exist; where they cannot, logs one line and the engine goes without them.
    Run by migration 0010 and `huimin search-reindex`; nothing is done unless HUIMIN_SEARCH_RUM is on."""
    if connection.vendor != "postgresql" or not settings.HUIMIN_SEARCH_RUM:
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
    except DatabaseError as exc:
        logger.warning(
            "PostgreSQL extension rum not available (%s): search ranks large result sets without it, more "
            "slowly; see docs/operations.md",
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
        )
        _rum_state.update(checked=-math.inf, told=True)
        return False
    with connection.cursor() as cursor:
        for column, name in RUM_INDEXES.items():
            indexed = RUM_EXPRESSIONS[column].replace("d.", "")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {VECTOR_TABLE} USING rum ({indexed} rum_tsvector_ops)"
            )
    _rum_state["checked"] = -math.inf
    return True


ENGINES = {"sqlite": SqliteEngine, "postgresql": PostgresEngine}


def engine() -> Engine:
    """The engine chosen by `HUIMIN_SEARCH_ENGINE`: Wagtail's search backend ("wagtail"), or by default the
    default database's own."""
    from django.conf import settings

    choice = getattr(settings, "HUIMIN_SEARCH_ENGINE", "")
    if choice == "wagtail":
        from .wagtail_engine import WagtailEngine

        return WagtailEngine()
    if choice:
        raise ImproperlyConfigured(f"HUIMIN_SEARCH_ENGINE 只能为空或 wagtail，而不是 {choice!r}。")
    try:
        return ENGINES[connection.vendor]()
    except KeyError:
        raise ImproperlyConfigured(
            f"搜索不支持数据库 {connection.vendor}：请使用 SQLite 或 PostgreSQL。"
        ) from None


def __getattr__(name: str):
    """`backends.WagtailEngine`, kept in wagtail_engine.py (which builds on `Engine` here), read lazily."""
    if name == "WagtailEngine":
        from .wagtail_engine import WagtailEngine

        return WagtailEngine
    raise AttributeError(name)
