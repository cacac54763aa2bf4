"""我的数据: everything about me as one JSON download; closing the account erases what may be erased, keeps
letters and applications (detached) as the law requires, says so, and ends the session everywhere."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from wagtail.models import ModelLogEntry

from huimin.accounts import mine, personal_data
from huimin.accounts.enums import TagSource
from huimin.accounts.models import Account, AccountTag
from huimin.accounts.tests.factories import PASSWORD, AccountFactory
from huimin.disclosure.models import Application
from huimin.letters.models import Letter
from huimin.sites.tests.html import soup

from .mine_records import HOST, NOW, SQL, XSS, send_application, write_letter

pytestmark = pytest.mark.django_db
URL = "/accounts/data/"


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = HOST
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def owner(client):
    account = AccountFactory(display_name="王小明", email="wxm@example.com")
    AccountTag.objects.create(account=account, key="group", value="老年人", source=TagSource.CHOSEN)
    client.force_login(account.user)
    return account


def _export(client):
    return client.post(URL, {"action": "export"})


def _errors(response) -> str:
    summary = soup(response.content).select_one("#error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


# --- export --------------------------------------------------------------------------------------------


def test_my_data_downloads_as_one_json_attachment_never_stored_by_caches(client, owner):
    response = _export(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="my-data-20261123.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content.decode("utf-8"))
    assert data["format"] == "huimin-personal-data" and data["version"] == 1
    assert data["exported_at"].startswith("2026-11-23T09:30")
    assert set(data["labels"]) == {holder.name for holder in personal_data.holders()}
    assert {"account", "letters", "applications"} <= set(data)
    assert data["account"]["display_name"] == "王小明" and data["account"]["email"] == "wxm@example.com"
    assert data["account"]["tags"] == [
        {"key": "group", "label": "人群", "value": "老年人", "source": "本人选择"}
    ]
    assert "王小明" in response.content.decode("utf-8")  # readable Chinese, not \\u escapes


def test_the_export_holds_my_letters_and_applications_and_nothing_of_anothers(client, owner):
    other = AccountFactory()
    letter, _ = write_letter(author=owner.user, title="我的留言", content=f"内容{XSS}{SQL}")
    write_letter(author=other.user, title="别人的留言")
    write_letter(title="匿名的留言")
    application, _ = send_application(author=owner.user, name="王小明")
    send_application(author=other.user, name="别人")
    data = json.loads(_export(client).content)
    assert [item["title"] for item in data["letters"]] == ["我的留言"]
    assert data["letters"][0]["query_code"] == letter.query_code
    assert data["letters"][0]["content"] == f"内容{XSS}{SQL}"  # the data as it is: a file, not a page
    assert [item["query_code"] for item in data["applications"]] == [application.query_code]
    assert data["applications"][0]["id_number"] == application.id_number
    text = json.dumps(data, ensure_ascii=False)
    assert "别人的留言" not in text and "匿名的留言" not in text and "别人" not in text.replace("别人的", "")
    assert "query_password" not in text and "pbkdf2" not in text


def test_every_export_is_in_the_audit_log_without_the_persons_name(client, owner):
    _export(client)
    entry = ModelLogEntry.objects.get(action=mine.EXPORT, object_id=str(owner.pk))
    assert entry.label == f"用户账号 {owner.pk}" and "王小明" not in json.dumps(
        entry.data, ensure_ascii=False
    )
    assert entry.user_id == owner.user_id and entry.data["format"] == "json"


def test_only_a_signed_in_citizen_can_export(client, django_user_model):
    assert _export(client).status_code == 302
    client.force_login(django_user_model.objects.create_user("editor", is_staff=True))
    assert _export(client).status_code == 403


def test_an_unknown_action_just_shows_the_page(client, owner):
    response = client.post(URL, {"action": f"{XSS}\x00"})
    assert response.status_code == 200 and soup(response.content).select_one("h1").get_text() == "我的数据"
    assert Account.objects.filter(pk=owner.pk).exists()


# --- closing the account -------------------------------------------------------------------------------


def _delete(client, password=PASSWORD, understood=True, **extra):
    data = {"action": "delete", "password": password, **extra}
    if understood:
        data["understood"] = "on"
    return client.post(URL, data)


def test_closing_erases_the_account_keeps_letters_and_applications_detached_and_says_why(client, owner):
    letter, letter_password = write_letter(author=owner.user)
    application, _ = send_application(author=owner.user)
    user_id, account_id = owner.user_id, owner.pk
    session_key = client.session.session_key
    response = _delete(client)
    assert response.status_code == 302 and response["Location"] == URL
    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not Account.objects.filter(pk=account_id).exists()
    assert not AccountTag.objects.filter(account_id=account_id).exists()
    assert not Session.objects.filter(session_key=session_key).exists()
    letter.refresh_from_db()
    application.refresh_from_db()
    assert letter.author is None and application.author is None  # kept, detached
    from huimin.letters.services import check_query

    assert check_query(letter.query_code, letter_password) == letter  # still followed with its password
    page = client.get(URL)
    assert page.status_code == 200
    body = soup(page.content)
    assert body.select_one("h1").get_text() == "账号已注销"
    kept = body.select_one(".mine-kept").get_text()
    assert "1 件留言" in kept and "1 件政府信息公开申请" in kept and "政府信息公开条例" in kept
    assert client.get("/accounts/").status_code == 302  # signed out
    entry = ModelLogEntry.objects.get(action=mine.DELETE, object_id=str(account_id))
    assert entry.label == f"用户账号 {account_id}" and entry.data["kept"] == [
        "我的留言",
        "我的申请（依申请公开）",
    ]


def test_closing_an_account_without_records_says_nothing_was_kept(client, owner):
    _delete(client)
    page = soup(client.get(URL).content)
    assert page.select_one(".mine-kept") is None and "已全部删除" in page.get_text()


def test_the_session_of_the_account_ends_on_every_host(client, owner):
    other_host = Client(HTTP_HOST="shuyang.localhost")
    other_host.cookies["sessionid"] = client.cookies["sessionid"].value  # the group's one session key
    assert other_host.get("/accounts/").status_code == 200
    _delete(client)
    assert other_host.get("/accounts/").status_code == 302


def test_a_wrong_password_closes_nothing_and_tries_are_limited(client, owner, settings):
    settings.HUIMIN_ACCOUNT_DELETE_FAILURES_PER_HOUR = 3
    for _ in range(3):
        response = _delete(client, password="wrong-password")
        assert response.status_code == 400 and "登录密码不正确。" in _errors(response)
    blocked = _delete(client)
    assert blocked.status_code == 429 and "确认失败次数过多" in _errors(blocked)
    assert Account.objects.filter(pk=owner.pk).exists()
    with time_machine.travel(NOW + timedelta(hours=1, minutes=1), tick=False):
        assert _delete(client).status_code == 302


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"understood": False}, "请勾选确认您已了解注销的后果。"),
        ({"password": ""}, "请填写此项。"),
        ({"password": "x" * 5000}, "最多 128 个字"),
        ({"password": f"{PASSWORD}\x00"}, "控制字符"),
        ({"password": SQL}, "登录密码不正确。"),
    ],
)
def test_a_broken_confirmation_closes_nothing(client, owner, changes, message):
    understood = changes.pop("understood", True)
    response = _delete(client, understood=understood, **changes)
    assert response.status_code == 400 and message in _errors(response)
    assert Account.objects.filter(pk=owner.pk).exists()


def test_a_post_without_the_csrf_token_is_refused(owner):
    guarded = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)
    guarded.force_login(owner.user)
    response = guarded.post(URL, {"action": "delete", "password": PASSWORD, "understood": "on"})
    assert response.status_code == 403
    assert Account.objects.filter(pk=owner.pk).exists()


def test_an_account_signed_in_through_the_province_closes_only_soon_after_signing_in(client):
    account = AccountFactory(oidc_issuer="https://sso.example.gov.cn", oidc_subject="abc")
    account.user.set_unusable_password()
    account.user.last_login = NOW - timedelta(minutes=30)
    account.user.save()
    client.force_login(account.user)  # sets last_login to now
    get_user_model().objects.filter(pk=account.user_id).update(last_login=NOW - timedelta(minutes=30))
    page = soup(client.get(URL).content)
    assert page.select_one("#id_password") is None and "10 分钟内" in page.get_text()
    late = _delete(client, password="")
    assert late.status_code == 400 and "重新登录" in _errors(late)
    get_user_model().objects.filter(pk=account.user_id).update(last_login=NOW - timedelta(minutes=5))
    assert _delete(client, password="").status_code == 302
    assert not Account.objects.filter(pk=account.pk).exists()


def test_a_failing_holder_erases_nothing(client, owner, monkeypatch):
    letter, _ = write_letter(author=owner.user)

    def broken(account):
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        personal_data.HOLDERS, "broken", personal_data.Holder("broken", "坏的", lambda a: None, broken)
    )
    with pytest.raises(RuntimeError):
        mine.delete_account(owner, address="127.0.0.1", now=NOW)
    assert Account.objects.filter(pk=owner.pk).exists()
    assert Letter.objects.get(pk=letter.pk).author == owner.user


def test_one_account_cannot_close_another(client, owner):
    other = AccountFactory()
    letter, _ = write_letter(author=other.user)
    _delete(client)
    assert Account.objects.filter(pk=other.pk).exists()
    assert Letter.objects.get(pk=letter.pk).author == other.user
    assert Application.objects.filter(author=other.user).count() == 0
