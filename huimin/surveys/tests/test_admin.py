"""The owning unit's screens: the list with its tracking, one activity's statistics, decisions and 结果反馈
form, the XLSX export (formula injection neutralised, recorded in the audit log), and the 工作台 panel. Other
units' staff get 404 and see nothing of another unit's activities."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry, PageLogEntry

from huimin.core.audit import EXPORT, READ
from huimin.surveys import services
from huimin.surveys.enums import Decision, SurveyKind
from huimin.surveys.models import Comment, Feedback, SurveyPage
from huimin.surveys.wagtail_hooks import surveys_panel

from .factories import DAY, NOW, answer, make_survey, user

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example/","点我")'


@pytest.fixture(autouse=True)
def at_demo_time(demo):
    with time_machine.travel(NOW, tick=False):
        yield


def staff(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1:8000")
    client.force_login(user(username))
    return client


def url(survey, what=""):
    return f"/admin/surveys/{survey.pk}/{what}"


def audit_entries(survey, action):
    entries = PageLogEntry.objects.filter(page_id=survey.pk, action=action)
    return list(entries) or list(ModelLogEntry.objects.filter(object_id=str(survey.pk), action=action))


def test_the_owning_unit_exports_the_answers_with_formulas_neutralised_and_the_export_is_audited():
    survey = make_survey()
    answer(survey, a1="青年", a2=["政策", "互动"], a3=5, a4="否", a6=FORMULA[:50])
    response = staff("slj-editor").get(url(survey, "export/"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "提交时间", "答卷人", "第1题 您的年龄段")
    assert rows[1][3:9] == ("青年", "政策；互动", "5分（好）", "否", None, "'" + FORMULA[:50])
    [entry] = audit_entries(survey, EXPORT)
    assert entry.data["count"] == 1 and entry.data["format"] == "xlsx" and entry.user == user("slj-editor")


def test_the_comments_export_carries_the_contacts_for_the_owning_unit_only():
    survey = make_survey(kind=SurveyKind.CONSULTATION)
    services.submit_comment(survey, text="@SUM(A1:A9)", name="张三", contact="13912345678", now=NOW)
    response = staff("slj-editor").get(url(survey, "export/"))
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[1][3:6] == ("张三", "13912345678", "'@SUM(A1:A9)")


@pytest.mark.parametrize("what", ["", "export/"])
def test_another_units_staff_get_404_and_nothing_is_audited(what):
    survey = make_survey()
    answer(survey, a1="青年", a2=["政策"], a3=3, a4="否")
    assert staff("jyj-editor").get(url(survey, what)).status_code == 404
    assert not audit_entries(survey, EXPORT)


def test_a_platform_administrator_manages_every_units_activities():
    survey = make_survey()
    assert staff("admin").get(url(survey, "export/")).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_admin_login():
    response = Client(HTTP_HOST="127.0.0.1:8000").get(url(make_survey(), "export/"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_list_shows_only_the_units_activities_with_their_tracking():
    body = staff("slj-editor").get("/admin/surveys/").content.decode()
    assert "防汛避险知识普及情况调查" in body and "课后服务满意度调查" not in body
    assert "按时反馈" in body and "调查征集次数（近一年）" in body and "宿迁市水利局" in body
    other = staff("sucheng-editor").get("/admin/surveys/").content.decode()
    assert "超期未反馈" in other and "防汛避险知识普及情况调查" not in other


def test_the_detail_screen_charts_the_answers_and_records_reading_comments():
    survey = SurveyPage.objects.get(slug="hcp")
    body = staff("portal-editor").get(url(survey)).content.decode()
    assert "答卷统计" in body and "<svg" in body and "导出答卷" in body
    consultation = SurveyPage.objects.get(slug="yshj")
    page = staff("portal-editor").get(url(consultation)).content.decode()
    assert "意见处理（3 条）" in page and "保存处理结果" in page
    assert audit_entries(consultation, READ)


def test_deciding_a_comment_and_publishing_the_feedback_through_the_screen():
    survey = make_survey(kind=SurveyKind.CONSULTATION, opens_at=NOW - 3 * DAY, closes_at=NOW - DAY)
    comment = Comment.objects.create(survey=survey, text="建议", submitted_at=NOW - 2 * DAY)
    client = staff("slj-editor")
    refused = client.post(url(survey), {"action": "feedback", "text": "结果", "show_statistics": "on"})
    assert refused.status_code == 400 and "还有 1 条意见未处理" in refused.content.decode()
    no_reason = client.post(
        url(survey), {"action": "decide", "comment": comment.pk, f"c{comment.pk}-decision": "not_adopted"}
    )
    assert no_reason.status_code == 400 and "须说明理由" in no_reason.content.decode()
    decided = client.post(
        url(survey),
        {
            "action": "decide",
            "comment": comment.pk,
            f"c{comment.pk}-decision": "partly",
            f"c{comment.pk}-reason": "部分已有规定",
        },
    )
    assert decided.status_code == 302
    comment.refresh_from_db()
    assert comment.decision == Decision.PARTLY and comment.decided_by == user("slj-editor")
    published = client.post(url(survey), {"action": "feedback", "text": "感谢参与。"})
    assert published.status_code == 302
    feedback = Feedback.objects.get(survey=survey)
    assert feedback.published_at == NOW and feedback.published_by == user("slj-editor")
    assert audit_entries(survey, "huimin_surveys.feedback") and audit_entries(survey, "huimin_surveys.decide")


def test_a_comment_of_another_activity_cannot_be_decided_through_this_one():
    mine = make_survey(kind=SurveyKind.CONSULTATION)
    theirs = Comment.objects.filter(survey__slug="yshj").first()
    response = staff("slj-editor").post(
        url(mine), {"action": "decide", "comment": theirs.pk, f"c{theirs.pk}-decision": "adopted"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.decision == Decision.PENDING


def test_the_workbench_panel_shows_the_count_against_the_target_and_what_awaits_feedback():
    panel = surveys_panel(user("sucheng-editor"), NOW)
    labels = {row.label: row for row in panel.counts}
    [site] = [row for row in panel.counts if row.label.endswith("近一年征集调查")]
    assert site.count == 2 and site.note == "目标 6 次，尚差 4 次" and site.alert
    assert labels["超期未反馈"].count == 1
    [late] = [row for row in panel.rows if row.alert]
    assert "已超期" in late.note and late.url.startswith("/admin/surveys/")


def test_the_panel_counts_an_awaiting_feedback_with_its_days_left():
    panel = surveys_panel(user("portal-editor"), NOW)
    labels = {row.label: row for row in panel.counts}
    assert labels["待发布结果反馈"].count == 1 and labels["超期未反馈"].count == 0
    [row] = panel.rows
    assert "全民阅读" in row.label and "剩余 11 天" in row.note and not row.alert


def test_the_platform_administrator_sees_every_site_and_the_admin_home_shows_the_panel():
    panel = surveys_panel(user("admin"), NOW)
    assert len([row for row in panel.counts if row.label.endswith("近一年征集调查")]) == 5
    body = staff("slj-editor").get("/admin/").content.decode()
    assert 'id="workbench-surveys-section"' in body and "征集调查" in body


def test_the_panel_is_left_out_for_people_with_no_site_or_unit():
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("survey-nobody", password="x")
    assert surveys_panel(nobody, NOW) is None
