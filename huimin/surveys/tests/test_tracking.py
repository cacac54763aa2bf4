"""The rule "结果反馈 within one month after closing" per activity (due date, awaiting, overdue, on time,
late) and the yearly count of activities per site against 6 (county and function-area portals) or 3 (other
sites), with the clock given."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from wagtail.models import Site

from huimin.surveys import queries, services
from huimin.surveys.enums import FeedbackStatus, SurveyState
from huimin.surveys.rules import parse, rules

from .factories import DAY, NOW, WEEK, make_survey, survey_column

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def at_demo_time(demo):
    with time_machine.travel(NOW, tick=False):
        yield


def closed(days_ago: int, column=None, **kwargs):
    closes = NOW - timedelta(days=days_ago)
    return make_survey(column, opens_at=closes - WEEK, closes_at=closes, **kwargs)


def test_the_due_date_is_the_same_moment_a_calendar_month_after_closing():
    assert queries.months_after(datetime(2026, 1, 31, 17, 30, tzinfo=SHANGHAI), 1) == datetime(
        2026, 2, 28, 17, 30, tzinfo=SHANGHAI
    )
    assert queries.months_after(datetime(2026, 12, 15, tzinfo=SHANGHAI), 1) == datetime(
        2027, 1, 15, tzinfo=SHANGHAI
    )
    assert queries.months_after(datetime(2026, 3, 31, tzinfo=SHANGHAI), -12) == datetime(
        2025, 3, 31, tzinfo=SHANGHAI
    )
    survey = closed(3)
    assert queries.feedback_due(survey) == queries.months_after(survey.closes_at, 1)


def test_an_activity_moves_from_awaiting_to_overdue_when_its_month_passes():
    survey = closed(3)
    due = queries.feedback_due(survey)
    assert queries.tracking(survey, survey.closes_at - DAY).status == FeedbackStatus.NOT_ENDED
    awaiting = queries.tracking(survey, due - timedelta(seconds=1))
    assert (
        awaiting.status == FeedbackStatus.AWAITING
        and awaiting.days_left(due - timedelta(days=2, hours=1)) == 2
    )
    overdue = queries.tracking(survey, due)
    assert overdue.status == FeedbackStatus.OVERDUE and overdue.missed
    assert (
        queries.tracking(survey, due + timedelta(days=3, hours=2)).days_left(due + timedelta(days=3, hours=2))
        == -3
    )


def test_feedback_on_the_last_moment_is_on_time_and_a_second_later_is_late():
    on_time, late = closed(40), closed(40)
    services.publish_feedback(None, on_time, text="结果", now=queries.feedback_due(on_time))
    services.publish_feedback(None, late, text="结果", now=queries.feedback_due(late) + timedelta(seconds=1))
    assert queries.tracking(on_time, NOW).status == FeedbackStatus.ON_TIME
    row = queries.tracking(late, NOW)
    assert row.status == FeedbackStatus.LATE and row.missed and row.published_at > row.due


def test_feedback_published_after_now_is_not_yet_published():
    survey = closed(3)
    services.publish_feedback(None, survey, text="结果", now=NOW + DAY)
    assert queries.tracking(survey, NOW).status == FeedbackStatus.AWAITING
    assert survey.state(NOW) == SurveyState.CLOSED and survey.state(NOW + DAY) == SurveyState.ANSWERED


def test_a_correction_keeps_the_first_publication_time():
    survey = closed(10)
    first = services.publish_feedback(None, survey, text="初稿", now=NOW - DAY)
    services.publish_feedback(None, survey, text="更正稿", now=NOW + 60 * DAY)
    first.refresh_from_db()
    assert first.text == "更正稿" and first.published_at == NOW - DAY and first.updated_at == NOW + 60 * DAY
    assert queries.tracking(survey, NOW + 61 * DAY).status == FeedbackStatus.ON_TIME


def test_feedback_cannot_be_published_before_the_activity_closes_or_empty():
    survey = make_survey()
    with pytest.raises(ValidationError):
        services.publish_feedback(None, survey, text="结果", now=NOW)
    with pytest.raises(ValidationError):
        services.publish_feedback(None, closed(1), text="  ", now=NOW)


def test_the_states_follow_the_clock():
    survey = make_survey(opens_at=NOW + DAY, closes_at=NOW + WEEK)
    assert survey.state(NOW) == SurveyState.UPCOMING
    assert survey.state(NOW + DAY) == SurveyState.OPEN and survey.accepts_answers(NOW + DAY)
    assert survey.state(NOW + WEEK) == SurveyState.CLOSED and not survey.accepts_answers(NOW + WEEK)


def test_the_targets_are_6_for_county_and_function_area_portals_and_3_for_other_sites():
    assert queries.yearly_target(Site.objects.get(hostname="shuyang.localhost")) == 6
    assert queries.yearly_target(Site.objects.get(hostname="sucheng.localhost")) == 6
    assert queries.yearly_target(Site.objects.get(hostname="127.0.0.1")) == 3
    assert queries.yearly_target(Site.objects.get(hostname="slj.localhost")) == 3
    assert rules().target_for("function_area") == 6 and rules().target_for(None) == 3


def test_the_yearly_count_takes_the_activities_closed_in_the_year_before_now():
    site = Site.objects.get(hostname="slj.localhost")
    before = queries.year_count(site, NOW).count
    inside = closed(364)
    closed(366)  # closed more than a year before now
    make_survey()  # still open
    year = queries.year_count(site, NOW)
    assert year.count == before + 1 and inside in year.surveys
    assert year.since == queries.months_after(NOW, -12) and year.target == 3


def test_an_activity_on_another_site_or_unpublished_does_not_count():
    site = Site.objects.get(hostname="slj.localhost")
    before = queries.year_count(site, NOW).count
    closed(5, column=survey_column("jyj.localhost"))
    hidden = closed(5)
    hidden.unpublish()
    assert queries.year_count(site, NOW).count == before


def test_the_demo_sites_meet_or_miss_their_targets_as_planned():
    years = {site.hostname: queries.year_count(site, NOW) for site in Site.objects.all()}
    assert years["127.0.0.1"].met and not years["127.0.0.1"].missed
    assert years["shuyang.localhost"].met and [t.status for t in years["shuyang.localhost"].missed] == [
        FeedbackStatus.LATE
    ]
    assert not years["sucheng.localhost"].met and years["sucheng.localhost"].shortfall == 4
    assert [t.status for t in years["sucheng.localhost"].missed] == [FeedbackStatus.OVERDUE]
    assert years["slj.localhost"].met and not years["slj.localhost"].missed
    assert not years["jyj.localhost"].met


def test_the_rules_file_refuses_bad_values():
    good = {
        "yearly_targets": {"county": 6},
        "default_yearly_target": 3,
        "feedback_months": 1,
        "anonymous_answers_per_address_hour": 10,
        "comments_per_address_hour": 5,
        "comments_per_account_hour": 10,
        "text_answer_max_length": 2000,
        "comment_max_length": 3000,
    }
    assert parse(good).target_for("county") == 6
    for key, value in [("feedback_months", 0), ("default_yearly_target", "3"), ("comment_max_length", True)]:
        with pytest.raises(ValueError, match=key):
            parse({**good, key: value})
    with pytest.raises(ValueError, match="yearly_targets"):
        parse({**good, "yearly_targets": {"county": -1}})
