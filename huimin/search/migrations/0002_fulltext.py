"""The full-text side of the index, per database engine (see backends.py): an FTS5 table on SQLite; a
tsvector column with a GIN index on PostgreSQL. Other engines get nothing here."""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS huimin_search_fts "
    "USING fts5(title, keywords, body, pinyin, tokenize = 'unicode61')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS huimin_search_fts"
POSTGRES_CREATE = [
    "ALTER TABLE huimin_search_searchdocument ADD COLUMN IF NOT EXISTS search_vector tsvector",
    "CREATE INDEX IF NOT EXISTS huimin_search_vector_gin ON huimin_search_searchdocument "
    "USING gin (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS huimin_search_vector_gin",
    "ALTER TABLE huimin_search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, [SQLITE_CREATE])
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_CREATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, [SQLITE_DROP])
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("huimin_search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
