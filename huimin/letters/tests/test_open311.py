"""Open311 GeoReport v2: clients list the services, hand in letters with a channel's key (a retry is one
letter), follow them by query code, and read the public disclosure; contact data and unpublished text never
leave; bad input is a 400 in Open311's format and stores nothing."""

import json
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client, override_settings
from wagtail.models import Site

from huimin.conftest import DEMO_NOW
from huimin.letters import services
from huimin.letters.enums import Kind, State
from huimin.letters.models import Letter
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
FORM = "application/x-www-form-urlencoded"
TOKENS = {"hotline": "hotline-secret", "app": "app-secret", "web": "web-secret", "nosuch": "nosuch-secret"}
GOOD = {
    "api_key": "hotline-secret",
    "jurisdiction_id": "slj.localhost",
    "service_code": "complaint",
    "description": "河道漂浮垃圾无人清理\n请尽快处理。",
    "first_name": "五",
    "last_name": "王",
    "phone": "13600000000",
    "lat": "33.96",
    "long": "118.28",
    "address_string": "宿城区幸福路",
    "attribute[may_publish]": "true",
}


@pytest.fixture(autouse=True)
def group(demo):
    return demo


def post(client, changes=None, **extra):
    body = urlencode({**GOOD, **(changes or {})})
    return client.post(f"{BASE}/requests.json", body, content_type=FORM, **HOST, **extra)


def get(client, url, **params):
    return client.get(f"{BASE}/{url}", params, **HOST)


def is_error(response, status):
    body = response.json()
    return (
        response.status_code == status
        and response["Content-Type"] == "application/json; charset=utf-8"
        and len(body) == 1
        and body[0]["code"] == status
        and body[0]["description"]
    )


def publish(letter, django_user_model):
    """Take a letter through dispatch, acceptance, reply and review to the public disclosure."""
    user = django_user_model.objects.get
    services.dispatch(letter, OrgUnit.objects.get(name="宿迁市水利局"), actor=user(username="admin"))
    services.accept(letter, actor=user(username="slj-handler"))
    services.reply(letter, "王五您好，已清理。", actor=user(username="slj-handler"))
    return services.approve(letter, actor=user(username="slj-leader"), publish=True)


