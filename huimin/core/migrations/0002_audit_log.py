"""The audit-log viewer's permission, the permission to lift a login lock, and the database guard that keeps
Wagtail's log tables append-only (docs/decisions/0013).

The guard is a trigger on each log table that refuses DELETE and UPDATE (and, on PostgreSQL, TRUNCATE),
whoever issues them. One UPDATE is let through: Django's own SET_NULL of `content_type_id` when a content
type is removed (`remove_stale_contenttypes`), with every other column unchanged. Wagtail itself only
inserts into these tables (its pages, users and revisions point at entries with DO_NOTHING); the last of
its migrations that rewrote entries (0089) and the last that changed the tables (0097) run before this one.
`huimin.W030` reports a missing trigger (an SQLite table rebuild drops the triggers with the table), and
`huimin audit-log-guard` runs `install_guard` again: keep it idempotent.
"""

from django.db import migrations, models

TABLES = {
    "wagtailcore_modellogentry": "object_id",
    "wagtailcore_pagelogentry": "page_id",
}
COMMON = ["id", "label", "action", "data", "timestamp", "uuid", "user_id", "revision_id", "content_changed",
          "deleted"]  # fmt: skip
MESSAGE = "audit log entries are append-only"


def _sqlite(table: str, key: str) -> list[str]:
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in [*COMMON, key])
    return [
        f"CREATE TRIGGER IF NOT EXISTS huimin_{table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER IF NOT EXISTS huimin_{table}_no_update BEFORE UPDATE ON {table} "
        f"WHEN NOT (NEW.content_type_id IS NULL AND {unchanged}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION huimin_audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.content_type_id IS NULL
           AND (to_jsonb(NEW) - 'content_type_id') = (to_jsonb(OLD) - 'content_type_id') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
"""


def _postgres(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS huimin_{table}_append_only ON {table}",
        f"CREATE TRIGGER huimin_{table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION huimin_audit_log_append_only()",
        f"DROP TRIGGER IF EXISTS huimin_{table}_no_truncate ON {table}",
        f"CREATE TRIGGER huimin_{table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION huimin_audit_log_append_only()",
    ]


def install_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [sql for table, key in TABLES.items() for sql in _sqlite(table, key)]
    elif vendor == "postgresql":
        statements = [POSTGRES_FUNCTION, *(sql for table in TABLES for sql in _postgres(table))]
    else:
        return
    for sql in statements:
        schema_editor.execute(sql, params=None)  # no placeholders: RAISE uses % itself


def remove_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS huimin_{table}_no_delete")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS huimin_{table}_no_update")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS huimin_{table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS huimin_{table}_no_truncate ON {table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS huimin_audit_log_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("huimin_core", "0001_attempts"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
            options={
                "verbose_name": "审计日志",
                "verbose_name_plural": "审计日志",
                "permissions": [("view_auditlog", "查看和导出审计日志")],
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.AlterModelOptions(
            name="attempt",
            options={
                "permissions": [("unlock_login", "解除登录锁定")],
                "verbose_name": "频率限制记录",
                "verbose_name_plural": "频率限制记录",
            },
        ),
        migrations.RunPython(install_guard, remove_guard),
    ]
