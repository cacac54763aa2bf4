import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "taxonomy.json"
MODELS = {"topics": "PolicyTopic", "industries": "Industry", "service_objects": "ServiceObject"}


def load_vocabularies(apps, schema_editor):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for key, model_name in MODELS.items():
        model = apps.get_model("huimin_policies", model_name)
        for order, name in enumerate(data[key]):
            model.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("huimin_policies", "0001_initial")]
    operations = [migrations.RunPython(load_vocabularies, migrations.RunPython.noop)]
