"""Reads of the working calendars."""

from __future__ import annotations

from datetime import date

from .enums import DEFAULT_WORKING_HOURS
from .models import CalendarDay, WorkCalendar
from .working_time import Schedule, parse_periods


class CalendarNotFound(LookupError):
    pass


def default_calendar() -> WorkCalendar:
    calendar = WorkCalendar.objects.filter(is_default=True).first() or WorkCalendar.objects.first()
    if calendar is None:
        raise CalendarNotFound("还没有工作日历，请先在管理后台“工作日历”中建立。")
    return calendar


def get_calendar(slug: str | None) -> WorkCalendar:
    """The calendar with that code, or the default one; unknown codes raise with the known ones named."""
    if not slug:
        return default_calendar()
    calendar = WorkCalendar.objects.filter(slug=slug).first()
    if calendar is None:
        known = "、".join(WorkCalendar.objects.values_list("slug", flat=True)) or "（无）"
        raise CalendarNotFound(f"没有这个代码的工作日历。可用的日历：{known}。")
    return calendar


def lineage(calendar: WorkCalendar) -> list[WorkCalendar]:
    """The calendar and its ancestors, nearest first."""
    chain, seen = [], set()
    while calendar is not None and calendar.pk not in seen:
        chain.append(calendar)
        seen.add(calendar.pk)
        calendar = calendar.parent
    return chain


def descendants(calendar: WorkCalendar) -> list[WorkCalendar]:
    found, frontier = [], [calendar]
    while frontier:
        children = list(
            WorkCalendar.objects.filter(parent__in=frontier).exclude(pk__in=[c.pk for c in found])
        )
        found += children
        frontier = children
    return found


def schedule_for(calendar: WorkCalendar) -> Schedule:
    """The calendar's working hours and listed days, its own entries overriding its ancestors'."""
    chain = lineage(calendar)
    hours = next((c.working_hours for c in chain if c.working_hours), DEFAULT_WORKING_HOURS)
    days: dict[date, tuple[str, str]] = {}
    rank = {c.pk: i for i, c in enumerate(chain)}
    entries = CalendarDay.objects.filter(calendar__in=chain).values_list(
        "calendar_id", "date", "kind", "name"
    )
    for _calendar, day, kind, name in sorted(entries, key=lambda e: -rank[e[0]]):
        days[day] = (kind, name)  # nearer calendars come last and win
    return Schedule(periods=parse_periods(hours), days=days)


def years_without_data(calendar: WorkCalendar, years) -> list[int]:
    """Of `years`, those for which neither the calendar nor its ancestors list a single day."""
    listed = set(
        CalendarDay.objects.filter(calendar__in=lineage(calendar), date__year__in=list(years))
        .values_list("date__year", flat=True)
        .distinct()
    )
    return [year for year in years if year not in listed]


MAX_WORKING_DAYS = 366
FROM_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


class DeadlineInputError(ValueError):
    """Input a person typed that cannot give a deadline; the message says why, in Chinese."""


def parse_from(text: str):
    """'2022-09-30 16:00' (Asia/Shanghai) or an ISO datetime with an offset."""
    from datetime import datetime

    from .working_time import SHANGHAI

    text = (text or "").strip()[:40]
    if not text:
        raise DeadlineInputError("请填写起始时间，如 2022-09-30 16:00。")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for fmt in FROM_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        raise DeadlineInputError("起始时间格式不正确，应写成 2022-09-30 16:00。")
    if not 2000 <= moment.year <= 2100:
        raise DeadlineInputError("起始时间须在 2000 年至 2100 年之间。")
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def working_duration(schedule: Schedule, working_days=None, working_hours=None):
    """The duration N working days or N working hours stand for; exactly one must be given, positive."""
    from datetime import timedelta

    if (working_days is None) == (working_hours is None):
        raise DeadlineInputError("请填写工作日数或工作小时数（二者选一）。")
    value = working_days if working_days is not None else working_hours
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DeadlineInputError("时长不是有效的数字。") from None
    if not 0 < number <= (MAX_WORKING_DAYS if working_days is not None else MAX_WORKING_DAYS * 24):
        raise DeadlineInputError(f"时长须大于 0 且不超过 {MAX_WORKING_DAYS} 个工作日。")
    if working_days is not None:
        return schedule.day_length * number
    return timedelta(hours=number)


def compute_deadline(calendar: WorkCalendar, given, *, working_days=None, working_hours=None):
    from .working_time import add_working_time

    schedule = schedule_for(calendar)
    return add_working_time(schedule, given, working_duration(schedule, working_days, working_hours))


def deadline_json(deadline, calendar: WorkCalendar) -> dict:
    """The contract of `huimin deadline --json` and GET /api/v1/calendar/deadline."""
    from django.utils import timezone

    return {
        "from": timezone.localtime(deadline.given).isoformat(),
        "due": timezone.localtime(deadline.due).isoformat(),
        "clock_started": timezone.localtime(deadline.start).isoformat(),
        "working_hours": round(deadline.duration.total_seconds() / 3600, 4),
        "calendar": {"slug": calendar.slug, "name": calendar.name},
        "skipped": [day.as_dict() for day in deadline.skipped],
        "makeup_days": [{"date": day.isoformat(), "name": name} for day, name in deadline.makeup_days],
    }
