"""A letter or 依申请公开 application sent while signed in is the account's at once, and its form comes filled
with the account's name and contacts; anonymous letters and applications stay possible exactly as before."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huimin.accounts.tests.factories import AccountFactory
from huimin.core import human_check
from huimin.disclosure.models import Application
from huimin.disclosure.tests.factories import VALID_CREDIT_CODE, VALID_ID_CARD
from huimin.letters.models import Letter
from huimin.sites.models import SiteIdentity
from huimin.sites.tests.html import soup

pytestmark = pytest.mark.django_db
SLJ = "slj.localhost:8000"
WRITE, LETTER_CONFIRM = "/hudong/liuyan/", "/hudong/liuyan/queren/"
APPLY, APPLY_CONFIRM = "/zfxxgk/ysqgk/", "/zfxxgk/ysqgk/queren/"


@pytest.fixture(autouse=True)
def on_a_department_site(demo, client):
    client.defaults["HTTP_HOST"] = SLJ


def _solved() -> dict:
    question = human_check.new_question()
    return {human_check.FIELD_TOKEN: question.token, human_check.FIELD_ANSWER: str(question.answer)}


def _write_letter(client, **values) -> Letter:
    data = {
        "kind": "consult",
        "title": "取水许可怎么办理",
        "content": "请问取水许可需要哪些材料？",
        "contact_name": "张三",
        "contact_phone": "13800001111",
        **_solved(),
        **values,
    }
    review = client.post(WRITE, data)
    assert review.status_code == 200, review.context["form"].errors if "form" in review.context else ""
    fields = {
        i["name"]: i["value"] for i in soup(review.content).select("form.review-actions input[type=hidden]")
    }
    done = client.post(LETTER_CONFIRM, {**fields, "action": "confirm"})
    assert done.status_code == 200
    return Letter.objects.get(query_code=soup(done.content).select(".code")[0].get_text())


def _apply(client, **values) -> Application:
    unit = SiteIdentity.objects.get(site__hostname="slj.localhost").org_unit
    data = {
        "applicant_type": "citizen",
        "name": "张三",
        "id_type": "id_card",
        "id_number": VALID_ID_CARD,
        "phone": "13900002222",
        "email": "zhang@example.com",
        "description": "2025年度古黄河堤防加固工程的环境影响评价批复文件",
        "delivery": "email",
        "unit": str(unit.pk),
        "website": "",
        **_solved(),
        **values,
    }
    review = client.post(APPLY, data)
    assert review.status_code == 200, review.context["form"].errors if "form" in review.context else ""
    done = client.post(APPLY_CONFIRM, {"pending": review.context["pending"]["token"], "action": "confirm"})
    assert done.status_code == 200
    return done.context["application"]


def test_the_letter_form_is_filled_with_the_signed_in_citizens_contacts(client):
    account = AccountFactory(display_name="王小明", mobile="13911112222", email="wxm@example.com")
    client.force_login(account.user)
    form = soup(client.get(WRITE).content)
    assert form.select_one("#id_contact_name")["value"] == "王小明"
    assert form.select_one("#id_contact_phone")["value"] == "13911112222"
    assert form.select_one("#id_contact_email")["value"] == "wxm@example.com"


def test_a_letter_written_while_signed_in_is_mine_at_once(client):
    account = AccountFactory()
    client.force_login(account.user)
    letter = _write_letter(client, title="登录后写的留言")
    assert letter.author == account.user
    mine = client.get(reverse("accounts:letters"))
    assert "登录后写的留言" in mine.content.decode()


def test_an_anonymous_letter_stays_possible_and_belongs_to_no_one(client):
    form = soup(client.get(WRITE).content)
    assert not form.select_one("#id_contact_name").get("value")
    letter = _write_letter(client)
    assert letter.author is None


def test_a_staff_user_writing_a_letter_is_not_its_author(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("editor", is_staff=True))
    assert _write_letter(client).author is None


def test_the_application_form_is_filled_for_a_citizen_and_for_a_legal_person(client):
    person = AccountFactory(display_name="王小明", mobile="13911113333", email="wxm@example.com")
    client.force_login(person.user)
    initial = client.get(APPLY).context["form"].initial
    assert (initial["name"], initial["phone"], initial["email"]) == (
        "王小明",
        "13911113333",
        "wxm@example.com",
    )
    assert initial["applicant_type"] == "citizen"
    company = AccountFactory(legal=True, org_name="宿迁示例科技有限公司", display_name="李经理")
    company.credit_code = VALID_CREDIT_CODE
    company.save()
    client.force_login(company.user)
    initial = client.get(APPLY).context["form"].initial
    assert initial["applicant_type"] == "organisation" and initial["name"] == "宿迁示例科技有限公司"
    assert initial["contact_person"] == "李经理"
    assert (initial["id_type"], initial["id_number"]) == ("credit_code", VALID_CREDIT_CODE)


def test_an_application_sent_while_signed_in_is_mine_and_an_anonymous_one_no_ones(client):
    account = AccountFactory()
    client.force_login(account.user)
    assert _apply(client).author == account.user
    client.logout()
    assert _apply(client, phone="13900003333").author is None
