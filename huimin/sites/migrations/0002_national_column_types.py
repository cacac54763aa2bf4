import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "column_types.json"


def load_column_types(apps, schema_editor):
    ColumnType = apps.get_model("huimin_sites", "ColumnType")
    for entry in json.loads(DATA.read_text(encoding="utf-8"))["column_types"]:
        ColumnType.objects.get_or_create(
            name=entry["name"],
            defaults={"update_cycle_days": int(entry["update_cycle_days"]), "is_national": True},
        )


class Migration(migrations.Migration):
    dependencies = [("huimin_sites", "0001_initial")]
    operations = [migrations.RunPython(load_column_types, migrations.RunPython.noop)]
