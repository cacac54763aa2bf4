"""The city's default working calendar, seeded with the holidays and make-up days of 2004–2026."""

from django.db import migrations

from huimin.workdays.working_time import package_days


def create_default(apps, schema_editor):
    WorkCalendar = apps.get_model("huimin_workdays", "WorkCalendar")
    CalendarDay = apps.get_model("huimin_workdays", "CalendarDay")
    if WorkCalendar.objects.exists():
        return
    calendar = WorkCalendar.objects.create(
        name="宿迁市工作日历", slug="suqian", working_hours="08:30-12:00,14:00-17:30", is_default=True
    )
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(calendar=calendar, date=day, kind=kind, name=name)
            for day, (kind, name) in sorted(package_days().items())
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("huimin_workdays", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
