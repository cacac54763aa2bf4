"""A database migrated under the guide app's old label (`huimin_services`) is carried to `huimin_guides`:
tables, rows, migration records and content types, so `migrate` has nothing left to do and pages still
resolve to their guide types."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from huimin.guides.models import ServiceGuidePage
from huimin.guides.relabel import NEW_LABEL, OLD_LABEL, adopt_old_label

pytestmark = pytest.mark.django_db


def _guide_tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t.startswith(NEW_LABEL + "_"))


def _make_old_database(tables: list[str]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            old = OLD_LABEL + table[len(NEW_LABEL) :]
            cursor.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(old)}")
        cursor.execute("UPDATE django_migrations SET app = %s WHERE app = %s", [OLD_LABEL, NEW_LABEL])
        cursor.execute(
            "UPDATE django_content_type SET app_label = %s WHERE app_label = %s", [OLD_LABEL, NEW_LABEL]
        )
    ContentType.objects.clear_cache()


def test_it_carries_tables_rows_migrations_and_content_types(demo):
    tables = _guide_tables()
    guides = ServiceGuidePage.objects.count()
    type_id = ContentType.objects.get_for_model(ServiceGuidePage).pk
    assert tables and guides
    _make_old_database(tables)
    assert not _guide_tables()

    renamed = adopt_old_label()

    ContentType.objects.clear_cache()
    assert len(renamed) == len(tables)
    assert _guide_tables() == tables
    assert ServiceGuidePage.objects.count() == guides
    assert ContentType.objects.get_for_model(ServiceGuidePage).pk == type_id
    assert ContentType.objects.filter(app_label=OLD_LABEL).count() == 0
    page = ServiceGuidePage.objects.first().page_ptr
    assert isinstance(page.specific, ServiceGuidePage)
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_it_does_nothing_on_a_database_that_never_had_the_old_label(demo):
    tables = _guide_tables()
    assert adopt_old_label() == []
    assert _guide_tables() == tables
