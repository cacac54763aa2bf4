"""The 条例's time limits on the real working calendar (the default calendar, seeded from the national holiday
data): the receipt day, 20 working days, the clock stopped during 补正 and restarted from the correction's
receipt, the extension, holidays and make-up working days (调休上班), levels, answering in time and the
reminders. Every clock is pinned: `now=` is passed to each service, nothing reads today's date."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import ModelLogEntry, Page, Site

from huimin.disclosure import services
from huimin.disclosure.enums import Level, State
from huimin.disclosure.models import Application
from huimin.disclosure.tests.factories import apply, at
from huimin.sites.models import OrgUnit
from huimin.workdays.queries import default_calendar, schedule_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    """A site and a unit of its own, and a platform administrator (who may do every step)."""
    site = Site.objects.create(hostname="gk.localhost", port=80, root_page=Page.get_first_root_node())
    unit = OrgUnit.objects.create(name="宿迁市时限测试局", kind="dept_tier1")
    admin = get_user_model().objects.create_superuser("gk-deadline-admin", "gk-admin@example.com")
    # Only this test's applications: a worker that built the demo for other tests holds its applications
    # in the same database (rolled back with the test).
    Application.objects.all().delete()
    return {"site": site, "unit": unit, "admin": admin}


def new(place, when: str) -> Application:
    application, _ = apply(place["site"], place["unit"], at(when))
    return application


def test_the_default_calendar_carries_the_2026_national_day_and_its_make_up_days():
    plan = schedule_for(default_calendar())
    assert not any(plan.is_working_day(date(2026, 10, day)) for day in range(1, 8))
    assert not plan.is_working_day(date(2026, 9, 25))  # 中秋节, a Friday
    assert plan.is_working_day(date(2026, 10, 10))  # Saturday, 调休上班
    assert plan.is_working_day(date(2026, 9, 20))  # Sunday, 调休上班
    assert not plan.is_working_day(date(2026, 10, 11))


@pytest.mark.parametrize(
    ("submitted", "received", "due"),
    [
        ("2026-11-02 09:00", "2026-11-02", "2026-11-30"),  # Monday, in working hours: that day
        ("2026-11-02 17:29", "2026-11-02", "2026-11-30"),
        ("2026-11-02 07:00", "2026-11-02", "2026-11-30"),  # before the day's work starts: that day
        ("2026-11-02 12:30", "2026-11-02", "2026-11-30"),  # in the lunch break: that day
        ("2026-11-02 17:30", "2026-11-03", "2026-12-01"),  # the moment work ends: the next working day
        ("2026-11-02 20:00", "2026-11-03", "2026-12-01"),  # at night
        ("2026-11-07 10:00", "2026-11-09", "2026-12-07"),  # Saturday: Monday
        ("2026-11-08 23:59", "2026-11-09", "2026-12-07"),  # Sunday night
        ("2026-10-03 10:00", "2026-10-08", "2026-11-04"),  # 国庆 holiday: the first working day after
        ("2026-09-30 20:00", "2026-10-08", "2026-11-04"),  # the evening before the holiday
        ("2026-09-30 09:00", "2026-09-30", "2026-11-03"),  # the make-up Saturday 10-10 is counted
        ("2026-10-09 18:00", "2026-10-10", "2026-11-06"),  # Friday night: the make-up Saturday receives it
        ("2026-10-10 10:00", "2026-10-10", "2026-11-06"),  # on the make-up Saturday itself
        ("2026-09-19 10:00", "2026-09-20", "2026-10-23"),  # Saturday before the make-up Sunday 09-20
        ("2026-09-01 10:00", "2026-09-01", "2026-09-29"),  # over 中秋节 (09-25) and the make-up 09-20
    ],
)
def test_receipt_day_and_the_twentieth_working_day(place, submitted, received, due):
    application = new(place, submitted)
    assert application.received_on == date.fromisoformat(received)
    assert application.due_on == date.fromisoformat(due)
    assert Application.objects.get(pk=application.pk).due_on == date.fromisoformat(due)


def test_a_utc_moment_is_read_in_shanghai_time(place):
    from datetime import UTC, datetime

    application, _ = apply(place["site"], place["unit"], datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    assert application.received_on == date(2026, 11, 3)  # 18:00 in Shanghai: after work


def test_correction_stops_the_clock_and_restarts_it_from_the_correction(place):
    application = new(place, "2026-11-02 09:00")
    application = services.ask_correction(
        application, "请写明文件名称。", actor=place["admin"], now=at("2026-11-04 10:00")
    )
    assert application.due_on is None
    assert application.correction_due == date(2026, 11, 25)  # 15 working days after 11-04
    # Long past the first time limit, still nothing is late while the applicant is asked.
    for when in ("2026-11-10 09:00", "2026-11-25 17:00"):
        assert services.days_left(application, at(when)) is None
        assert services.level(application, at(when)) == Level.NORMAL
    application = services.submit_correction(application, "文件名称为……", now=at("2026-11-06 10:00"))
    assert application.corrected_on == date(2026, 11, 6) and application.received_on == date(2026, 11, 2)
    assert application.due_on == date(2026, 12, 4)  # 20 working days from the correction's receipt


@pytest.mark.parametrize(
    ("corrected", "received", "due"),
    [
        ("2026-11-05 21:00", "2026-11-06", "2026-12-04"),  # at night: the next working day
        ("2026-11-07 11:00", "2026-11-09", "2026-12-07"),  # on a Saturday: Monday
        ("2026-11-09 07:30", "2026-11-09", "2026-12-07"),  # early on Monday: Monday
    ],
)
def test_a_correction_outside_working_time_is_received_on_the_next_working_day(
    place, corrected, received, due
):
    application = new(place, "2026-11-02 09:00")
    application = services.ask_correction(
        application, "请写明年份。", actor=place["admin"], now=at("2026-11-03 09:00")
    )
    application = services.submit_correction(application, "2025年。", now=at(corrected))
    assert application.corrected_on == date.fromisoformat(received)
    assert application.due_on == date.fromisoformat(due)


def test_an_extension_adds_working_days_over_holidays_and_make_up_days(place):
    application = new(place, "2026-09-01 10:00")
    assert application.due_on == date(2026, 9, 29)
    application = services.extend(
        application, 5, "需要征求第三方意见", actor=place["admin"], now=at("2026-09-21 09:00")
    )
    assert application.due_on == date(2026, 10, 12)  # 09-30, 10-08, 10-09, 10-10 (调休), 10-12


def test_an_extension_after_a_correction_counts_from_the_correction(place):
    application = new(place, "2026-11-02 09:00")
    application = services.ask_correction(
        application, "请写明年份。", actor=place["admin"], now=at("2026-11-03 09:00")
    )
    application = services.submit_correction(application, "2025年。", now=at("2026-11-06 10:00"))
    application = services.extend(
        application, 10, "需要调取档案", actor=place["admin"], now=at("2026-11-20 09:00")
    )
    assert application.due_on == date(2026, 12, 18)  # 30 working days after 11-06
    plan = schedule_for(application.calendar)
    assert services.days_left(application, at("2026-11-06 10:00"), plan) == 30


@pytest.mark.parametrize(
    ("when", "left", "found"),
    [
        ("2026-11-19 09:00", 7, Level.NORMAL),
        ("2026-11-20 09:00", 6, Level.NORMAL),
        ("2026-11-23 09:00", 5, Level.WARNING),  # 5 working days left: near its limit
        ("2026-11-21 12:00", 6, Level.NORMAL),  # a Saturday counts like the Friday before it
        ("2026-11-27 16:00", 1, Level.WARNING),
        ("2026-11-30 17:29", 0, Level.WARNING),  # the last day
        ("2026-11-30 23:00", 0, Level.WARNING),
        ("2026-12-01 08:00", -1, Level.OVERDUE),
        ("2026-12-05 08:00", -4, Level.OVERDUE),  # a Saturday after: late by the working days passed
    ],
)
def test_days_left_and_level(place, when, left, found):
    application = new(place, "2026-11-02 09:00")  # due 2026-11-30
    assert services.days_left(application, at(when)) == left
    assert services.level(application, at(when)) == found


def test_levels_do_not_count_for_finished_applications(place):
    application = new(place, "2026-11-02 09:00")
    application = services.withdraw(application, now=at("2026-11-03 09:00"))
    assert services.days_left(application, at("2026-12-10 09:00")) is None
    assert services.level(application, at("2026-12-10 09:00")) == Level.NORMAL


def _answer(place, application, when):
    admin = place["admin"]
    application = services.draft_answer(
        application, actor=admin, answer="withhold", ground="state_secret", text="该信息属于国家秘密。",
        now=at(when),
    )  # fmt: skip
    return services.sign_off(application, actor=admin, now=at(when))


def test_answered_in_time_on_the_last_day_even_after_hours(place):
    application = _answer(place, new(place, "2026-11-02 09:00"), "2026-11-30 20:00")
    assert application.state == State.ANSWERED and services.answered_in_time(application) is True
    assert "已超过答复期限" not in application.events.last().public_note
    assert services.days_left(application, at("2026-12-10 09:00")) is None


def test_answered_late(place):
    application = _answer(place, new(place, "2026-11-02 09:00"), "2026-12-01 09:00")
    assert services.answered_in_time(application) is False
    assert application.events.last().public_note.endswith("（已超过答复期限）")


def test_answered_in_time_is_unknown_until_answered(place):
    application = new(place, "2026-11-02 09:00")
    assert services.answered_in_time(application) is None
    application = services.withdraw(application, now=at("2026-11-03 09:00"))
    assert services.answered_in_time(application) is None


def test_the_clock_stop_is_kept_in_answered_in_time(place):
    """Answered after the first limit but within the limit restarted by the correction: in time."""
    application = new(place, "2026-11-02 09:00")
    application = services.ask_correction(
        application, "请写明年份。", actor=place["admin"], now=at("2026-11-03 09:00")
    )
    application = services.submit_correction(application, "2025年。", now=at("2026-11-16 09:00"))
    assert application.due_on == date(2026, 12, 14)
    application = _answer(place, application, "2026-12-10 10:00")
    assert services.answered_in_time(application) is True


def _reminders(application) -> list:
    return list(
        ModelLogEntry.objects.filter(object_id=str(application.pk), action="huimin_disclosure.remind")
        .order_by("pk")
        .values_list("data", flat=True)
    )


def test_reminders_once_per_level(place):
    application = new(place, "2026-11-02 09:00")  # due 2026-11-30
    assert services.remind(now=at("2026-11-20 09:00")) == 0
    assert services.remind(now=at("2026-11-23 09:00")) == 1
    assert Application.objects.get(pk=application.pk).reminded_level == Level.WARNING
    assert services.remind(now=at("2026-11-23 09:05")) == 0  # run twice: nothing more
    assert services.remind(now=at("2026-11-27 09:00")) == 0  # still the same level
    assert services.remind(now=at("2026-12-01 09:00")) == 1
    assert services.remind(now=at("2026-12-02 09:00")) == 0
    assert Application.objects.get(pk=application.pk).reminded_level == Level.OVERDUE
    assert [entry["status"] for entry in _reminders(application)] == [Level.WARNING, Level.OVERDUE]


def test_no_reminder_while_the_clock_stands_still_or_after_the_end(place):
    waiting = new(place, "2026-11-02 09:00")
    services.ask_correction(waiting, "请写明年份。", actor=place["admin"], now=at("2026-11-03 09:00"))
    done = services.withdraw(new(place, "2026-11-02 09:00"), now=at("2026-11-03 09:00"))
    assert services.remind(now=at("2026-12-10 09:00")) == 0
    assert _reminders(waiting) == [] and _reminders(done) == []


def test_abandon_uncorrected_is_idempotent_on_the_calendar(place):
    application = new(place, "2026-09-28 09:00")
    application = services.ask_correction(
        application, "请写明年份。", actor=place["admin"], days=3, now=at("2026-09-29 09:00")
    )
    assert application.correction_due == date(2026, 10, 9)  # 09-30, then the holiday, 10-08, 10-09
    assert services.abandon_uncorrected(now=at("2026-10-07 12:00")) == 0
    assert services.abandon_uncorrected(now=at("2026-10-09 20:00")) == 0
    assert services.abandon_uncorrected(now=at("2026-10-10 00:01")) == 1
    assert services.abandon_uncorrected(now=at("2026-10-10 00:02")) == 0
    application.refresh_from_db()
    assert application.state == State.ABANDONED and application.closed_at == at("2026-10-10 00:01")
    assert application.events.filter(action="abandon").count() == 1
