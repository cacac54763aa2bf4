"""Every write to the working calendars goes through these functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.log_actions import log

from .enums import DayKind
from .models import CalendarDay, WorkCalendar
from .notice import Arrangement, parse_notice
from .queries import descendants
from .signals import calendar_changed
from .working_time import package_days

DENIED = "只有平台管理员可以修改工作日历。"


def _check(actor) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(DENIED)


@dataclass(frozen=True)
class YearResult:
    year: int
    holidays: int
    makeup_days: int
    removed: int


@transaction.atomic
def set_year(calendar: WorkCalendar, year: int, arrangements: list[Arrangement], *, actor=None) -> YearResult:
    """Make the calendar's listed days of `year` exactly the given arrangements (a year's notice)."""
    _check(actor)
    wanted: dict[date, tuple[str, str]] = {}
    for item in arrangements:
        for day in item.holidays:
            wanted[day] = (DayKind.HOLIDAY, item.name)
        for day in item.makeup_days:
            wanted[day] = (DayKind.WORKDAY, f"{item.name}调休")
    removed, _ = calendar.days.filter(date__year=year).exclude(date__in=list(wanted)).delete()
    existing = {entry.date: entry for entry in calendar.days.filter(date__in=list(wanted))}
    changed = []
    for day, (kind, name) in wanted.items():
        entry = existing.get(day)
        if entry is None:
            changed.append(CalendarDay(calendar=calendar, date=day, kind=kind, name=name))
        elif (entry.kind, entry.name) != (kind, name):
            entry.kind, entry.name = kind, name
            entry.save(update_fields=["kind", "name"])
    CalendarDay.objects.bulk_create(changed)
    result = YearResult(
        year=year,
        holidays=sum(1 for kind, _ in wanted.values() if kind == DayKind.HOLIDAY),
        makeup_days=sum(1 for kind, _ in wanted.values() if kind == DayKind.WORKDAY),
        removed=removed,
    )
    log(instance=calendar, action="huimin.calendar.year", user=actor, data=result.__dict__)
    _changed(calendar, {year} | {day.year for day in wanted})
    return result


def import_notice(calendar: WorkCalendar, year: int, text: str, *, actor=None) -> YearResult:
    """Parse a year's notice as typed by an operator (`notice.py`) and store it; NoticeError if invalid."""
    _check(actor)
    return set_year(calendar, year, parse_notice(text, year), actor=actor)


@transaction.atomic
def seed_from_package(calendar: WorkCalendar, years=None, *, actor=None) -> int:
    """List the holidays and make-up days the `chinesecalendar` package knows (2004–2026) in a calendar,
    for the years it has no entries for yet. Returns how many days were added."""
    _check(actor)
    known = package_days()
    taken = set(calendar.days.values_list("date__year", flat=True).distinct())
    wanted_years = set(years) if years is not None else {day.year for day in known}
    rows = [
        CalendarDay(calendar=calendar, date=day, kind=kind, name=name)
        for day, (kind, name) in sorted(known.items())
        if day.year in wanted_years and day.year not in taken
    ]
    CalendarDay.objects.bulk_create(rows, batch_size=500)
    if rows:
        log(instance=calendar, action="huimin.calendar.seed", user=actor, data={"days": len(rows)})
        _changed(calendar, {row.date.year for row in rows})
    return len(rows)


def _changed(calendar: WorkCalendar, years) -> None:
    years = set(years)
    transaction.on_commit(lambda: calendar_changed.send(sender=WorkCalendar, calendar=calendar, years=years))


@transaction.atomic
def save_calendar(calendar: WorkCalendar, *, actor=None) -> WorkCalendar:
    """Create or change a calendar (name, parent, working hours, default). Changing hours or parent changes
    every deadline counted on it and on the calendars inheriting from it."""
    _check(actor)
    calendar.full_clean()
    created = calendar.pk is None
    if calendar.is_default:
        WorkCalendar.objects.exclude(pk=calendar.pk).filter(is_default=True).update(is_default=False)
    calendar.save()
    log(instance=calendar, action="wagtail.create" if created else "wagtail.edit", user=actor)
    if not created:
        for affected in [calendar, *descendants(calendar)]:
            _changed(affected, {day.year for day in affected.days.dates("date", "year")})
    return calendar


@transaction.atomic
def delete_calendar(calendar: WorkCalendar, *, actor=None) -> None:
    _check(actor)
    if calendar.is_default:
        raise PermissionDenied("默认日历不能删除；请先把另一个日历设为默认。")
    if calendar.children.exists():
        raise PermissionDenied("还有日历继承自它，请先修改或删除那些日历。")
    log(instance=calendar, action="wagtail.delete", user=actor)
    calendar.delete()


@transaction.atomic
def save_day(day: CalendarDay, *, actor=None) -> CalendarDay:
    """List or change one date of a calendar."""
    _check(actor)
    day.full_clean()
    years = {day.date.year}
    if day.pk:
        years.add(CalendarDay.objects.get(pk=day.pk).date.year)
    day.save()
    log(instance=day.calendar, action="huimin.calendar.day", user=actor, data={"date": day.date.isoformat()})
    _changed(day.calendar, years)
    return day


@transaction.atomic
def delete_day(day: CalendarDay, *, actor=None) -> None:
    _check(actor)
    log(
        instance=day.calendar,
        action="huimin.calendar.day",
        user=actor,
        data={"removed": day.date.isoformat()},
    )
    _changed(day.calendar, {day.date.year})
    day.delete()
