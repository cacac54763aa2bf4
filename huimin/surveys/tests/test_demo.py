"""The demo's 征集调查: every site's column holds open and ended activities with answers, comments and
published 结果反馈 (one closed without it yet), built through the services; a second run adds nothing."""

from __future__ import annotations

import pytest
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.demo.builder import load_spec
from huimin.demo.surveys import build_survey_demo
from huimin.surveys import queries
from huimin.surveys.enums import FeedbackStatus, SurveyKind, SurveyState
from huimin.surveys.models import Comment, Feedback, Response, SurveyPage

from .factories import survey_column, user

pytestmark = pytest.mark.django_db


def test_every_demo_site_lists_open_and_ended_activities_of_both_kinds(demo):
    for site in Site.objects.all():
        surveys = list(queries.column_surveys(survey_column(site.hostname)))
        states = {s.state(DEMO_NOW) for s in surveys}
        assert SurveyState.OPEN in states and SurveyState.ANSWERED in states, site.hostname
        assert {s.kind for s in surveys} == {SurveyKind.QUESTIONNAIRE, SurveyKind.CONSULTATION}, site.hostname


def test_the_demo_has_answers_comments_feedback_and_a_closed_activity_awaiting_feedback(demo):
    assert Response.objects.filter(survey__slug="hcp").count() == 16
    assert Comment.objects.filter(survey__slug="tcss").exclude(decision="pending").count() == 4
    statuses = {queries.tracking(s, DEMO_NOW).status for s in SurveyPage.objects.all()}
    assert {
        FeedbackStatus.AWAITING,
        FeedbackStatus.OVERDUE,
        FeedbackStatus.LATE,
        FeedbackStatus.ON_TIME,
    } <= statuses
    assert not Feedback.objects.filter(published_at__gt=DEMO_NOW).exists()
    assert not Response.objects.filter(submitted_at__gt=DEMO_NOW).exists()
    upcoming = SurveyPage.objects.get(slug="hjtg")
    assert (
        upcoming.state(DEMO_NOW) == SurveyState.UPCOMING
        and SurveyPage.objects.get(slug="khfw").sign_in_required
    )


def test_a_second_run_adds_nothing(demo):
    counts = (
        SurveyPage.objects.count(),
        Response.objects.count(),
        Comment.objects.count(),
        Feedback.objects.count(),
    )
    assert build_survey_demo(load_spec(), DEMO_NOW, user("admin")) == 0
    assert (
        SurveyPage.objects.count(),
        Response.objects.count(),
        Comment.objects.count(),
        Feedback.objects.count(),
    ) == counts
