"""Harvested knowledge entries are recognised by origin and source alone, so one an editor rewrote is not
harvested again. A guide's entries get the field they came from in their source key ("page:34" →
"page:34#materials", by the question they were harvested with); an entry whose question was rewritten, or
a second one from the same field, keeps its data under a key of its own ("page:34#edited-56")."""

import re

from django.conf import settings
from django.db import migrations, models

SLOTS = (
    ("materials", re.compile(r"^办理.+需要哪些材料？$")),
    ("time", re.compile(r"^办理.+的时限是多久？$")),
    ("place", re.compile(r"^在哪里办理.+？$")),
)


def rekey(apps, schema_editor):
    entries = apps.get_model("huimin_search", "KnowledgeEntry")
    taken: set[tuple[str, str]] = set(entries.objects.exclude(source_key="").values_list("origin", "source_key"))
    guide = entries.objects.filter(origin="guide").exclude(source_key="").exclude(source_key__contains="#")
    for entry in guide.order_by("pk"):
        slot = next((name for name, pattern in SLOTS if pattern.match(entry.question)), "")
        key = f"{entry.source_key}#{slot}"
        if not slot or (entry.origin, key) in taken:
            key = f"{entry.source_key}#edited-{entry.pk}"
        taken.add((entry.origin, key))
        entry.source_key = key
        entry.save(update_fields=["source_key"])
    # Letters give one entry each: a second one from the same letter (its question rewritten) keeps its own.
    seen: set[str] = set()
    for entry in entries.objects.filter(origin="letter").exclude(source_key="").order_by("pk"):
        if entry.source_key in seen:
            entry.source_key = f"{entry.source_key}#edited-{entry.pk}"
            entry.save(update_fields=["source_key"])
        seen.add(entry.source_key)


class Migration(migrations.Migration):
    dependencies = [
        ("huimin_search", "0007_sqlite_fts_trigger"),
        ("huimin_sites", "0003_retire_placeholder_site"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="knowledgeentry",
            name="knowledge_entry_unique_harvest",
        ),
        migrations.AlterField(
            model_name="knowledgeentry",
            name="source_key",
            field=models.CharField(
                blank=True,
                help_text="如 letter:12、page:34#materials（办事指南的某一项）",
                max_length=64,
                verbose_name="来源编号",
            ),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="knowledgeentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_key", ""), _negated=True),
                fields=("origin", "source_key"),
                name="knowledge_entry_unique_source",
            ),
        ),
    ]
