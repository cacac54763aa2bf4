"""The annual assessment's 调查征集 row, computed from the surveys: 0 without a column or without activities,
1 below the target, 4 with the target met but a 结果反馈 late or missing, 8 with every feedback in time; each
activity is evidence linked to its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from huimin.assessment import indicators, sheets
from huimin.assessment.enums import Basis
from huimin.assessment.indicators import Context
from huimin.assessment.models import IndicatorTable
from huimin.assessment.services import tables
from huimin.sites.models import ColumnPage, OrgUnit
from huimin.surveys import queries, services
from huimin.surveys.models import SurveyPage

from .factories import NOW, WEEK, make_survey, survey_column

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_demo_time(demo):
    with time_machine.travel(NOW, tick=False):
        yield


def table(year: int) -> IndicatorTable:
    return IndicatorTable.objects.filter(year=year).first() or tables.seed_table(year)


def run(unit_name: str, now=NOW, sites=None):
    unit = OrgUnit.objects.get(name=unit_name)
    start, end = sheets.year_bounds(now.year, now)
    ctx = Context(
        unit,
        "county",
        sheets.sites_of(unit) if sites is None else sites,
        now.year,
        now,
        start,
        end,
        table(now.year),
    )
    row = ctx.table.indicators.get(name="调查征集")
    return indicators.load()["surveys"](ctx, row)


def texts(result) -> str:
    return "\n".join(item.text for item in result.evidence)


def test_the_seeded_method_computes_the_row_from_the_surveys():
    row = next(r for r in tables.seed_data()["indicators"] if r["name"] == "调查征集")
    assert row["basis"] == Basis.AUTO and row["source"] == "surveys" and row["points"] == 8
    assert "surveys" in indicators.load()
    assert tables.check_rows(tables.seed_data()["indicators"]) == []


def test_a_site_meeting_its_target_with_every_feedback_in_time_scores_8():
    result = run("宿迁市水利局")
    assert result.score == 8.0
    assert "开展调查征集活动 3 次，达到 3 次，均在结束后1个月内公开反馈结果" in texts(result)
    on_time = [item for item in result.evidence if "在结束后1个月内" in item.text and "《" in item.text]
    assert len(on_time) == 3 and all(item.url.endswith("/results/") for item in on_time)


def test_an_activity_still_within_its_month_does_not_break_the_rule():
    result = run("宿迁市人民政府办公室")
    assert result.score == 8.0 and "结果反馈尚在期限内" in texts(result)


def test_a_late_feedback_keeps_the_count_points_only():
    result = run("沭阳县")
    assert result.score == 4.0 and "其中 1 次未在结束后1个月内公开反馈结果" in texts(result)
    assert "才公开结果反馈" in texts(result)


def test_too_few_activities_score_1_and_a_missing_feedback_links_to_the_units_screen():
    result = run("宿城区")
    assert result.score == 1.0 and "少于 6 次" in texts(result)
    overdue = next(item for item in result.evidence if "截至监测时间点未公开结果反馈" in item.text)
    survey = SurveyPage.objects.get(slug="sqfw")
    assert overdue.url == reverse("surveys_admin_detail", args=[survey.pk])


def test_meeting_the_target_raises_the_score_until_a_feedback_is_overdue():
    assert run("宿迁市教育局").score == 1.0  # 2 activities closed in the year, against 3
    survey = make_survey(survey_column("jyj.localhost"), opens_at=NOW - 3 * WEEK, closes_at=NOW - 2 * WEEK)
    assert run("宿迁市教育局").score == 8.0  # 3 now, the new one's feedback still within its month
    overdue = queries.feedback_due(survey) + timedelta(days=1)
    assert run("宿迁市教育局", now=overdue).score == 4.0
    services.publish_feedback(None, survey, text="结果", now=overdue)
    result = run("宿迁市教育局", now=overdue)
    assert result.score == 4.0 and "才公开结果反馈" in texts(result)


def test_no_activity_in_the_year_before_now_scores_0():
    later = NOW + timedelta(days=3 * 365)
    result = run("宿迁市水利局", now=later)
    assert result.score == 0.0 and "未开展调查征集活动" in texts(result)


def test_a_site_without_a_survey_column_scores_0():
    column = survey_column("slj.localhost")
    ColumnPage.objects.filter(pk=column.pk).update(live=False)
    result = run("宿迁市水利局")
    assert result.score == 0.0 and "未开设征集调查栏目" in texts(result)


def test_a_unit_without_a_site_scores_0():
    result = run("宿迁市档案馆")
    assert result.score == 0.0 and "没有网站" in texts(result)


def test_what_closed_after_now_is_not_counted():
    site = survey_column("slj.localhost").get_site()
    new = make_survey(survey_column("slj.localhost"), opens_at=NOW - 3 * WEEK, closes_at=NOW - WEEK)
    assert new in queries.year_count(site, NOW).surveys
    assert new not in queries.year_count(site, NOW - 2 * WEEK).surveys  # still open then


def test_the_score_sheet_carries_the_row_with_its_evidence():
    unit = OrgUnit.objects.get(name="宿迁市水利局")
    sheet = sheets.compute(unit, NOW.year, NOW)
    row = next(r for r in sheet["evaluation"]["rows"] if r["indicator"] == "调查征集")
    assert row["basis"] == Basis.AUTO and row["score"] == 8.0 and row["evidence"]
