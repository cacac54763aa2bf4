"""Writing a letter on a site and following it with the query code: for people, and against abuse."""

import re

import pytest
from wagtail.models import Site

from huimin.core import human_check
from huimin.letters import services
from huimin.letters.enums import State
from huimin.letters.models import Letter
from huimin.sites.enums import Role
from huimin.sites.models import OrgUnit
from huimin.sites.services import assign_role
from huimin.sites.tests.html import soup

pytestmark = pytest.mark.django_db
WRITE = "/hudong/liuyan/"
CONFIRM = "/hudong/liuyan/queren/"
FOLLOW = "/hudong/liuyan/chaxun/"
XSS = "<script>alert('x')</script>"
VALID = {
    "kind": "complaint",
    "title": "小区门口河道有垃圾",
    "content": "河道里漂着很多垃圾，请尽快清理。",
    "contact_name": "张三",
    "contact_phone": "13800000000",
    "may_publish": "on",
}


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"


def solved() -> dict:
    """A correctly answered human check, as a person would send it."""
    question = human_check.new_question()
    return {human_check.FIELD_TOKEN: question.token, human_check.FIELD_ANSWER: str(question.answer)}


def confirmed(client, response):
    """Press 确认提交 on a review page; any other response (the form with errors) is returned as it is."""
    form = soup(response.content).select_one("form.review-actions") if response.status_code == 200 else None
    if form is None:
        return response
    fields = {i["name"]: i["value"] for i in form.find_all("input", attrs={"type": "hidden"})}
    return client.post(CONFIRM, {**fields, "action": "confirm"})


def _submit(client, **changes):
    """Write a letter as a person does: the form, then the review page's 确认提交."""
    return confirmed(client, client.post(WRITE, {**VALID, **solved(), **changes}))


def _code_and_password(response) -> tuple[str, str]:
    codes = [c.get_text() for c in soup(response.content).select(".code")]
    return codes[0], codes[1]


def test_a_letter_written_on_the_site_is_received_with_a_query_code(client):
    response = _submit(client)
    assert response.status_code == 200
    code, password = _code_and_password(response)
    letter = Letter.objects.get(query_code=code)
    assert letter.state == State.SUBMITTED and letter.site.hostname == "127.0.0.1"
    assert letter.channel == "web" and letter.may_publish
    assert services.check_query(code, password) == letter
    assert password not in letter.query_password  # kept only as a hash
    assert letter.query_password.startswith("huimin_query_pbkdf2$20000$")


