"""SQLite only (see backends.SqliteEngine): a trigger that removes a document's FTS entry whenever its row
is deleted, however it is deleted (a site's deletion cascades in bulk), so the FTS table alone can count
matches; entries left behind before it are removed. A later migration that rebuilds the document table on
SQLite drops the trigger with the old table and must create it again (`test_backends` checks it exists)."""

from django.db import migrations

SQLITE_FORWARDS = [
    "CREATE TRIGGER IF NOT EXISTS huimin_search_fts_forget AFTER DELETE ON huimin_search_searchdocument "
    "BEGIN DELETE FROM huimin_search_fts WHERE rowid = old.id; END",
    "DELETE FROM huimin_search_fts WHERE rowid NOT IN (SELECT id FROM huimin_search_searchdocument)",
]
SQLITE_BACKWARDS = ["DROP TRIGGER IF EXISTS huimin_search_fts_forget"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARDS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARDS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("huimin_search", "0006_narrow_index")]

    operations = [migrations.RunPython(forwards, backwards)]
