"""Carry a database migrated while the guide app was labelled `huimin_services` over to `huimin_guides`.

The app was renamed before any installation existed, but developers' own databases (`make run`) hold its
tables, migration records and content types under the old label. `adopt_old_label` renames the tables,
the migration records and the content types in one transaction, so every row (pages included: their
content type keeps its id) is carried and `migrate` sees the history as already applied. It is idempotent
and does nothing on a database that never had the old label. The `migrate` command runs it first.
"""

from __future__ import annotations

import logging

from django.db import connections, transaction

OLD_LABEL = "huimin_services"
NEW_LABEL = "huimin_guides"
logger = logging.getLogger(__name__)


def adopt_old_label(using: str = "default") -> list[str]:
    """Rename the old label's tables, migration records and content types; return the tables renamed."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if "django_migrations" not in existing:
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", [OLD_LABEL])
        if not cursor.fetchone()[0]:
            return []
    prefix = OLD_LABEL + "_"
    renamed = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for table in sorted(existing):
            if not table.startswith(prefix):
                continue
            new_table = NEW_LABEL + "_" + table[len(prefix) :]
            if new_table in existing:
                raise RuntimeError(f"both {table} and {new_table} exist; the database needs a manual look")
            cursor.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(new_table)}")
            renamed.append(table)
        cursor.execute("UPDATE django_migrations SET app = %s WHERE app = %s", [NEW_LABEL, OLD_LABEL])
        if "django_content_type" in existing:
            cursor.execute(
                "DELETE FROM django_content_type WHERE app_label = %s AND model IN "
                "(SELECT model FROM django_content_type WHERE app_label = %s)",
                [NEW_LABEL, OLD_LABEL],
            )
            cursor.execute(
                "UPDATE django_content_type SET app_label = %s WHERE app_label = %s", [NEW_LABEL, OLD_LABEL]
            )
    logger.warning(
        "guide app relabelled %s -> %s: %d tables, migration records and content types carried",
        OLD_LABEL,
        NEW_LABEL,
        len(renamed),
    )
    return renamed
