"""Answering a questionnaire on its public page: what is stored, what is refused and how it says so —
required and conditional questions, tampered choices, hostile and oversized text, NUL bytes, a second answer
by one account, closed and not-yet-open surveys, sign-in, the human check and the per-address limit."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from huimin.accounts.tests.factories import AccountFactory
from huimin.core import human_check
from huimin.surveys import services
from huimin.surveys.models import Response
from huimin.surveys.questions import questions_of
from huimin.surveys.rules import rules

from .factories import DAY, NOW, WEEK, answer, answer_data, make_survey

pytestmark = pytest.mark.django_db
HOST = "slj.localhost:8000"
HOUR_AND_A_SECOND = timedelta(hours=1, seconds=1)
XSS = '<script>alert("x")</script>'
SQL = "'; DROP TABLE huimin_surveys_response; --"


@pytest.fixture(autouse=True)
def at_demo_time(demo):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client():
    return Client(HTTP_HOST=HOST)


@pytest.fixture
def survey():
    return make_survey()


def post(client, survey, data):
    return client.post(survey.url, data)


def stored(survey):
    return list(Response.objects.filter(survey=survey))


def keys(survey):
    return {q.number: q.key for q in questions_of(survey)}


def test_a_complete_answer_is_stored_as_option_texts_and_the_visitor_is_thanked(client, survey):
    response = post(client, survey, answer_data())
    assert response.status_code == 302 and response["Location"].endswith("thanks/#survey-sent")
    [sheet] = stored(survey)
    k = keys(survey)
    assert sheet.answers == {k[1]: "中年", k[2]: ["政策", "互动"], k[3]: 4, k[4]: "否", k[6]: "无"}
    assert sheet.account is None and sheet.submitted_at == NOW
    thanks = client.get(response["Location"].split("#")[0]).content.decode()
    assert 'id="survey-sent"' in thanks and "答卷已提交" in thanks


def test_required_questions_left_out_come_back_with_chinese_errors_linked_to_their_fields(client, survey):
    response = post(client, survey, answer_data(q1=None, q2=None, q3=None, q6="保留的建议"))
    body = response.content.decode()
    assert response.status_code == 400 and not stored(survey)
    assert body.count('class="error-summary"') == 1 and "请更正以下 3 处问题" in body
    assert 'href="#id_q1_0"' in body and "请选择一项。" in body and "请至少选择一项。" in body
    assert "请选择一个分数。" in body and "保留的建议" in body  # what was typed stays
    assert "<title>错误：" in body


def test_a_conditional_question_is_required_only_when_its_condition_is_met(client, survey):
    response = post(client, survey, answer_data(q4="1"))  # 是: question 5 shows and is required
    assert response.status_code == 400 and "请填写此题。" in response.content.decode()
    response = post(client, survey, answer_data(q4="1", q5="网上找不到入口"))
    assert response.status_code == 302
    assert stored(survey)[0].answers[keys(survey)[5]] == "网上找不到入口"


def test_the_answer_to_a_hidden_conditional_question_is_dropped(client, survey):
    assert post(client, survey, answer_data(q4="2", q5="不该保存")).status_code == 302
    assert keys(survey)[5] not in stored(survey)[0].answers


def test_the_page_says_when_a_conditional_question_applies_and_marks_it_for_the_script(client, survey):
    body = client.get(survey.url).content.decode()
    assert "第 4 题选择“是”时回答本题。" in body
    assert 'data-show-if="q4" data-show-value="1"' in body and 'aria-live="polite"' in body
    assert "<legend>1. 您的年龄段" in body and '<label for="id_q6">6. 其他建议' in body


@pytest.mark.parametrize(
    "tampered",
    [
        {"q1": "9"},
        {"q1": "0"},
        {"q1": "青年"},
        {"q2": ["1", "7"]},
        {"q3": "6"},
        {"q3": "1 OR 1=1"},
        {"q4": XSS},
    ],
)
def test_a_tampered_choice_is_refused_and_nothing_is_stored(client, survey, tampered):
    response = post(client, survey, answer_data(**tampered))
    assert response.status_code == 400 and not stored(survey)
    assert "请从列表中选择。" in response.content.decode()


def test_more_choices_than_allowed_are_refused(client, survey):
    response = post(client, survey, answer_data(q2=["1", "2", "3"]))
    assert response.status_code == 400 and "最多选择 2 项（您选了 3 项）" in response.content.decode()


@pytest.mark.parametrize("payload", [XSS, SQL, '=HYPERLINK("http://x")'])
def test_hostile_text_is_stored_as_typed_and_shown_escaped(client, survey, payload):
    assert post(client, survey, answer_data(q6=payload[:50])).status_code == 302
    assert stored(survey)[0].answers[keys(survey)[6]] == payload[:50]


def test_text_over_its_limit_is_refused_with_the_count_and_kept_in_the_form(client, survey):
    response = post(client, survey, answer_data(q6="长" * 51))
    body = response.content.decode()
    assert response.status_code == 400 and "最多 50 个字（现在 51 字）" in body and "长" * 51 in body
    assert not stored(survey)


def test_a_megabyte_of_text_is_refused_without_error(client, survey):
    response = post(client, survey, answer_data(q4="1", q5="字" * 1_000_000))
    assert response.status_code == 400 and not stored(survey)


@pytest.mark.parametrize("field", ["q6", "q1", "q3"])
def test_a_nul_byte_is_refused_in_chinese(client, survey, field):
    response = post(client, survey, answer_data(**{field: "a\x00b"}))
    assert response.status_code == 400 and not stored(survey)


def test_the_service_refuses_nul_bytes_and_unknown_keys_are_dropped(survey):
    k = keys(survey)
    with pytest.raises(ValidationError) as refused:
        answer(survey, a1="青年", a2=["政策"], a3=3, a4="否", a6="x\x00y")
    assert "不可见的控制字符" in str(refused.value)
    sheet = services.submit_response(
        survey,
        answers={k[1]: "青年", k[2]: ["政策"], k[3]: 3, k[4]: "否", "not-a-question": "x" * 10},
        now=NOW,
    )
    assert "not-a-question" not in sheet.answers


def test_a_wrong_human_check_answer_is_refused_and_nothing_is_stored(client, survey):
    response = post(client, survey, {**answer_data(), human_check.FIELD_ANSWER: "99"})
    assert response.status_code == 400 and "验证问题回答不正确" in response.content.decode()
    assert not stored(survey)


def test_a_closed_survey_refuses_answers_with_its_closing_time(client, survey):
    with time_machine.travel(survey.closes_at, tick=False):
        page = client.get(survey.url).content.decode()
        response = post(client, survey, answer_data())
    assert "已于" in page and "截止" in page and "<form" not in page.split('id="main"')[1].split("</main>")[0]
    assert response.status_code == 400 and "不再接受答卷" in response.content.decode() and not stored(survey)
    with pytest.raises(services.NotOpen):
        answer(survey, now=survey.closes_at, a1="青年", a2=["政策"], a3=3, a4="否")


def test_a_survey_not_yet_open_says_when_it_opens_and_refuses_answers(client):
    survey = make_survey(opens_at=NOW + DAY, closes_at=NOW + WEEK)
    body = client.get(survey.url).content.decode()
    assert (
        "未开始" in body and "开始，届时欢迎参与" in body and "1. 您的年龄段" not in body.split("问卷题目")[0]
    )
    assert "您的年龄段" in body  # the questions are listed, without a form
    assert post(client, survey, answer_data()).status_code == 400 and not stored(survey)


def test_a_sign_in_survey_asks_an_anonymous_visitor_to_sign_in_and_refuses_the_post(client):
    survey = make_survey(sign_in_required=True)
    body = client.get(survey.url).content.decode()
    assert (
        "登录后参与" in body
        and f"/accounts/login/?next={quote(survey.relative_url(survey.get_site()), safe='')}" in body
        and "<fieldset" not in body
    )
    response = post(client, survey, answer_data())
    assert response.status_code == 403 and "须登录后参与" in response.content.decode() and not stored(survey)


def test_a_signed_in_account_answers_once_without_the_human_check(client):
    survey = make_survey(sign_in_required=True)
    account = AccountFactory()
    client.force_login(account.user)
    assert human_check.FIELD_ANSWER not in client.get(survey.url).content.decode()
    assert post(client, survey, answer_data(human=False)).status_code == 302
    assert stored(survey)[0].account == account
    page = client.get(survey.url).content.decode()
    assert "您已于" in page and "每个账号只能提交一次" in page and "<fieldset" not in page
    second = post(client, survey, answer_data(human=False, q1="1"))
    assert second.status_code == 400 and "每个账号只能提交一次" in second.content.decode()
    assert len(stored(survey)) == 1
    with pytest.raises(services.AlreadyAnswered):
        answer(survey, account=account, a1="青年", a2=["政策"], a3=3, a4="否")


def test_the_database_keeps_one_answer_per_account_even_past_the_check(survey):
    account = AccountFactory()
    Response.objects.create(survey=survey, account=account, answers={}, submitted_at=NOW)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, account=account, answers={}, submitted_at=NOW)


def test_a_staff_member_without_an_account_answers_an_open_survey_anonymously(client, survey):
    from .factories import user

    client.force_login(user("slj-editor"))
    assert post(client, survey, answer_data()).status_code == 302
    assert stored(survey)[0].account is None


def test_anonymous_answers_are_limited_per_address_and_hour(client, survey):
    limit = rules().anonymous_answers_per_address_hour
    for _ in range(limit):
        assert post(client, survey, answer_data()).status_code == 302
    response = post(client, survey, answer_data())
    assert response.status_code == 429 and "一小时后再试" in response.content.decode()
    assert len(stored(survey)) == limit
    other = Client(HTTP_HOST=HOST, REMOTE_ADDR="10.9.8.7")
    assert post(other, survey, answer_data()).status_code == 302
    with time_machine.travel(NOW + HOUR_AND_A_SECOND, tick=False):
        assert post(client, survey, answer_data()).status_code == 302


def test_the_limit_counts_per_survey(client, survey):
    limit = rules().anonymous_answers_per_address_hour
    for _ in range(limit):
        answer(survey, client_ip="10.1.1.1", a1="青年", a2=["政策"], a3=3, a4="否")
    with pytest.raises(services.Throttled):
        answer(survey, client_ip="10.1.1.1", a1="青年", a2=["政策"], a3=3, a4="否")
    other = make_survey()
    answer(other, client_ip="10.1.1.1", a1="青年", a2=["政策"], a3=3, a4="否")
