"""The dictionary's categories and its shipped starting list (data/categories.json, data/terms.tsv)."""

from django.db import migrations


def load(apps, schema_editor):
    from huimin.safety.dictionary import shipped_categories, shipped_entries
    from huimin.safety.engine import term_key

    TermCategory = apps.get_model("huimin_safety", "TermCategory")
    Term = apps.get_model("huimin_safety", "Term")
    categories = {}
    for category in shipped_categories():
        categories[category.name], _ = TermCategory.objects.update_or_create(
            name=category.name,
            defaults={"kind": category.kind, "order": category.order, "description": category.description},
        )
    for entry in shipped_entries():
        Term.objects.update_or_create(
            key=term_key(entry.term),
            kind=entry.kind,
            defaults={
                "term": entry.term,
                "category": categories[entry.category],
                "severity": entry.severity,
                "suggestion": entry.suggestion,
                "note": entry.note,
                "active": True,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("huimin_safety", "Term").objects.all().delete()
    apps.get_model("huimin_safety", "TermCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("huimin_safety", "0002_dictionary")]

    operations = [migrations.RunPython(load, unload)]
