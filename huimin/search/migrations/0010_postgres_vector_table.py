"""PostgreSQL only (see backends.PostgresEngine; nothing happens on SQLite): the search vectors move from the
`search_vector` column of the documents to a narrow table of their own, `huimin_search_vector`, one row per
document (`id`), so that counting, grouping facets and ranking never read the wide document rows:

- `vector`: every word, weighted A title, B keywords, C body, and every pinyin key, weighted D, its lexeme now
  prefixed with `P:` so that no query needs weights (a GIN index answers a query without weights exactly;
  with weights it reads every candidate's vector to check them);
- `title_vector`: the title and keyword words and pinyin keys alone, at the same positions, with its own
  index, for the first tier of a large result set; both vectors stored out of line (`EXTERNAL`);
  `length`, the number of positions in `vector`; no statistics are kept on either vector, so that the
  planner always reads them through their indexes;
- `published_at`, `kind`, `site_id`, `unit_id`, `topic`, `year`: copies of the document's, for filters,
  the tie-break and facet counts; triggers keep them equal to the document's whatever changes it, delete the
  row with its document, and empty the table when the documents are truncated (no foreign key: Django's
  flush truncates the documents alone).

Existing documents get their rows from their stored token fields (no reindex needed). GIN indexes on both
vectors; and where the RUM extension is available (`CREATE EXTENSION IF NOT EXISTS rum` needs a superuser),
RUM indexes too, which rank a tier inside the index; where it is not, one line is logged and search works
without them, more slowly (docs/operations.md). `huimin search-reindex` tries again."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger("huimin.search")

TABLE = "huimin_search_vector"
DOCUMENTS = "huimin_search_searchdocument"
PINYIN_PREFIX = "P:"
WEIGHTS = {"title_tokens": "A", "keyword_tokens": "B", "body_tokens": "C", "pinyin_tokens": "D"}
MAX_TOKEN_CHARS, MAX_POSITION, MAX_POSITIONS_PER_LEXEME = 200, 16383, 256
BATCH = 1000
FOLLOWED = ("published_at", "kind", "site_id", "unit_id", "topic", "year")

CREATE = [
    f"""CREATE TABLE {TABLE} (
        id integer PRIMARY KEY,
        vector tsvector NOT NULL,
        title_vector tsvector NOT NULL,
        length integer NOT NULL,
        published_at timestamp with time zone NULL,
        kind varchar(20) NOT NULL,
        site_id integer NULL,
        unit_id integer NULL,
        topic varchar(100) NOT NULL,
        year smallint NULL
    ) WITH (toast_tuple_target = 128)""",
    # Both vectors out of line (uncompressed) once a row is long enough to be toasted (2 KB, most rows):
    # the rows a count or a facet grouping visits are then about 200 bytes, not 700 with the title vector
    # inline (`政务公开`'s 33,174 matches: 3,630 heap pages read instead of 9,585). A tier ranked without
    # RUM reads each match's vector from TOAST, as it read the whole vector before.
    f"ALTER TABLE {TABLE} ALTER COLUMN vector SET STORAGE EXTERNAL",
    f"ALTER TABLE {TABLE} ALTER COLUMN title_vector SET STORAGE EXTERNAL",
    # No statistics on the vectors: the planner then takes a match to be rare and always goes through an
    # index. With them, a word in most documents (政府) is counted by reading the whole table, each row's
    # vector fetched from TOAST to be matched (320 ms at 100,000 documents, against 60 ms through the GIN
    # index): the planner does not price that fetch.
    f"ALTER TABLE {TABLE} ALTER COLUMN vector SET STATISTICS 0",
    f"ALTER TABLE {TABLE} ALTER COLUMN title_vector SET STATISTICS 0",
    f"""CREATE FUNCTION huimin_search_vector_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {TABLE} WHERE id = OLD.id;
            RETURN OLD;
        END IF;
        UPDATE {TABLE} SET {", ".join(f"{name} = NEW.{name}" for name in FOLLOWED)} WHERE id = NEW.id;
        RETURN NEW;
    END $$""",  # noqa: S608
    f"""CREATE FUNCTION huimin_search_vector_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {TABLE};
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER huimin_search_vector_forget AFTER DELETE ON {DOCUMENTS} "
    "FOR EACH ROW EXECUTE FUNCTION huimin_search_vector_follow()",
    f"CREATE TRIGGER huimin_search_vector_update AFTER UPDATE OF {', '.join(FOLLOWED)} ON {DOCUMENTS} "
    f"FOR EACH ROW WHEN (({', '.join(f'OLD.{n}' for n in FOLLOWED)}) IS DISTINCT FROM "
    f"({', '.join(f'NEW.{n}' for n in FOLLOWED)})) EXECUTE FUNCTION huimin_search_vector_follow()",
    f"CREATE TRIGGER huimin_search_vector_truncate AFTER TRUNCATE ON {DOCUMENTS} "
    "FOR EACH STATEMENT EXECUTE FUNCTION huimin_search_vector_clear()",
]
INDEXES = [
    f"CREATE INDEX huimin_search_vector_gin ON {TABLE} USING gin (vector)",
    f"CREATE INDEX huimin_search_vector_title_gin ON {TABLE} USING gin (title_vector)",
]
# The whole vector's RUM index is on an expression of it, so that counting goes through the GIN index (a
# bitmap scan of a RUM index is several times slower) and only the second tier is ranked through it.
RUM_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} USING rum ({indexed} rum_tsvector_ops)"
    for indexed, name in (
        ("title_vector", "huimin_search_vector_title_rum"),
        ("(vector || ''::tsvector)", "huimin_search_vector_rum"),
    )
]
DROP_OLD = [
    "DROP INDEX IF EXISTS huimin_search_vector_gin",
    f"ALTER TABLE {DOCUMENTS} DROP COLUMN IF EXISTS search_vector",
]
DROP_NEW = [
    f"DROP TRIGGER IF EXISTS huimin_search_vector_truncate ON {DOCUMENTS}",
    f"DROP TRIGGER IF EXISTS huimin_search_vector_update ON {DOCUMENTS}",
    f"DROP TRIGGER IF EXISTS huimin_search_vector_forget ON {DOCUMENTS}",
    "DROP FUNCTION IF EXISTS huimin_search_vector_clear()",
    "DROP FUNCTION IF EXISTS huimin_search_vector_follow()",
    f"DROP TABLE IF EXISTS {TABLE}",
]
OLD_CREATE = [
    f"ALTER TABLE {DOCUMENTS} ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"CREATE INDEX IF NOT EXISTS huimin_search_vector_gin ON {DOCUMENTS} USING gin (search_vector)",
]


