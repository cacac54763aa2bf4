import uuid

from django.db import migrations, models


def first_token(apps, schema_editor):
    apps.get_model("huimin_sites", "ChromeToken").objects.create(pk=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("huimin_sites", "0012_column_quality_requirement"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChromeToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "页面框架版本",
            },
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
