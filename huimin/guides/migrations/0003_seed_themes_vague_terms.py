"""Seed the service themes (data/themes.json) and the vague wordings (data/vague_terms.txt)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def seed(apps, schema_editor):
    ServiceTheme = apps.get_model("huimin_guides", "ServiceTheme")
    VagueTerm = apps.get_model("huimin_guides", "VagueTerm")
    for order, name in enumerate(json.loads((DATA / "themes.json").read_text(encoding="utf-8"))):
        ServiceTheme.objects.get_or_create(name=name, defaults={"sort_order": order})
    for line in (DATA / "vague_terms.txt").read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            VagueTerm.objects.get_or_create(text=text)


class Migration(migrations.Migration):
    dependencies = [("huimin_guides", "0002_guides")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