def test_markup_is_stored_as_text_and_shown_escaped(client):
    response = _submit(client, title=f"关于{XSS}", content=f"内容{XSS}")
    code, _ = _code_and_password(response)
    assert Letter.objects.get(query_code=code).title == f"关于{XSS}"
    page = client.get(FOLLOW + f"?id={Letter.objects.get(query_code=code).pk}").content.decode()
    assert "<script>alert(" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"content": ""}, "content"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"contact_phone": "' OR 1=1 --"}, "contact_phone"),
        ({"kind": "nonsense"}, "kind"),
        ({"content": "长" * 5001}, "content"),
        ({"chosen_unit": "99999999"}, "chosen_unit"),
        ({"contact_email": "not-an-email"}, "contact_email"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_stored(client, changes, field):
    before = Letter.objects.count()
    response = _submit(client, **changes)
    assert response.status_code == 400
    document = soup(response.content)
    widget = document.find(attrs={"name": field})
    assert widget.get("aria-invalid") == "true"
    assert re.search("[\u4e00-\u9fff]", document.select_one(".errorlist").get_text())
    assert Letter.objects.count() == before


def test_a_robot_filling_the_hidden_field_is_refused(client):
    before = Letter.objects.count()
    assert _submit(client, website="http://spam.example").status_code == 400
    assert Letter.objects.count() == before


def test_one_phone_number_cannot_flood_the_inbox(client):
    for _ in range(5):
        assert _submit(client, contact_phone="13900000000").status_code == 200
    refused = _submit(client, contact_phone="13900000000")
    assert refused.status_code == 400 and "一小时内留言过多" in refused.content.decode()
    assert Letter.objects.filter(contact_phone="13900000000").count() == 5


@pytest.mark.parametrize(
    "answer",
    [
        {human_check.FIELD_ANSWER: ""},
        {human_check.FIELD_ANSWER: "1000"},
        {human_check.FIELD_TOKEN: "forged", human_check.FIELD_ANSWER: "3"},
        {human_check.FIELD_TOKEN: "", human_check.FIELD_ANSWER: "<script>"},
    ],
)
def test_a_wrong_or_missing_answer_to_the_question_keeps_what_was_written(client, answer):
    if answer.get(human_check.FIELD_ANSWER) == "1000":
        question = human_check.new_question()
        answer = {human_check.FIELD_TOKEN: question.token, human_check.FIELD_ANSWER: str(question.answer + 1)}
    response = _submit(client, **answer)
    assert response.status_code == 400
    document = soup(response.content)
    field = document.find(attrs={"name": human_check.FIELD_ANSWER})
    assert field.get("aria-invalid") == "true" and not field.get("value")
    assert "验证问题" in document.select_one(".errorlist").get_text()
    assert document.find(attrs={"name": "title"})["value"] == VALID["title"]  # nothing written is lost
    new_token = document.find(attrs={"name": human_check.FIELD_TOKEN})["value"]
    assert human_check.read_token(new_token) is not None  # a fresh question to answer
    assert not Letter.objects.filter(contact_phone=VALID["contact_phone"]).exists()


def test_the_question_is_read_as_text_with_its_label(client):
    document = soup(client.get(WRITE).content)
    field = document.find(attrs={"name": human_check.FIELD_ANSWER})
    label = document.find("label", attrs={"for": field["id"]}).get_text()
    assert re.search("验证问题：[零一二三四五六七八九十]+[加减][零一二三四五六七八九十]+等于几？", label)
    assert not document.select("form img")


def test_one_address_cannot_flood_the_inbox_with_many_numbers(client, settings):
    settings.HUIMIN_LETTERS_PER_IP_HOUR = 3
    codes = [_submit(client, contact_phone=f"1390000000{i}").status_code for i in range(4)]
    assert codes == [200, 200, 200, 400]
    other = client.__class__(HTTP_HOST="127.0.0.1:8000", REMOTE_ADDR="10.1.2.3")
    assert _submit(other, contact_phone="13900000009").status_code == 200
    assert Letter.objects.filter(contact_phone__startswith="1390000000").count() == 4


def test_wrong_query_passwords_are_limited_per_address(client, settings):
    settings.HUIMIN_QUERY_FAILURES_PER_IP_HOUR = 3
    code, password = _code_and_password(_submit(client))
    wrong = {"step": "open", "code": code, "password": "x"}
    assert [client.post(FOLLOW, wrong).status_code for _ in range(4)] == [400, 400, 400, 429]
    refused = client.post(FOLLOW, {"step": "open", "code": code, "password": password})
    assert refused.status_code == 429 and "查询错误次数过多" in refused.content.decode()


def test_a_letter_is_opened_only_with_its_code_and_password(client):
    code, password = _code_and_password(_submit(client))
    letter = Letter.objects.get(query_code=code)
    stranger = client.__class__(HTTP_HOST="127.0.0.1:8000")
    assert "小区门口河道有垃圾" not in stranger.get(FOLLOW + f"?id={letter.pk}").content.decode()
    wrong = stranger.post(
        FOLLOW, {"step": "open", "code": code, "password": "000000" if password != "000000" else "1"}
    )
    assert wrong.status_code == 400 and "查询码或查询密码不正确" in wrong.content.decode()
    opened = stranger.post(FOLLOW, {"step": "open", "code": code.lower(), "password": password}, follow=True)
    html = opened.content.decode()
    assert "小区门口河道有垃圾" in html and "待分办" in html and "收到留言" in html
    assert "13800000000" not in html and "张三" not in html


def test_the_citizen_supplements_and_rates_through_the_query_page(client, django_user_model):
    code, _ = _code_and_password(_submit(client))
    letter = Letter.objects.get(query_code=code)
    water = OrgUnit.objects.get(name="宿迁市水利局")
    dispatcher = django_user_model.objects.create_superuser("dispatch-desk", password="not-used-here")
    handler = django_user_model.objects.create_user("water-desk")
    assign_role(
        handler, role=Role.MESSAGE_HANDLER, org_unit=water, site=Site.objects.get(hostname="127.0.0.1")
    )
    services.dispatch(letter, water, actor=dispatcher)
    services.accept(letter, actor=handler)
    services.request_info(letter, "请提供具体位置。", actor=handler)
    page = client.get(FOLLOW + f"?id={letter.pk}").content.decode()
    assert "请提供具体位置" in page and "计时暂停" in page
    client.post(FOLLOW + f"?id={letter.pk}", {"step": "supplement", "supplement": "在幸福路桥下。"})
    letter.refresh_from_db()
    assert letter.state == State.ACCEPTED and "幸福路" in letter.supplement
    services.reply(letter, "已清理。", actor=handler)
    services.approve(letter, actor=dispatcher, publish=True)
    client.post(FOLLOW + f"?id={letter.pk}", {"step": "rate", "rating": "basically", "comment": "还行"})
    letter.refresh_from_db()
    assert letter.rating == "basically"
    assert "您的评价：基本满意" in client.get(FOLLOW + f"?id={letter.pk}").content.decode()


@pytest.mark.parametrize("charset", ["gbk", "gb18030", "big5"])
def test_a_form_posted_in_another_charset_gets_a_chinese_400_and_nothing_is_stored(charset):
    from urllib.parse import urlencode

    from django.test import Client

    browser = Client(enforce_csrf_checks=True)  # as a real browser: CSRF checked, reading the body
    browser.get(WRITE, HTTP_HOST="127.0.0.1:8000")
    token = browser.cookies["csrftoken"].value
    body = urlencode({**VALID, **solved(), "csrfmiddlewaretoken": token}, encoding=charset, errors="replace")
    before = Letter.objects.count()
    response = browser.post(
        WRITE,
        body,
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_HOST="127.0.0.1:8000",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'lang="zh-CN"' in page and "UTF-8" in page and "请求无法处理" in page
    assert Letter.objects.count() == before


def test_a_post_without_its_csrf_token_gets_a_chinese_403():
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post(WRITE, {**VALID, **solved()}, HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'lang="zh-CN"' in page and "页面已过期" in page and "Forbidden" not in page
