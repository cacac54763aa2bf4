"""Calendars as data: the seeded city calendar, a county's overrides, a year's notice, the warning check."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from huimin.workdays import checks
from huimin.workdays.enums import DayKind
from huimin.workdays.models import CalendarDay, WorkCalendar
from huimin.workdays.notice import NoticeError, parse_notice
from huimin.workdays.queries import default_calendar, schedule_for, years_without_data
from huimin.workdays.services import import_notice, seed_from_package
from huimin.workdays.signals import calendar_changed
from huimin.workdays.working_time import SHANGHAI, add_working_time

pytestmark = pytest.mark.django_db

NOTICE_2027 = """
元旦 2027-01-01~2027-01-03
春节 2027年2月6日 至 2027年2月13日 调休 2027-02-14，2027-02-20
国庆节 2027/10/01～2027/10/07 调休上班：2027-09-26、2027-10-09
"""


def test_the_city_calendar_is_the_default_and_carries_2004_to_2026():
    city = default_calendar()
    assert city.slug == "suqian" and city.is_default
    assert years_without_data(city, range(2004, 2027)) == []
    assert CalendarDay.objects.get(calendar=city, date=date(2022, 10, 8)).kind == DayKind.WORKDAY
    assert years_without_data(city, [2027]) == [2027]


def test_a_county_calendar_inherits_and_overrides_its_parent():
    city = default_calendar()
    county = WorkCalendar.objects.create(name="沭阳县工作日历", slug="shuyang", parent=city)
    CalendarDay.objects.create(calendar=county, date=date(2026, 11, 23), kind=DayKind.HOLIDAY, name="县庆")
    schedule = schedule_for(county)
    assert not schedule.is_working_day(date(2026, 11, 23))
    assert schedule_for(city).is_working_day(date(2026, 11, 23))
    assert not schedule.is_working_day(date(2026, 2, 16))  # the city's Spring Festival still applies
    assert schedule.periods == schedule_for(city).periods
    county.working_hours = "09:00-12:00,13:30-17:30"
    county.save()
    assert schedule_for(county).day_length.total_seconds() == 7 * 3600


def test_a_calendar_cannot_inherit_from_itself_through_a_cycle():
    city = default_calendar()
    county = WorkCalendar.objects.create(name="某县", slug="mouxian", parent=city)
    city.parent = county
    with pytest.raises(ValidationError):
        city.full_clean()


def test_a_make_up_day_must_fall_on_a_weekend():
    day = CalendarDay(calendar=default_calendar(), date=date(2027, 3, 3), kind=DayKind.WORKDAY, name="调休")
    with pytest.raises(ValidationError):
        day.full_clean()


def test_a_years_notice_entered_in_one_form_becomes_data_and_announces_the_change(django_user_model):
    admin = django_user_model.objects.create_superuser("calendar-admin", password="not-used-here")
    seen = []
    calendar_changed.connect(lambda sender, calendar, years, **kw: seen.append(sorted(years)), weak=False)
    city = default_calendar()
    result = import_notice(city, 2027, NOTICE_2027, actor=admin)
    assert (result.holidays, result.makeup_days) == (3 + 8 + 7, 4)
    schedule = schedule_for(city)
    assert not schedule.is_working_day(date(2027, 2, 8)) and schedule.is_working_day(date(2027, 2, 20))
    assert years_without_data(city, [2027]) == []
    assert ModelLogEntry.objects.filter(action="huimin.calendar.year", object_id=str(city.pk)).exists()
    # Entering the year again replaces it: a day dropped from the notice is no longer a holiday.
    import_notice(city, 2027, "元旦 2027-01-01", actor=admin)
    assert schedule_for(city).is_working_day(date(2027, 2, 8))
    due = add_working_time(
        schedule_for(city), datetime(2026, 12, 31, 17, 0, tzinfo=SHANGHAI), schedule.day_length
    )
    assert due.due.date() == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "至少"),
        ("国庆节", "无法识别"),
        ("国庆节 2027-02-30", "不是有效日期"),
        ("国庆节 2027-10-07~2027-10-01", "早于"),
        ("国庆节 2027-10-01~2027-12-01", "不应超过"),
        ("国庆节 2027-10-01 调休 2027-10-13", "不是周六或周日"),
        ("元旦 2027-01-01\n春节 2027-01-01", "已在第 1 行"),
        ("元旦 2031-01-01", "不属于 2027 年"),
        ("<script>alert(1)</script> 2027-01-01", "无法识别"),
        ("'; DROP TABLE huimin_workdays_calendarday; -- 2027-01-01", "无法识别"),
    ],
)
def test_a_broken_notice_is_refused_line_by_line_and_nothing_changes(text, fragment):
    before = CalendarDay.objects.count()
    with pytest.raises(NoticeError) as refused:
        import_notice(default_calendar(), 2027, text)
    assert fragment in str(refused.value)
    assert CalendarDay.objects.count() == before


def test_only_platform_administrators_change_calendars(django_user_model):
    editor = django_user_model.objects.create_user("someone")
    with pytest.raises(PermissionDenied):
        import_notice(default_calendar(), 2027, "元旦 2027-01-01", actor=editor)
    with pytest.raises(PermissionDenied):
        seed_from_package(default_calendar(), actor=editor)


def test_seeding_again_adds_only_years_the_calendar_lacks():
    county = WorkCalendar.objects.create(name="泗洪县工作日历", slug="sihong")
    added = seed_from_package(county)
    assert added == CalendarDay.objects.filter(calendar=default_calendar()).count()
    assert seed_from_package(county) == 0


def test_the_check_warns_while_the_next_year_has_no_holidays():
    now = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    assert checks.missing_years(now) == [2027]
    with time_machine.travel(now):
        warnings = checks.holiday_data(databases=["default"])
    assert [w.id for w in warnings] == ["huimin.W010"] and "2027" in warnings[0].msg
    import_notice(default_calendar(), 2027, "元旦 2027-01-01")
    assert checks.missing_years(now) == []


def test_parsing_accepts_the_ways_dates_are_written():
    arrangements = parse_notice(NOTICE_2027, 2027)
    assert [a.name for a in arrangements] == ["元旦", "春节", "国庆节"]
    assert arrangements[2].makeup_days == [date(2027, 9, 26), date(2027, 10, 9)]
