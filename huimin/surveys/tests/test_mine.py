"""我的调查 and 我的数据: a signed-in account sees the surveys it answered and the comments it sent, with its
own answers, and nobody else's; its data is exported, and on deletion detached and kept anonymous in the
results."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from huimin.accounts.personal_data import HOLDERS
from huimin.accounts.tests.factories import AccountFactory
from huimin.surveys import services
from huimin.surveys.enums import SurveyKind
from huimin.surveys.models import Comment, Response

from .factories import NOW, answer, make_survey, user

pytestmark = pytest.mark.django_db
MINE = "/accounts/surveys/"
XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def at_demo_time(demo):
    with time_machine.travel(NOW, tick=False):
        yield


def client_of(account=None) -> Client:
    client = Client(HTTP_HOST="slj.localhost:8000")
    if account is not None:
        client.force_login(account.user)
    return client


def test_an_account_sees_its_own_answers_and_comments_and_nobody_elses():
    survey, consultation = make_survey(), make_survey(kind=SurveyKind.CONSULTATION)
    me, other = AccountFactory(), AccountFactory()
    answer(survey, account=me, a1="老年", a2=["办事"], a3=1, a4="是", a5=XSS)
    answer(survey, account=other, a1="青年", a2=["政策"], a3=5, a4="否", a6="别人的建议")
    services.submit_comment(consultation, text="我的意见", account=me, now=NOW)
    services.submit_comment(consultation, text="别人的意见", account=other, now=NOW)
    response = client_of(me).get(MINE)
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert survey.title in body and "老年" in body and "1分（差）" in body and "我的意见" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and XSS not in body
    assert "别人的建议" not in body and "别人的意见" not in body and "5分（好）" not in body


def test_anonymous_answers_are_not_listed_and_the_page_says_so_when_empty():
    body = client_of(AccountFactory()).get(MINE).content.decode()
    assert "您还没有以登录身份提交过问卷答卷" in body and "您还没有以登录身份提交过意见" in body


def test_an_anonymous_visitor_is_sent_to_sign_in_and_staff_are_refused():
    response = client_of().get(MINE)
    assert (
        response.status_code == 302
        and "/accounts/" in response["Location"]
        and "next=" in response["Location"]
    )
    staff = Client(HTTP_HOST="slj.localhost:8000")
    staff.force_login(user("slj-editor"))
    assert staff.get(MINE).status_code == 403


def test_the_personal_data_holder_exports_the_accounts_answers_and_comments():
    holder = HOLDERS["surveys"]
    survey, consultation = make_survey(), make_survey(kind=SurveyKind.CONSULTATION)
    me = AccountFactory()
    answer(survey, account=me, a1="老年", a2=["办事"], a3=2, a4="否")
    services.submit_comment(
        consultation, text="我的意见", name="老李", contact="13800000000", account=me, now=NOW
    )
    data = holder.export(me)
    assert holder.label == "征集调查"
    [sheet] = data["answers"]
    assert (
        sheet["survey"] == survey.title
        and {"question": "1. 您的年龄段", "answer": "老年"} in sheet["answers"]
    )
    assert data["comments"][0]["contact"] == "13800000000"
    assert holder.export(AccountFactory()) == {"answers": [], "comments": []}


def test_erasing_an_account_detaches_its_answers_and_comments_and_keeps_them_in_the_results():
    holder = HOLDERS["surveys"]
    survey, consultation = make_survey(), make_survey(kind=SurveyKind.CONSULTATION)
    me, other = AccountFactory(), AccountFactory()
    sheet = answer(survey, account=me, a1="老年", a2=["办事"], a3=2, a4="否")
    kept = answer(survey, account=other, a1="青年", a2=["政策"], a3=5, a4="否")
    comment = services.submit_comment(
        consultation, text="我的意见", name="老李", contact="138", account=me, now=NOW
    )
    said = holder.erase(me)
    assert "1 份答卷和 1 条意见已与账号解除关联" in said and "匿名" in said
    sheet.refresh_from_db()
    comment.refresh_from_db()
    assert sheet.account is None and sheet.answers and Response.objects.filter(pk=sheet.pk).exists()
    assert (comment.account, comment.name, comment.contact, comment.text) == (None, "", "", "我的意见")
    kept.refresh_from_db()
    assert kept.account == other
    assert holder.erase(me) == "" and Comment.objects.filter(pk=comment.pk).exists()
