"""Seed the topic palettes from data/palettes.json, checked by the same contrast code as the admin."""

from django.db import migrations


def seed_palettes(apps, schema_editor):
    from huimin.topics.models import load_palette_file

    TopicPalette = apps.get_model("huimin_topics", "TopicPalette")
    for entry in load_palette_file():
        colours = {
            role: entry[role].lower() for role in ("primary", "on_primary", "accent", "surface", "text")
        }
        TopicPalette.objects.get_or_create(name=entry["name"], defaults=colours)


class Migration(migrations.Migration):
    dependencies = [("huimin_topics", "0001_initial")]

    operations = [migrations.RunPython(seed_palettes, migrations.RunPython.noop)]
