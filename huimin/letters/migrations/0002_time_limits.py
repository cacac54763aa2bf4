"""The time limits of 附件1 (网民留言办理规范): dispatch and acceptance within 1 working hour each; simple
consultations answered within 1 working day, everything else within 5."""

from django.db import migrations

KINDS = ["consult", "complaint", "suggestion", "help", "other", "error_report"]


def seed(apps, schema_editor):
    TimeLimitRule = apps.get_model("huimin_letters", "TimeLimitRule")
    for kind in KINDS:
        TimeLimitRule.objects.get_or_create(
            kind=kind,
            defaults={
                "dispatch_hours": 1,
                "accept_hours": 1,
                "reply_days": 5,
                "simple_reply_days": 1 if kind == "consult" else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("huimin_letters", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
