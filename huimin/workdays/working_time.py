"""Working-time arithmetic: pure functions over a `Schedule`, no database.

A day is a working day if it is a listed make-up working day (调休上班), or a Monday–Friday not listed as a
holiday. Time counts only inside the working periods of working days. A "working day" as a duration is the
length of one full working day of the schedule (7 hours for 08:30–12:00 and 14:00–17:30).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .enums import WEEKDAY_NAMES, DayKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 3 * 366  # no deadline reaches further than this; a longer walk means a calendar without workdays


class NoWorkingTime(ValueError):
    """The schedule has no working time within reach (e.g. every day a holiday)."""


@dataclass(frozen=True)
class Schedule:
    periods: tuple[tuple[time, time], ...]
    days: dict[date, tuple[str, str]] = field(default_factory=dict)  # date -> (DayKind, name)

    @property
    def day_length(self) -> timedelta:
        return sum((_span(start, end) for start, end in self.periods), timedelta())

    def is_working_day(self, day: date) -> bool:
        kind = self.days.get(day, (None, ""))[0]
        if kind == DayKind.WORKDAY:
            return True
        if kind == DayKind.HOLIDAY:
            return False
        return day.weekday() < 5

    def periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, start, SHANGHAI), datetime.combine(day, end, SHANGHAI))
            for start, end in self.periods
        ]


@dataclass(frozen=True)
class SkippedDay:
    date: date
    kind: str  # "holiday" or "weekend"
    name: str

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "kind": self.kind, "name": self.name}


@dataclass(frozen=True)
class Deadline:
    start: datetime  # when the clock started (the next start of working time at or after `given`)
    given: datetime
    duration: timedelta
    due: datetime
    skipped: list[SkippedDay]
    makeup_days: list[tuple[date, str]]


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


def parse_periods(text: str) -> tuple[tuple[time, time], ...]:
    """'08:30-12:00,14:00-17:30' -> periods; ValueError with a Chinese message when malformed."""
    periods = []
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        try:
            start_text, end_text = (s.strip() for s in part.replace("－", "-").replace("~", "-").split("-"))
            start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
        except ValueError:
            raise ValueError(f"“{part}”不是有效的时段，应写成 08:30-12:00。") from None
        if start >= end:
            raise ValueError(f"时段“{part}”的结束时间须晚于开始时间。")
        if periods and start < periods[-1][1]:
            raise ValueError(f"时段“{part}”与前一时段重叠或顺序颠倒。")
        periods.append((start, end))
    if not periods:
        raise ValueError("至少需要一个工作时段。")
    return tuple(periods)


def _skipped(schedule: Schedule, day: date) -> SkippedDay:
    kind, name = schedule.days.get(day, (None, ""))
    if kind == DayKind.HOLIDAY:
        return SkippedDay(day, "holiday", name or "节假日")
    return SkippedDay(day, "weekend", WEEKDAY_NAMES[day.weekday()])


def add_working_time(schedule: Schedule, given: datetime, duration: timedelta) -> Deadline:
    """When `duration` of working time has passed after `given`, and which days were skipped or worked."""
    if given.tzinfo is None:
        raise ValueError("起始时间必须带时区。")
    if duration < timedelta(0):
        raise ValueError("时长不能为负。")
    moment = given.astimezone(SHANGHAI)
    remaining = duration
    skipped: list[SkippedDay] = []
    makeup: list[tuple[date, str]] = []
    start = None
    day = moment.date()
    for _ in range(MAX_DAYS):
        periods = schedule.periods_on(day)
        if not periods:
            skipped.append(_skipped(schedule, day))
        elif schedule.days.get(day, (None,))[0] == DayKind.WORKDAY:
            makeup.append((day, schedule.days[day][1]))
        for begin, end in periods:
            if end <= moment:
                continue
            begin = max(begin, moment)
            if start is None:
                start = begin
            if remaining <= end - begin:
                due = begin + remaining
                used = [d for d in makeup if d[0] <= due.date()]
                return Deadline(start, given, duration, due, skipped, used)
            remaining -= end - begin
        day += timedelta(days=1)
    raise NoWorkingTime("三年内没有足够的工作时间，请检查工作日历。")


def working_time_between(schedule: Schedule, begin: datetime, end: datetime) -> timedelta:
    """The working time inside [begin, end) (zero if end is not after begin)."""
    total = timedelta()
    begin, end = begin.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    day = begin.date()
    while day <= end.date():
        for a, b in schedule.periods_on(day):
            overlap = min(b, end) - max(a, begin)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def receipt_day(schedule: Schedule, moment: datetime) -> date:
    """The day something received at `moment` counts as received: the day working time next runs at or
    after it. That day if it arrived inside a working period of a working day, or before its last period
    ends (early in the morning, in the lunch break); else the next working day (an application sent in the
    evening, on a weekend or a holiday is received on the first working day after)."""
    if moment.tzinfo is None:
        raise ValueError("时间必须带时区。")
    moment = moment.astimezone(SHANGHAI)
    day = moment.date()
    if any(moment < end for _, end in schedule.periods_on(day)):
        return day
    day += timedelta(days=1)
    for _ in range(MAX_DAYS):
        if schedule.is_working_day(day):
            return day
        day += timedelta(days=1)
    raise NoWorkingTime("三年内没有工作日，请检查工作日历。")


def add_working_days(schedule: Schedule, day: date, count: int) -> date:
    """The `count`-th working day after `day` (the day after is the first one counted, as time limits in
    working days are counted: "自收到申请之日起20个工作日内" ends on the 20th working day after receipt)."""
    if count < 0:
        raise ValueError("工作日数不能为负。")
    for _ in range(MAX_DAYS):
        if count == 0:
            return day
        day += timedelta(days=1)
        if schedule.is_working_day(day):
            count -= 1
    raise NoWorkingTime("三年内没有足够的工作日，请检查工作日历。")


def working_days_between(schedule: Schedule, start: date, end: date) -> int:
    """How many working days are after `start` up to and including `end` (negative when `end` is before
    `start`: the working days from `end` up to `start`, as a count of days late or left)."""
    sign, low, high = (1, start, end) if end >= start else (-1, end, start)
    count, day = 0, low
    while day < high:
        day += timedelta(days=1)
        count += schedule.is_working_day(day)
    return sign * count


def end_of_day(schedule: Schedule, day: date) -> datetime:
    """The end of the last working period of `day` (the moment a time limit ending that day runs out)."""
    periods = schedule.periods_on(day) or [(None, datetime.combine(day, schedule.periods[-1][1], SHANGHAI))]
    return periods[-1][1]


def package_days() -> dict[date, tuple[str, str]]:
    """The holidays and make-up working days the `chinesecalendar` package carries (2004–2026), named in
    Chinese: the seed of the default calendar."""
    import chinese_calendar

    names = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    days = {
        day: (DayKind.HOLIDAY, names.get(value, "节假日")) for day, value in chinese_calendar.holidays.items()
    }
    for day, value in chinese_calendar.workdays.items():
        days[day] = (DayKind.WORKDAY, f"{names.get(value, '节假日')}调休")
    return days