def _lexeme(word):
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _literal(entries):
    return " ".join(f"{_lexeme(w)}:{','.join(f'{p}{x}' for p, x in places)}" for w, places in entries.items())


def vectors(tokens, *, prefixed=True):
    """(vector literal, title vector literal, length) of a document's token fields, as
    backends.PostgresEngine.vectors makes them; with `prefixed=False`, the vector of migration 0002 (pinyin
    keys bare), for going back."""
    text, titles, position = {}, {}, 0
    for (_name, weight), words in zip(WEIGHTS.items(), tokens, strict=True):
        for word in (words or "").split():
            position = min(position + 1, MAX_POSITION)
            if len(word) > MAX_TOKEN_CHARS:
                continue
            lexeme = PINYIN_PREFIX + word if weight == "D" and prefixed else word
            places = text.setdefault(lexeme, [])
            if len(places) >= MAX_POSITIONS_PER_LEXEME or (places and places[-1][0] == position):
                continue
            places.append((position, weight))
            if weight != "C":
                titles.setdefault(lexeme, []).append((position, weight))
    return _literal(text), _literal(titles), sum(len(places) for places in text.values())


def _batches(cursor, columns):
    last = 0
    while True:
        cursor.execute(
            f"SELECT id, {', '.join(columns)} FROM {DOCUMENTS} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
            [last, BATCH],
        )
        rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def create_rum(schema_editor):
    """The RUM indexes where the extension can be had and HUIMIN_SEARCH_RUM asks for them; else one log
    line (the setting off: none; `huimin search-reindex` makes them once it is on)."""
    from django.conf import settings

    if not getattr(settings, "HUIMIN_SEARCH_RUM", False):
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
    except DatabaseError as exc:
        logger.warning(
            "PostgreSQL extension rum not available (%s): search ranks large result sets without it, more "
            "slowly; see docs/operations.md",
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
        )
        return
    for statement in RUM_INDEXES:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE:
        schema_editor.execute(statement)
    columns = [*WEIGHTS, *FOLLOWED]
    with schema_editor.connection.cursor() as cursor:
        for rows in _batches(cursor, columns):
            values = []
            for pk, *fields in rows:
                text, titles, length = vectors(fields[:4])
                values.append((pk, text, titles, length, *fields[4:]))
            cursor.executemany(
                f"INSERT INTO {TABLE} (id, vector, title_vector, length, {', '.join(FOLLOWED)}) "  # noqa: S608
                "VALUES (%s, %s::tsvector, %s::tsvector, %s, %s, %s, %s, %s, %s, %s)",
                values,
            )
    for statement in DROP_OLD + INDEXES:
        schema_editor.execute(statement)
    create_rum(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP_NEW + OLD_CREATE:
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        for rows in _batches(cursor, list(WEIGHTS)):
            values = [(vectors(fields, prefixed=False)[0], pk) for pk, *fields in rows]
            cursor.executemany(
                f"UPDATE {DOCUMENTS} SET search_vector = %s::tsvector WHERE id = %s",  # noqa: S608
                values,
            )


class Migration(migrations.Migration):
    dependencies = [("huimin_search", "0009_hot_search_visitors_and_blocks")]

    operations = [migrations.RunPython(forwards, backwards)]
