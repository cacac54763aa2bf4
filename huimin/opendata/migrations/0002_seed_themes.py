"""Seed the catalog themes from data/themes.json."""

import json
from pathlib import Path

from django.db import migrations

THEMES = Path(__file__).resolve().parent.parent / "data" / "themes.json"


def seed_themes(apps, schema_editor):
    DataTheme = apps.get_model("huimin_opendata", "DataTheme")
    for order, name in enumerate(json.loads(THEMES.read_text(encoding="utf-8"))):
        DataTheme.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("huimin_opendata", "0001_initial")]

    operations = [migrations.RunPython(seed_themes, migrations.RunPython.noop)]