def test_it_lists_one_service_per_kind(client):
    response = get(client, "services.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    services_ = response.json()
    assert [s["service_code"] for s in services_] == Kind.values
    assert [s["service_name"] for s in services_] == Kind.labels
    assert all(
        s["metadata"] is False
        and s["type"] == "realtime"
        and s["group"] == "网民留言"
        and s["keywords"] == ""
        for s in services_
    )
    assert "工作日内答复" in services_[0]["description"]


def test_it_describes_a_known_service_and_not_an_unknown_one(client):
    assert get(client, "services/consult.json").json() == {"service_code": "consult", "attributes": []}
    assert is_error(get(client, "services/nothing.json"), 404)
    assert is_error(get(client, "services.xml"), 404)


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_it_hands_in_a_letter_on_the_channel_of_its_key(client):
    response = post(client)
    assert response.status_code == 201
    [answer] = response.json()
    letter = Letter.objects.get(query_code=answer["service_request_id"])
    assert answer["account_id"] is None and letter.query_code in answer["service_notice"]
    assert "查询密码" in answer["service_notice"]
    assert letter.channel == "hotline" and letter.site.hostname == "slj.localhost"
    assert (
        letter.kind == "complaint" and letter.contact_name == "王五" and letter.contact_phone == "13600000000"
    )
    assert letter.title == "河道漂浮垃圾无人清理" and letter.may_publish and letter.state == State.SUBMITTED
    assert letter.content.startswith("河道漂浮垃圾无人清理\n请尽快处理。")
    assert "宿城区幸福路（位置：33.96, 118.28）" in letter.content


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_it_files_on_the_default_site_and_keeps_an_http_link_and_a_given_title(client):
    changes = {
        "jurisdiction_id": "",
        "lat": "",
        "long": "",
        "media_url": "https://example.com/photo.jpg",
        "attribute[title]": "河道垃圾",
        "attribute[may_publish]": "no",
    }
    assert is_error(post(client, changes), 400)  # the demo group has no default site
    Site.objects.filter(hostname="127.0.0.1").update(is_default_site=True)
    [answer] = post(client, changes).json()
    letter = Letter.objects.get(query_code=answer["service_request_id"])
    assert letter.site == Site.objects.get(is_default_site=True) and letter.title == "河道垃圾"
    assert "附件链接：https://example.com/photo.jpg" in letter.content and "位置" not in letter.content
    assert not letter.may_publish


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_it_accepts_multipart_form_data_too(client):
    response = client.post(f"{BASE}/requests.json", {**GOOD, "api_key": "app-secret"}, **HOST)
    assert response.status_code == 201
    assert Letter.objects.get(query_code=response.json()[0]["service_request_id"]).channel == "app"


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_it_treats_a_retry_with_the_same_external_id_as_one_letter(client):
    first = post(client, {"attribute[external_id]": "12345-0001"})
    again = post(client, {"attribute[external_id]": "12345-0001"})
    assert first.status_code == 201 and again.status_code == 200
    code = first.json()[0]["service_request_id"]
    assert again.json()[0]["service_request_id"] == code and "此前已受理" in again.json()[0]["service_notice"]
    password = first.json()[0]["service_notice"].split("查询密码 ")[1][:6]
    # The channel's retry gets the same password again: a lost first answer loses nothing.
    assert f"查询密码 {password}" in again.json()[0]["service_notice"]
    assert Letter.objects.filter(external_id="12345-0001").count() == 1


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
@pytest.mark.parametrize("key", [None, "", "guess", "HOTLINE-SECRET", "nosuch-secret"])
def test_it_refuses_a_missing_or_wrong_api_key_and_stores_nothing(client, key):
    before = Letter.objects.count()
    form = {**GOOD, "api_key": key} if key is not None else {k: v for k, v in GOOD.items() if k != "api_key"}
    response = client.post(f"{BASE}/requests.json", urlencode(form), content_type=FORM, **HOST)
    assert is_error(response, 403)
    assert Letter.objects.count() == before


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
@pytest.mark.parametrize(
    "changes",
    [
        {"service_code": "nothing"},
        {"service_code": "<script>alert(1)</script>"},
        {"jurisdiction_id": "' OR 1=1 --"},
        {"jurisdiction_id": "nowhere.example"},
        {"phone": "110"},
        {"phone": "1360000000０"},
        {"description": "   "},
        {"description": "长" * 5001},
        {"description": "长" * 4990},  # with the address and location appended, too long
        {"description": "null\x00byte"},
        {"lat": "north"},
        {"lat": "91"},
        {"lat": "nan"},
        {"long": ""},
        {"media_url": "javascript:alert(document.cookie)"},
        {"media_url": "ftp://example.com/a.jpg"},
        {"first_name": "", "last_name": ""},
        {"email": "not-an-email"},
        {"attribute[external_id]": "x" * 65},
        {"attribute[title]": "题" * 101},
    ],
)
def test_it_refuses_hostile_or_broken_input_in_open311_format_and_stores_nothing(client, changes):
    before = Letter.objects.count()
    response = post(client, changes)
    assert is_error(response, 400)
    text = response.content.decode()
    assert all(value not in text for value in changes.values() if len(value.strip()) >= 4)
    assert Letter.objects.count() == before


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
@pytest.mark.parametrize(
    "body",
    [
        urlencode(GOOD, encoding="gbk").encode(),  # percent-encoded GBK
        "&".join(f"{k}={v}" for k, v in GOOD.items()).encode("gbk"),  # raw GBK bytes
        b"\xff\xfe\x00",
    ],
)
def test_it_refuses_a_body_that_is_not_utf8_cleanly(client, body):
    before = Letter.objects.count()
    response = client.post(f"{BASE}/requests.json", body, content_type=FORM, **HOST)
    assert is_error(response, 400) and "UTF-8" in response.json()[0]["description"]
    assert Letter.objects.count() == before


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_it_reads_gbk_when_the_body_declares_it(client):
    body = urlencode(GOOD, encoding="gbk")
    response = client.post(f"{BASE}/requests.json", body, content_type=f"{FORM}; charset=GBK", **HOST)
    assert response.status_code == 201
    assert Letter.objects.get(query_code=response.json()[0]["service_request_id"]).contact_name == "王五"


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_it_answers_429_when_the_web_channel_limit_is_reached(client):
    codes = [post(client, {"api_key": "web-secret"}).status_code for _ in range(5)]
    assert codes == [201] * 5
    assert is_error(post(client, {"api_key": "web-secret"}), 429)


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_it_keeps_markup_as_text_and_returns_it_as_a_json_string(client, django_user_model):
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    [answer] = post(client, {"description": f"王五反映：{payload}"}).json()
    letter = Letter.objects.get(query_code=answer["service_request_id"])
    assert payload in letter.content
    publish(letter, django_user_model)
    response = get(client, f"requests/{letter.query_code}.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    [item] = response.json()
    assert payload in item["description"] and item["status"] == "closed"
    assert "王五" not in item["description"] and "王*" in item["description"]  # masked
    assert "33.96" not in item["description"] and "王五" not in item["status_notes"]


@time_machine.travel(DEMO_NOW)
@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_it_lists_only_published_letters_and_no_contact_data(client):
    post(client, {"description": "绝不公开的留言内容", "attribute[may_publish]": "1"})
    response = get(client, "requests.json")
    assert response.status_code == 200
    items, text = response.json(), response.content.decode()
    published = Letter.objects.filter(state=State.PUBLISHED, external_id__startswith="DEMO-")
    assert published.count() == 2
    assert [i["service_request_id"] for i in items] == [
        letter.query_code for letter in published.order_by("-received_at")
    ]
    assert all(i["status"] == "closed" and i["description"] and i["status_notes"] for i in items)
    assert items[0]["requested_datetime"].endswith("+08:00")
    for letter in Letter.objects.exclude(state=State.PUBLISHED):
        assert letter.content not in text and letter.query_code not in text
    assert "演示用户" not in text and "1380000" not in text and "13600000000" not in text
    assert "绝不公开" not in text
    assert get(client, "requests.json", status="open").json() == []
    assert (
        len(get(client, "requests.json", jurisdiction_id="slj.localhost", service_code="consult").json()) == 1
    )
    assert get(client, "requests.json", jurisdiction_id="jyj.localhost").json() == []


@time_machine.travel(DEMO_NOW.replace(year=2027, month=3))
def test_it_lists_the_last_90_days_unless_asked_for_an_earlier_window(client):
    assert get(client, "requests.json").json() == []
    window = {"start_date": "2026-10-01T00:00:00+08:00", "end_date": "2026-11-30 23:00"}
    assert len(get(client, "requests.json", **window).json()) == 2
    unescaped = f"{BASE}/requests.json?start_date=2026-10-01T00:00:00+08:00&end_date=2026-11-30T00:00Z"
    assert len(client.get(unescaped, **HOST).json()) == 2  # a "+" a client forgot to escape


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45T00:00:00"},
        {"start_date": "0001-01-01T00:00:00+08:00"},
        {"status": "pending"},
        {"service_code": "<script>"},
        {"jurisdiction_id": "' OR 1=1 --"},
        {"service_request_id": "'; DROP TABLE x; --"},
        {"service_request_id": ",".join(["ABCDEFGHJK"] * 51)},
    ],
)
def test_it_refuses_bad_search_parameters(client, params):
    assert is_error(get(client, "requests.json", **params), 400)


