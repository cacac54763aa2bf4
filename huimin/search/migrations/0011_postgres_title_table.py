"""PostgreSQL only (nothing happens on SQLite): the first tier of a large result set (documents whose title
or keywords match) gets a table of its own, `huimin_search_title`, one row per document (`id`):
`title_vector` stored inline (`MAIN`: compressed in the row if ever needed, never out of line), `length`, and
the copies of the document's `published_at`, `kind`, `site_id`, `unit_id`, `topic`, `year` that filters and
the tie-break read, with a GIN index on the vector.

In `huimin_search_vector` both vectors are kept out of line (migration 0010), so that counting and grouping
facets read rows of about 200 bytes; ranking the first tier there fetches every match's title vector from
TOAST, several page reads a row (`政务公开`: 15,948 title matches, 62,000 buffers, against 7,100 here). The
triggers of migration 0010 now follow both tables: a document's deletion removes both rows, a change of its
filter columns updates both, truncating the documents empties both. Existing rows are copied over; the
engine writes both from then on (backends.PostgresEngine.write)."""

from django.db import migrations

VECTORS = "huimin_search_vector"
TABLE = "huimin_search_title"
FOLLOWED = ("published_at", "kind", "site_id", "unit_id", "topic", "year")
COLUMNS = ("id", "title_vector", "length", *FOLLOWED)


def _follow(tables) -> str:
    deletes = "\n".join(f"            DELETE FROM {table} WHERE id = OLD.id;" for table in tables)
    updates = "\n".join(
        f"        UPDATE {table} SET {', '.join(f'{n} = NEW.{n}' for n in FOLLOWED)} WHERE id = NEW.id;"
        for table in tables
    )
    return f"""CREATE OR REPLACE FUNCTION huimin_search_vector_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
{deletes}
            RETURN OLD;
        END IF;
{updates}
        RETURN NEW;
    END $$"""


def _clear(tables) -> str:
    return f"""CREATE OR REPLACE FUNCTION huimin_search_vector_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {", ".join(tables)};
        RETURN NULL;
    END $$"""


FORWARDS = [
    f"""CREATE TABLE {TABLE} (
        id integer PRIMARY KEY,
        title_vector tsvector NOT NULL,
        length integer NOT NULL,
        published_at timestamp with time zone NULL,
        kind varchar(20) NOT NULL,
        site_id integer NULL,
        unit_id integer NULL,
        topic varchar(100) NOT NULL,
        year smallint NULL
    )""",
    f"ALTER TABLE {TABLE} ALTER COLUMN title_vector SET STORAGE MAIN",
    # As for the other vectors (migration 0010): no statistics, so the planner always goes through the index.
    f"ALTER TABLE {TABLE} ALTER COLUMN title_vector SET STATISTICS 0",
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} FROM {VECTORS}",  # noqa: S608
    f"CREATE INDEX huimin_search_title_gin ON {TABLE} USING gin (title_vector)",
    _follow((VECTORS, TABLE)),
    _clear((VECTORS, TABLE)),
]
BACKWARDS = [_follow((VECTORS,)), _clear((VECTORS,)), f"DROP TABLE IF EXISTS {TABLE}"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("huimin_search", "0010_postgres_vector_table")]

    operations = [migrations.RunPython(forwards, backwards)]
