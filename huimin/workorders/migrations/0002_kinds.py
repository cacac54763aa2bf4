"""The kinds of work order and their time limits, from data/kinds.json."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "kinds.json"


def load_kinds(apps, schema_editor):
    Kind = apps.get_model("huimin_workorders", "WorkOrderKind")
    for order, row in enumerate(json.loads(DATA.read_text(encoding="utf-8"))["kinds"]):
        Kind.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "description": row["description"],
                "urgent_hours": Decimal(str(row["urgent"])),
                "high_hours": Decimal(str(row["high"])),
                "normal_hours": Decimal(str(row["normal"])),
                "low_hours": Decimal(str(row["low"])),
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("huimin_workorders", "0001_initial")]
    operations = [migrations.RunPython(load_kinds, migrations.RunPython.noop)]
