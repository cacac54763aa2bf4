"""Working-time arithmetic on the statutory calendar (the checks of STANDARDS §5 and the issue's example)."""

from datetime import date, datetime, timedelta

import pytest

from huimin.workdays.enums import DEFAULT_WORKING_HOURS
from huimin.workdays.working_time import (
    SHANGHAI,
    NoWorkingTime,
    Schedule,
    add_working_time,
    package_days,
    parse_periods,
    working_time_between,
)

SCHEDULE = Schedule(periods=parse_periods(DEFAULT_WORKING_HOURS), days=package_days())
DAY = SCHEDULE.day_length


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2022-10-08", True),  # Saturday, make-up day
        ("2022-10-09", True),  # Sunday, make-up day
        ("2022-10-07", False),
        ("2023-06-25", True),
        ("2023-09-29", False),
        ("2023-10-06", False),
        ("2023-10-07", True),
        ("2023-10-08", True),
        ("2024-02-09", True),  # 除夕, a Friday, was a working day
        ("2025-01-28", False),
        ("2026-02-14", True),
        ("2026-02-28", True),
        ("2026-02-15", False),
        ("2026-02-23", False),
        ("2026-11-21", False),  # an ordinary Saturday
        ("2026-11-23", True),  # an ordinary Monday
    ],
)
def test_the_statutory_working_days(day, working):
    assert SCHEDULE.is_working_day(date.fromisoformat(day)) is working


def test_a_working_day_is_one_full_day_of_working_hours():
    assert SCHEDULE.day_length.total_seconds() == 7 * 3600


def test_friday_before_national_day_is_due_on_the_make_up_saturday():
    result = add_working_time(SCHEDULE, at("2022-09-30 16:00"), DAY)
    assert result.due == at("2022-10-08 16:00")
    assert [d.date for d in result.skipped] == [date(2022, 10, i) for i in range(1, 8)]
    assert {d.name for d in result.skipped if d.kind == "holiday"} == {"国庆节"}
    assert [d for d, _ in result.makeup_days] == [date(2022, 10, 8)]


@pytest.mark.parametrize(
    ("given", "duration", "due"),
    [
        ("2026-11-23 07:00", timedelta(hours=1), "2026-11-23 09:30"),  # before hours: clock starts 08:30
        ("2026-11-23 12:30", timedelta(hours=1), "2026-11-23 15:00"),  # lunch break
        ("2026-11-23 11:30", timedelta(hours=1), "2026-11-23 14:30"),  # across lunch
        ("2026-11-23 17:00", timedelta(hours=1), "2026-11-24 09:00"),  # across the night
        ("2026-11-20 17:00", timedelta(hours=1), "2026-11-23 09:00"),  # across a weekend
        ("2026-11-23 19:00", timedelta(0), "2026-11-24 08:30"),  # nothing to count: next start of work
        ("2026-11-23 08:30", timedelta(hours=3, minutes=30), "2026-11-23 12:00"),  # ends with a period
        ("2026-11-23 08:30", 5 * DAY, "2026-11-27 17:30"),
    ],
)
def test_the_clock_runs_only_inside_working_hours(given, duration, due):
    assert add_working_time(SCHEDULE, at(given), duration).due == at(due)


def test_elapsed_working_time_is_the_inverse_of_adding_it():
    start = at("2023-09-27 10:15")
    for hours in (1, 7, 13.5, 35, 70):
        due = add_working_time(SCHEDULE, start, timedelta(hours=hours)).due
        assert working_time_between(SCHEDULE, start, due) == timedelta(hours=hours)


def test_a_calendar_without_working_days_is_refused_clearly():
    every_day_off = Schedule(
        periods=SCHEDULE.periods,
        days={date(2030, 1, 1) + timedelta(days=i): ("holiday", "停工") for i in range(4 * 366)},
    )
    with pytest.raises(NoWorkingTime):
        add_working_time(every_day_off, at("2030-01-01 09:00"), DAY)


@pytest.mark.parametrize("text", ["", "8-12", "12:00-08:30", "08:30-12:00,11:00-13:00", "早上-中午"])
def test_malformed_working_hours_are_refused_in_chinese(text):
    with pytest.raises(ValueError, match=r"[\u4e00-\u9fff]"):
        parse_periods(text)