def test_it_follows_letters_by_id_showing_only_the_status_of_unpublished_ones(client):
    closed = Letter.objects.get(external_id="DEMO-11")  # answered, not published
    public = Letter.objects.get(external_id="DEMO-10")
    response = get(client, "requests.json", service_request_id=f"{closed.query_code}, {public.query_code}")
    first, second = response.json()
    assert first["service_request_id"] == closed.query_code and first["status"] == "closed"
    assert first["service_code"] == "help" and first["agency_responsible"] == "宿迁市教育局"
    assert first["expected_datetime"].endswith("+08:00")
    assert not {"description", "status_notes", "address", "lat", "long"} & first.keys()
    assert closed.title not in response.content.decode()  # the published letter's reply is the same text
    assert closed.reply not in json.dumps(first, ensure_ascii=False)
    assert second["description"] and second["status_notes"]
    open_letter = Letter.objects.get(external_id="DEMO-5")
    [item] = get(client, f"requests/{open_letter.query_code.lower()}.json").json()
    assert item["status"] == "open" and "description" not in item


@override_settings(HUIMIN_LETTER_TOKENS=TOKENS)
def test_it_takes_requests_without_a_csrf_token():
    response = post(Client(enforce_csrf_checks=True))
    assert response.status_code == 201


def test_it_answers_404_for_an_unknown_request(client):
    assert is_error(get(client, "requests/NOSUCHCODE.json"), 404)
    assert is_error(get(client, "requests/<script>.json"), 404)


def test_it_answers_405_to_a_wrong_method(client):
    response = client.put(f"{BASE}/requests.json", "x=1", content_type=FORM, **HOST)
    assert is_error(response, 405) and "POST" in response["Allow"]
    assert is_error(client.post(f"{BASE}/services.json", {}, **HOST), 405)
    assert is_error(client.delete(f"{BASE}/requests/NOSUCHCODE.json", **HOST), 405)


def test_its_json_is_not_escaped_to_ascii(client):
    assert "网民留言" in get(client, "services.json").content.decode()
    assert json.loads(get(client, "services.json").content)[0]["group"] == "网民留言"
