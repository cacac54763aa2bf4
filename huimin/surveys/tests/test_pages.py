"""The public pages: the 征集调查 column lists open activities first, then upcoming, then ended ones with
their 结果反馈; an activity's page carries the national content tags; the results page charts the answers
(counts and shares, the scale's mean) and says when the feedback is still due."""

from __future__ import annotations

import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from huimin.accessibility.enums import MODE_COOKIE
from huimin.surveys import services
from huimin.surveys.models import SurveyPage
from huimin.surveys.questions import questions_of, statistics

from .factories import DAY, NOW, WEEK, answer, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_demo_time(demo):
    with time_machine.travel(NOW, tick=False):
        yield


def get(path, host="127.0.0.1"):
    response = Client(HTTP_HOST=f"{host}:8000").get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.content, "html.parser")


def meta(document, name):
    tag = document.find("meta", attrs={"name": name})
    return tag["content"] if tag else None


def test_the_column_lists_open_activities_first_then_ended_ones_with_their_feedback():
    document = get("/zjdc/")
    headings = [h.get_text(strip=True) for h in document.select("main h2")]
    assert headings == ["正在征集", "已结束的征集调查"]
    groups = document.select("main .survey-group")
    open_titles = [a.get_text() for a in groups[0].select(".survey-card-title a")]
    assert open_titles[0].startswith("《宿迁市进一步优化营商环境")  # closes before the other open one
    assert all("进行中" in li.get_text() for li in groups[0].select(".survey-card"))
    ended = groups[1].select(".survey-card")
    assert "已结束" in ended[0].get_text() and "结果反馈将于结束后一个月内发布" in ended[0].get_text()
    answered = [li for li in ended if "已反馈" in li.get_text()]
    assert answered and all(
        li.select_one(".survey-card-results a")["href"].endswith("/results/") for li in answered
    )
    assert meta(document, "ColumnType") == "征集调查" and meta(document, "ColumnName") == "征集调查"


def test_the_column_shows_upcoming_activities_between_open_and_ended():
    document = get("/zjdc/", "jyj.localhost")
    headings = [h.get_text(strip=True) for h in document.select("main h2")]
    assert headings == ["正在征集", "即将开始", "已结束的征集调查"]
    assert "未开始" in document.select("main .survey-group")[1].get_text()


def test_the_column_pages_its_ended_activities():
    from .factories import survey_column

    column = survey_column("slj.localhost")
    for i in range(21):
        make_survey(column, opens_at=NOW - 30 * DAY, closes_at=NOW - (2 + i) * DAY)
    first = get("/zjdc/", "slj.localhost")
    assert len(first.select(".survey-group")[1].select(".survey-card")) == 20
    assert first.find("a", rel="next")["href"] == "?page=2"
    assert get("/zjdc/?page=abc'--", "slj.localhost").select(".survey-card")


def test_an_activity_page_carries_the_content_tags():
    survey = SurveyPage.objects.get(slug="wzmyd")
    document = get(survey.url)
    assert meta(document, "ArticleTitle") == survey.title
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", meta(document, "PubDate"))
    assert meta(document, "ContentSource") == "宿迁市人民政府办公室"
    assert (
        len(document.find_all("h1")) == 1 and [li.get_text() for li in document.select(".breadcrumbs li")][-1]
    )


def test_the_results_page_charts_each_choice_question_with_counts_and_shares():
    survey = SurveyPage.objects.get(slug="hcp")
    document = get(survey.url + "results/")
    stats = statistics(questions_of(survey), survey.responses.values_list("answers", flat=True))
    assert "共收到有效答卷 16 份" in document.get_text()
    figures = document.select(".survey-stat figure.chart")
    assert len(figures) == 4  # age, scale, multiple choice, yes/no; the two text questions are counted
    assert figures[0].select_one("svg[role=img]")
    table_rows = [tr.get_text(" ", strip=True) for tr in figures[0].select("tbody tr")]
    first = stats[0].tallies[0]
    assert table_rows[0] == f"{first.label}（{first.share}%） {first.count}"
    assert f"平均 {stats[1].mean} 分（满分 5 分）" in document.get_text()
    assert "各项占比之和可超过100%" in document.get_text()
    assert "人填写了文字意见" in document.get_text() or "本题暂无回答" in document.get_text()


def test_the_statistics_count_shares_of_the_respondents_and_the_scale_mean():
    survey = make_survey()
    answer(survey, a1="青年", a2=["政策", "办事"], a3=5, a4="否")
    answer(survey, a1="青年", a2=["政策"], a3=4, a4="是", a5="找不到")
    answer(survey, a1="老年", a2=["互动"], a3=2, a4="否")
    single, multiple, scale, _yes_no, text, optional = statistics(
        questions_of(survey), survey.responses.values_list("answers", flat=True)
    )
    assert [(t.label, t.count, t.share) for t in single.tallies] == [
        ("青年", 2, "66.7"),
        ("中年", 0, "0"),
        ("老年", 1, "33.3"),
    ]
    assert [(t.count, t.share) for t in multiple.tallies] == [(2, "66.7"), (1, "33.3"), (1, "33.3")]
    assert scale.mean == "3.67" and [t.count for t in scale.tallies] == [0, 1, 0, 1, 1]
    assert text.answered == 1 and optional.answered == 0


def test_results_before_the_feedback_say_when_it_is_due_and_show_no_statistics():
    survey = make_survey(opens_at=NOW - 3 * WEEK, closes_at=NOW - WEEK)
    answer(survey, now=NOW - 2 * WEEK, a1="青年", a2=["政策"], a3=4, a4="否")
    document = get(survey.url + "results/", "slj.localhost")
    assert "结果反馈尚未发布" in document.get_text() and "前公开结果反馈" in document.get_text()
    assert not document.select(".survey-stat")
    services.publish_feedback(None, survey, text="第一段。\n\n第二段。", show_statistics=False, now=NOW)
    document = get(survey.url + "results/", "slj.localhost")
    assert [p.get_text() for p in document.select(".survey-feedback-text p")] == ["第一段。", "第二段。"]
    assert not document.select(".survey-stat")  # the unit chose not to publish the charts
    page = get(survey.url, "slj.localhost")
    assert "已反馈" in page.get_text() and page.select_one(".survey-results-link a")["href"].endswith(
        "/results/"
    )


def test_an_open_survey_has_no_results_yet():
    survey = make_survey()
    assert "尚未结束" in get(survey.url + "results/", "slj.localhost").get_text()


def test_the_plain_text_version_of_the_results_keeps_the_figures():
    survey = SurveyPage.objects.get(slug="hcp")
    client = Client(HTTP_HOST="127.0.0.1:8000")
    client.cookies[MODE_COOKIE] = "text"
    body = client.get(survey.url + "results/").content.decode()
    assert "<svg" not in body and "chart-table" in body and "surveys.css" not in body
