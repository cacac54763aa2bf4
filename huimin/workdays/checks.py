"""System check: warn while the current or next year has no holiday data (deadlines would count holidays as
working days)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone

CHECK_ID = "huimin.W010"


def missing_years(now=None) -> list[int]:
    from .queries import CalendarNotFound, default_calendar, years_without_data

    year = timezone.localtime(now).year
    try:
        return years_without_data(default_calendar(), [year, year + 1])
    except CalendarNotFound:
        return [year, year + 1]


@register(Tags.database)
def holiday_data(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []  # needs the database: `huimin check --database default`
    try:
        years = missing_years()
    except DatabaseError:
        return []  # not migrated yet
    if not years:
        return []
    listed = "、".join(str(y) for y in years)
    return [
        Warning(
            f"工作日历缺少 {listed} 年的放假安排：办理时限会把这些年份的节假日当作工作日。",
            hint="国务院办公厅公布次年放假安排后，在管理后台“工作日历 → 录入年度放假安排”中录入。",
            id=CHECK_ID,
        )
    ]
