"""Commenting on a consultation (意见征集): the draft and its attachment on the page, the comment form and
its refusals, the owning unit's decisions and the 结果反馈 that lists adopted and not-adopted comments with
their reasons, never the commenter's name or contact."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from huimin.accounts.tests.factories import AccountFactory
from huimin.sites import scoping
from huimin.surveys import services
from huimin.surveys.enums import Decision, SurveyKind
from huimin.surveys.models import Comment, SurveyPage
from huimin.surveys.rules import rules

from .factories import DAY, NOW, WEEK, make_survey, solved, survey_column, user

pytestmark = pytest.mark.django_db
HOST = "slj.localhost:8000"
XSS = '<img src=x onerror="alert(1)">'


@pytest.fixture(autouse=True)
def at_demo_time(demo):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client():
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def consultation():
    return make_survey(kind=SurveyKind.CONSULTATION)


def comment_data(**fields):
    return {
        "text": "建议第一条写明办理时限。",
        "name": "张先生",
        "contact": "13912345678",
        **fields,
        **solved(),
    }


def test_the_demo_consultation_shows_its_draft_and_a_working_attachment_link():
    client = Client(HTTP_HOST="127.0.0.1:8000")
    body = client.get("/zjdc/yshj/").content.decode()
    assert "征求意见稿" in body and "第一条" in body and "（DOCX，" in body
    document = SurveyPage.objects.get(slug="yshj").draft_document
    assert f'<a href="{document.url}">' in body
    assert scoping.may_download(
        AnonymousUser(), document
    )  # a live page links it: public (the browser test downloads it)


def test_a_comment_is_stored_with_its_contact_and_the_visitor_is_thanked(client, consultation):
    response = client.post(consultation.url, comment_data())
    assert response.status_code == 302 and response["Location"].endswith("thanks/#survey-sent")
    comment = Comment.objects.get(survey=consultation)
    assert (comment.text, comment.name, comment.contact) == (
        "建议第一条写明办理时限。",
        "张先生",
        "13912345678",
    )
    assert comment.decision == Decision.PENDING


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": ""}, "请填写您的意见。"),
        ({"text": "   "}, "请填写您的意见。"),
        ({"text": "意" * 3001}, "意见最多 3000 个字（现在 3001 字）"),
        ({"text": "a\x00b"}, "不可见的控制字符"),
        ({"name": "名" * 51}, "称呼最多 50 个字"),
        ({"contact": "x\x00"}, "不可见的控制字符"),
    ],
)
def test_a_bad_comment_comes_back_with_a_chinese_error_and_is_not_stored(
    client, consultation, fields, message
):
    response = client.post(consultation.url, comment_data(**fields))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Comment.objects.filter(survey=consultation).exists()


def test_hostile_comments_are_kept_as_typed_and_shown_escaped(client, consultation):
    assert client.post(consultation.url, comment_data(text=XSS)).status_code == 302
    comment = Comment.objects.get(survey=consultation)
    assert comment.text == XSS
    services.decide_comment(None, comment, decision=Decision.NOT_ADOPTED, reason=XSS, now=NOW + WEEK)
    with time_machine.travel(consultation.closes_at + DAY, tick=False):
        services.publish_feedback(None, consultation, text=XSS, now=consultation.closes_at + DAY)
        body = client.get(consultation.url + "results/").content.decode()
    assert XSS not in body and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body


def test_a_closed_consultation_refuses_comments(client, consultation):
    with time_machine.travel(consultation.closes_at, tick=False):
        response = client.post(consultation.url, comment_data())
    assert response.status_code == 400 and "不再接受意见" in response.content.decode()


def test_comments_are_limited_per_address_and_per_account(client, consultation):
    for _ in range(rules().comments_per_address_hour):
        assert client.post(consultation.url, comment_data()).status_code == 302
    refused = client.post(consultation.url, comment_data())
    assert refused.status_code == 429 and "一小时后再试" in refused.content.decode()
    account = AccountFactory()
    for _ in range(rules().comments_per_account_hour):
        services.submit_comment(consultation, text="意见", account=account, now=NOW)
    with pytest.raises(services.Throttled):
        services.submit_comment(consultation, text="意见", account=account, now=NOW)


def test_a_questionnaire_takes_no_comments_and_a_consultation_no_answers(consultation):
    questionnaire = make_survey()
    with pytest.raises(services.Refused):
        services.submit_comment(questionnaire, text="意见", now=NOW)
    with pytest.raises(services.Refused):
        services.submit_response(consultation, answers={}, now=NOW)


def test_a_decision_other_than_adoption_needs_its_reason(consultation):
    comment = services.submit_comment(consultation, text="意见", now=NOW)
    with pytest.raises(ValidationError) as refused:
        services.decide_comment(None, comment, decision=Decision.NOT_ADOPTED, reason=" ", now=NOW)
    assert "须说明理由" in str(refused.value)
    with pytest.raises(ValidationError):
        services.decide_comment(None, comment, decision="bogus", now=NOW)
    with pytest.raises(ValidationError):
        services.decide_comment(None, comment, decision=Decision.PENDING, now=NOW)
    services.decide_comment(None, comment, decision=Decision.ADOPTED, now=NOW)
    comment.refresh_from_db()
    assert comment.decision == Decision.ADOPTED and comment.decided_at == NOW


def test_another_units_staff_cannot_decide_or_publish(consultation):
    comment = services.submit_comment(consultation, text="意见", now=NOW)
    outsider = user("jyj-editor")
    with pytest.raises(PermissionDenied):
        services.decide_comment(outsider, comment, decision=Decision.ADOPTED, now=NOW)
    with pytest.raises(PermissionDenied):
        services.publish_feedback(outsider, consultation, text="结果", now=consultation.closes_at)
    services.decide_comment(user("slj-editor"), comment, decision=Decision.ADOPTED, now=NOW)


def test_feedback_waits_for_every_comment_to_be_decided(consultation):
    comment = services.submit_comment(consultation, text="意见", now=NOW)
    after = consultation.closes_at + DAY
    with pytest.raises(ValidationError) as refused:
        services.publish_feedback(None, consultation, text="结果", now=after)
    assert "还有 1 条意见未处理" in str(refused.value)
    services.decide_comment(None, comment, decision=Decision.ADOPTED, now=after)
    assert services.publish_feedback(None, consultation, text="结果", now=after).published_at == after


def test_the_results_list_decisions_with_reasons_and_never_names_or_contacts(client):
    body = Client(HTTP_HOST="127.0.0.1:8000").get("/zjdc/tcss/results/").content.decode()
    assert "意见采纳情况" in body and "采纳的意见" in body and "未采纳理由" in body
    for comment in Comment.objects.filter(survey__slug="tcss"):
        assert comment.shown_text in body
        assert not comment.name or f">{comment.name}<" not in body
    assert "13912345678" not in body


def test_a_public_summary_replaces_the_comment_in_the_results(client, consultation):
    comment = services.submit_comment(consultation, text="我叫王五，住在幸福路8号，建议增加路灯。", now=NOW)
    services.decide_comment(
        None, comment, decision=Decision.ADOPTED, public_text="建议增加路灯。", now=consultation.closes_at
    )
    services.publish_feedback(None, consultation, text="结果", now=consultation.closes_at)
    with time_machine.travel(consultation.closes_at + DAY, tick=False):
        body = client.get(consultation.url + "results/").content.decode()
    assert "建议增加路灯。" in body and "幸福路8号" not in body


def test_the_column_of_another_site_is_separate():
    assert survey_column("slj.localhost").pk != survey_column("127.0.0.1").pk
