"""Counting in whole working days, as the 政府信息公开条例 counts its time limits: the receipt day, the n-th
working day after a day, the working days between two days and the end of a day's working time, on the
statutory calendar (holidays and make-up working days of 2026) and on hand-made schedules."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from huimin.workdays.enums import DEFAULT_WORKING_HOURS, DayKind
from huimin.workdays.working_time import (
    SHANGHAI,
    NoWorkingTime,
    Schedule,
    add_working_days,
    end_of_day,
    package_days,
    parse_periods,
    receipt_day,
    working_days_between,
)

SCHEDULE = Schedule(periods=parse_periods(DEFAULT_WORKING_HOURS), days=package_days())
D = date.fromisoformat


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        ("2026-11-02 08:30", "2026-11-02"),  # the first minute of work
        ("2026-11-02 11:59", "2026-11-02"),
        ("2026-11-02 12:00", "2026-11-02"),  # lunch: work resumes the same day
        ("2026-11-02 06:00", "2026-11-02"),  # early morning: the day's work is still to come
        ("2026-11-02 17:29", "2026-11-02"),
        ("2026-11-02 17:30", "2026-11-03"),  # the day's work is over
        ("2026-11-02 23:59", "2026-11-03"),
        ("2026-11-06 18:00", "2026-11-09"),  # Friday evening: Monday
        ("2026-11-07 10:00", "2026-11-09"),  # Saturday
        ("2026-10-01 10:00", "2026-10-08"),  # 国庆节
        ("2026-10-07 23:00", "2026-10-08"),
        ("2026-10-09 20:00", "2026-10-10"),  # the make-up Saturday is a working day
        ("2026-10-10 11:00", "2026-10-10"),
        ("2026-10-10 18:00", "2026-10-12"),  # and the Sunday after it is not
        ("2026-09-24 18:00", "2026-09-28"),  # 中秋节 Friday 09-25, then the weekend
    ],
)
def test_receipt_day(moment, day):
    assert receipt_day(SCHEDULE, at(moment)) == D(day)


def test_receipt_day_reads_any_time_zone_as_shanghai_time():
    assert receipt_day(SCHEDULE, datetime(2026, 11, 2, 1, 0, tzinfo=UTC)) == D("2026-11-02")  # 09:00
    assert receipt_day(SCHEDULE, datetime(2026, 11, 2, 9, 30, tzinfo=UTC)) == D("2026-11-03")  # 17:30
    with pytest.raises(ValueError, match="时区"):
        receipt_day(SCHEDULE, datetime(2026, 11, 2, 9, 0))


@pytest.mark.parametrize(
    ("start", "count", "end"),
    [
        ("2026-11-02", 0, "2026-11-02"),
        ("2026-11-02", 1, "2026-11-03"),
        ("2026-11-06", 1, "2026-11-09"),  # over a weekend
        ("2026-11-07", 1, "2026-11-09"),  # from a Saturday
        ("2026-11-02", 20, "2026-11-30"),
        ("2026-09-30", 1, "2026-10-08"),  # over 国庆节
        ("2026-10-09", 1, "2026-10-10"),  # the make-up Saturday counts
        ("2026-10-09", 2, "2026-10-12"),
        ("2026-09-30", 20, "2026-11-03"),  # with the make-up day counted; without it, 11-04
        ("2026-09-18", 1, "2026-09-20"),  # Friday to the make-up Sunday
        ("2026-09-01", 20, "2026-09-29"),  # over 中秋节 and a make-up day
        ("2026-09-01", 25, "2026-10-12"),
        ("2026-02-13", 1, "2026-02-14"),  # 春节 2026: the make-up Saturday before it
        ("2026-02-14", 1, "2026-02-24"),
    ],
)
def test_the_nth_working_day_after(start, count, end):
    assert add_working_days(SCHEDULE, D(start), count) == D(end)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="不能为负"):
        add_working_days(SCHEDULE, D("2026-11-02"), -1)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2026-11-02", "2026-11-02", 0),
        ("2026-11-02", "2026-11-03", 1),
        ("2026-11-02", "2026-11-30", 20),
        ("2026-11-30", "2026-11-02", -20),
        ("2026-11-06", "2026-11-08", 0),  # only the weekend after
        ("2026-11-07", "2026-11-06", 0),  # a Saturday is no working day after the Friday
        ("2026-11-09", "2026-11-06", -1),
        ("2026-09-30", "2026-10-10", 3),  # 10-08, 10-09 and the make-up 10-10
        ("2026-09-30", "2026-10-07", 0),
        ("2026-11-02", "2026-11-11", 7),  # the 7 working days to ask for a correction
        ("2026-11-02", "2026-11-12", 8),
    ],
)
def test_working_days_between(start, end, count):
    assert working_days_between(SCHEDULE, D(start), D(end)) == count


@pytest.mark.parametrize(("start", "count"), [("2026-09-01", 25), ("2026-11-02", 20), ("2026-10-09", 2)])
def test_counting_is_the_inverse_of_adding(start, count):
    assert working_days_between(SCHEDULE, D(start), add_working_days(SCHEDULE, D(start), count)) == count


def test_end_of_day():
    assert end_of_day(SCHEDULE, D("2026-11-30")) == at("2026-11-30 17:30")
    assert end_of_day(SCHEDULE, D("2026-10-10")) == at("2026-10-10 17:30")
    assert end_of_day(SCHEDULE, D("2026-10-03")) == at("2026-10-03 17:30")  # a holiday: when work would end
    evening = Schedule(periods=parse_periods("09:00-12:00,13:00-21:00"))
    assert end_of_day(evening, D("2026-11-30")) == at("2026-11-30 21:00")
    assert end_of_day(evening, D("2026-11-30")).utcoffset() == timedelta(hours=8)


def test_a_listed_day_overrides_the_weekday():
    schedule = Schedule(
        periods=((time(9), time(17)),),
        days={D("2030-05-01"): (DayKind.HOLIDAY, "劳动节"), D("2030-05-04"): (DayKind.WORKDAY, "劳动节调休")},
    )
    assert add_working_days(schedule, D("2030-04-30"), 1) == D("2030-05-02")  # a Wednesday holiday skipped
    assert add_working_days(schedule, D("2030-05-03"), 1) == D("2030-05-04")  # a Saturday worked
    assert receipt_day(schedule, at("2030-05-01 10:00")) == D("2030-05-02")
    assert working_days_between(schedule, D("2030-04-30"), D("2030-05-06")) == 4


def test_a_calendar_without_working_days_is_refused_clearly():
    every_day = {D("2030-01-01") + timedelta(days=i): (DayKind.HOLIDAY, "假") for i in range(4 * 366)}
    schedule = Schedule(periods=parse_periods(DEFAULT_WORKING_HOURS), days=every_day)
    with pytest.raises(NoWorkingTime, match="工作日"):
        add_working_days(schedule, D("2030-01-01"), 1)
    with pytest.raises(NoWorkingTime, match="工作日"):
        receipt_day(schedule, at("2030-01-01 10:00"))
