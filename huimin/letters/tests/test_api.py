"""POST /api/v1/letters: other channels hand in letters; retries never store a letter twice; bad input
gets a Chinese 400."""

import json

import pytest
from django.test import override_settings

from huimin.letters import services
from huimin.letters.models import Letter

pytestmark = pytest.mark.django_db
URL = "/api/v1/letters"
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
GOOD = {
    "site": "slj.localhost",
    "kind": "complaint",
    "title": "河道垃圾",
    "content": "请清理。",
    "contact_name": "王五",
    "contact_phone": "13600000000",
    "may_publish": True,
}
TOKENS = {"hotline": "hotline-secret", "app": "app-secret"}


@pytest.fixture(autouse=True)
def group(demo):
    return demo


def post(client, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **HOST, **headers)


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_a_channel_with_its_token_hands_in_a_letter(client):
    response = post(client, {**GOOD, "external_id": "12345-0001"}, token="hotline-secret")
    assert response.status_code == 201
    body = response.json()
    assert body["channel"] == "hotline" and body["state"] == "submitted" and len(body["query_password"]) == 6
    letter = Letter.objects.get(pk=body["id"])
    assert letter.channel == "hotline" and letter.site.hostname == "slj.localhost"


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_a_retry_with_the_same_external_id_is_the_same_letter(client):
    first = post(client, {**GOOD, "external_id": "APP-77"}, token="app-secret").json()
    again = post(client, {**GOOD, "external_id": "APP-77"}, token="app-secret")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["duplicate"] and not first["duplicate"]
    # The same password again, which opens the letter: a client whose first answer was lost recovers it.
    assert again.json()["query_password"] == first["query_password"]
    assert services.check_query(first["query_code"], again.json()["query_password"]).pk == first["id"]
    assert Letter.objects.filter(external_id="APP-77").count() == 1


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_only_the_channel_that_sent_a_letter_can_have_its_password_again(client):
    first = post(client, {**GOOD, "external_id": "SAME-1"}, token="app-secret").json()
    other = post(client, {**GOOD, "external_id": "SAME-1"}, token="hotline-secret")
    assert other.status_code == 201 and other.json()["id"] != first["id"]  # another channel's own letter
    assert (
        other.json()["query_password"] != first["query_password"]
        or other.json()["query_code"] != first["query_code"]
    )
    web = post(client, {**GOOD, "external_id": "WEB-1", "contact_phone": "13600000001"})
    web_again = post(client, {**GOOD, "external_id": "WEB-1", "contact_phone": "13600000001"})
    assert web.status_code == 201 and web.json()["query_password"]
    assert (
        web_again.status_code == 200 and web_again.json()["query_password"] is None
    )  # no token, no password


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_after_the_secret_key_changes_a_retry_gets_no_password_rather_than_a_wrong_one(client, settings):
    first = post(client, {**GOOD, "external_id": "KEY-1"}, token="app-secret").json()
    settings.SECRET_KEY = "another-secret-key-" * 4
    again = post(client, {**GOOD, "external_id": "KEY-1"}, token="app-secret")
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert again.json()["query_password"] is None


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_a_wrong_token_is_refused(client):
    response = post(client, GOOD, token="guess")
    assert response.status_code == 401 and response.json()["detail"] == "渠道令牌无效。"
    assert not Letter.objects.filter(contact_phone="13600000000").exists()


def test_without_a_token_it_counts_as_the_web_channel_with_its_limit(client):
    codes = [post(client, GOOD).status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]
    assert Letter.objects.filter(contact_phone="13600000000", channel="web").count() == 5


@pytest.mark.parametrize(
    "changes",
    [
        {"site": "nowhere.example"},
        {"site": "' OR 1=1 --"},
        {"kind": "<script>"},
        {"contact_phone": "110"},
        {"title": "   "},
        {"unit": 99999999},
        {"unit": -1},
        {"title": "长" * 101},
        {"content": None},
        {"title": "a\u0000b"},
        {"content": "正文\u0007响铃"},
        {"contact_name": "王\u001b五"},
        {"external_id": "id\u0000"},
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_stored(client, changes):
    before = Letter.objects.count()
    response = post(client, {**GOOD, **changes})
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Letter.objects.count() == before


def test_markup_is_kept_as_text(client):
    body = post(client, {**GOOD, "title": "<script>alert(1)</script>"}).json()
    assert Letter.objects.get(pk=body["id"]).title == "<script>alert(1)</script>"


def test_the_database_itself_refuses_a_second_letter_with_one_channel_id(client):
    from django.db import IntegrityError, transaction

    first = Letter.objects.get(pk=post(client, {**GOOD, "external_id": "ONCE-1"}).json()["id"])
    twin = Letter.objects.get(pk=first.pk)
    twin.pk, twin.query_code = None, "TWINCODE01"
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_another_web_site_cannot_file_letters_from_its_visitors_browsers():
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)  # as a real browser is held to
    foreign = {**HOST, "HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"}
    simple = browser.post(URL, json.dumps(GOOD), content_type="text/plain", **foreign)
    assert simple.status_code == 415 and "application/json" in simple.json()["detail"]
    form = browser.post(URL, {"payload": json.dumps(GOOD)}, **foreign)
    assert form.status_code in (400, 415)
    without_csrf = browser.post(URL, json.dumps(GOOD), content_type="application/json", **foreign)
    assert without_csrf.status_code == 403 and "CSRF" in without_csrf.json()["detail"]
    assert not Letter.objects.filter(title="河道垃圾").exists()
    # The site's own script: same origin, with the CSRF token from the site's cookie.
    page = browser.get("/hudong/liuyan/", HTTP_HOST="slj.localhost:8000")
    token = page.cookies["csrftoken"].value
    own = browser.post(
        URL,
        json.dumps(GOOD),
        content_type="application/json",
        HTTP_HOST="slj.localhost:8000",
        HTTP_ORIGIN="http://slj.localhost:8000",
        HTTP_X_CSRFTOKEN=token,
    )
    assert own.status_code == 201, own.content
    # A channel with its token is not a browser: JSON is all it needs.
    channel = browser.post(
        URL,
        json.dumps({**GOOD, "external_id": "hl-1"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer hotline-secret",
        **HOST,
    )
    assert channel.status_code == 201
    assert (
        browser.post(
            URL,
            json.dumps(GOOD),
            content_type="text/plain",
            HTTP_AUTHORIZATION="Bearer hotline-secret",
            **HOST,
        ).status_code
        == 415
    )
