"""Sign-in (/accounts/login/) with a password or a login code, its limits, the refusal of staff, where `next`
may lead, how long a citizen's session lasts, and sign-out (/accounts/logout/)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from wagtail.models import ModelLogEntry

from huimin.accounts import services
from huimin.accounts.tests.factories import PASSWORD, AccountFactory
from huimin.sites.tests.html import soup

from .auth_steps import (
    HUB,
    NOW,
    OTHER,
    SQL,
    XSS,
    clear_outboxes,
    last_code,
    messages_to,
    new_mobile,
    step_token,
)

pytestmark = pytest.mark.django_db
URL = "/accounts/login/"


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = HUB
    clear_outboxes()
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def citizen():
    return AccountFactory(display_name="王小明", email="wang.xiaoming@example.org")


def _login(client, login: str, password: str = PASSWORD, **extra):
    return client.post(URL, {"step": "password", "login": login, "password": password, **extra})


def _errors(response) -> str:
    summary = soup(response.content).select_one("#error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def test_the_login_page_offers_both_ways_and_the_other_pages(client):
    response = client.get(URL + "?next=/zcwj/")
    assert response.status_code == 200
    page = soup(response.content)
    assert page.select_one("h1").get_text() == "登录"
    assert page.select_one(".login-methods a[aria-current=page]").get_text() == "密码登录"
    assert page.select_one("#id_login")["autocomplete"] == "username"
    assert page.select_one("#id_password")["autocomplete"] == "current-password"
    links = {a.get_text(): a["href"] for a in page.select(".account-alternatives a")}
    assert links == {
        "忘记密码？": "/accounts/reset/?next=%2Fzcwj%2F",
        "立即注册": "/accounts/register/?next=%2Fzcwj%2F",
    }
    assert page.select_one("input[name=next]")["value"] == "/zcwj/"


@pytest.mark.parametrize("how", ["mobile", "spaced", "full_width", "email", "email_upper"])
def test_a_citizen_signs_in_with_the_mobile_number_or_the_email_address(client, citizen, how):
    login = {
        "mobile": citizen.mobile,
        "spaced": f"+86 {citizen.mobile[:3]} {citizen.mobile[3:7]} {citizen.mobile[7:]}",
        "full_width": "".join(chr(ord(c) + 0xFEE0) for c in citizen.mobile),
        "email": citizen.email,
        "email_upper": citizen.email.upper(),
    }[how]
    response = _login(client, login, next="/zcwj/")
    assert response.status_code == 302 and response["Location"] == "/zcwj/"
    assert int(client.session[SESSION_KEY]) == citizen.user.pk
    entry = ModelLogEntry.objects.filter(action="huimin.login", object_id=str(citizen.user.pk)).get()
    assert entry.data["address"] == "127.0.0.1"


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(client, citizen):
    wrong = _errors(_login(client, citizen.mobile, "Wrong-password-1"))
    unknown = _errors(_login(client, "13999999999", "Wrong-password-1"))
    assert wrong == unknown and "手机号码（或邮箱）或密码不正确" in wrong
    assert SESSION_KEY not in client.session


@override_settings(HUIMIN_LOGIN_FAILURES_PER_ACCOUNT=3, HUIMIN_LOGIN_LOCK_MINUTES=15)
def test_repeated_failures_lock_the_password_login_of_that_account(client, citizen, on_the_portal, caplog):
    caplog.set_level(logging.INFO, logger="huimin.accounts")
    for _ in range(3):
        assert _login(client, citizen.mobile, "Wrong-password-1").status_code == 400
    response = _login(client, citizen.mobile)  # the right password, but locked
    assert response.status_code == 400 and "暂停密码登录 15 分钟" in _errors(response)
    assert SESSION_KEY not in client.session
    entry = ModelLogEntry.objects.get(action=services.LOCKED_OUT, object_id=str(citizen.user.pk))
    assert entry.data["user"] == citizen.masked_login()
    assert "login locked" in caplog.text and citizen.mobile not in caplog.text
    assert "Wrong-password-1" not in caplog.text and PASSWORD not in caplog.text
    # Another account from the same address is not locked by it.
    other = AccountFactory()
    assert _login(client, other.mobile).status_code == 302
    client.logout()
    # A login code still works while the password is locked.
    response = client.post(URL, {"step": "send", "address": citizen.mobile})
    data = {"step": "code", "token": step_token(response), "code": last_code(citizen.mobile)}
    assert client.post(URL, data).status_code == 302
    client.logout()
    on_the_portal.shift(timedelta(minutes=15, seconds=1))
    assert _login(client, citizen.mobile).status_code == 302


@override_settings(HUIMIN_LOGIN_FAILURES_PER_IP=4)
def test_repeated_failures_from_one_address_lock_that_address(client, citizen):
    for _ in range(4):
        _login(client, new_mobile(), "Wrong-password-1")
    assert "暂停密码登录" in _errors(_login(client, citizen.mobile))
    elsewhere = Client(HTTP_HOST=HUB, REMOTE_ADDR="10.1.2.3")
    assert _login(elsewhere, citizen.mobile).status_code == 302


def test_citizen_failures_do_not_lock_the_staff_login_from_the_same_address(
    client, citizen, django_user_model
):
    with override_settings(HUIMIN_LOGIN_FAILURES_PER_IP=2):
        for _ in range(3):
            _login(client, citizen.mobile, "Wrong-password-1")
        from huimin.core.login import is_locked

        assert not is_locked("admin", "127.0.0.1")


def test_staff_are_refused_with_a_pointer_to_the_admin_login(client, django_user_model):
    staff = django_user_model.objects.create_user("editor.wang", "editor@example.org", "Staff-password-2026")
    staff.is_staff = True
    staff.save()
    for login in ("editor.wang", "editor@example.org"):
        response = _login(client, login, "Staff-password-2026")
        assert response.status_code == 400 and "请从管理后台登录（/admin/login/）" in _errors(response)
        assert SESSION_KEY not in client.session
    # With a wrong password nothing says it is a staff account.
    assert "手机号码（或邮箱）或密码不正确" in _errors(_login(client, "editor.wang", "nope"))


def test_a_citizen_session_lasts_the_configured_days_and_is_not_ended_by_the_staff_idle_rule(
    client, citizen, on_the_portal
):
    assert _login(client, citizen.mobile).status_code == 302
    assert client.session.get_expiry_age() == 14 * 24 * 3600
    on_the_portal.shift(timedelta(hours=3))  # far beyond HUIMIN_SESSION_IDLE_MINUTES (30)
    response = client.get("/accounts/logout/")
    assert response.wsgi_request.user == citizen.user
    on_the_portal.shift(timedelta(days=13))
    assert client.get("/accounts/logout/").wsgi_request.user == citizen.user


def test_the_staff_idle_rule_still_ends_a_staff_session(client, django_user_model, on_the_portal):
    staff = django_user_model.objects.create_superuser(
        "idle.admin", "idle@example.org", "Staff-password-2026"
    )
    client.force_login(staff)
    assert client.get("/accounts/logout/").wsgi_request.user == staff
    on_the_portal.shift(timedelta(minutes=31))
    assert not client.get("/accounts/logout/").wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com/",
        "javascript:alert(1)",
        "http://127.0.0.1.evil.example.com/",
        "http://user@127.0.0.1:8000/",
        "http://127.0.0.1:8000\\@evil.example.com/",
        "/accounts/\x00",
        "/" + "a" * 2100,
        " https://evil.example.com/",
    ],
)
def test_next_cannot_lead_out_of_the_group(client, citizen, target):
    response = _login(client, citizen.mobile, next=target)
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    assert client.get(URL, {"next": target}).status_code == 302  # signed in: sent on, to the same place
    assert client.get(URL, {"next": target})["Location"] == "/accounts/"


def test_next_may_lead_to_another_host_of_the_group_through_its_login_page(client, citizen):
    response = _login(client, citizen.mobile, next=f"http://{OTHER}/zcwj/")
    assert response.status_code == 200 and "正在完成登录" in response.content.decode()
    refresh = soup(response.content).select_one("meta[http-equiv=refresh]")["content"]
    assert refresh == f"0;url=http://{OTHER}/accounts/login/?next=%2Fzcwj%2F&check=1"
    assert "form-action 'self'" in response["Content-Security-Policy"]


def test_a_citizen_signs_in_with_a_login_code(client, citizen):
    response = client.get(URL + "?method=code")
    assert soup(response.content).select_one(".login-methods a[aria-current=page]").get_text() == "验证码登录"
    response = client.post(URL, {"step": "send", "address": citizen.email})
    assert response.status_code == 200
    notice = soup(response.content).select_one(".code-notice").get_text()
    assert notice == "如果 wa***@example.org 已注册账号，验证码已通过邮件发送到这个邮箱，10 分钟内有效。"
    (text,) = messages_to(citizen.email)
    assert "登录验证码是" in text
    data = {"step": "code", "token": step_token(response), "code": last_code(citizen.email)}
    response = client.post(URL, data)
    assert response.status_code == 302 and int(client.session[SESSION_KEY]) == citizen.user.pk


def test_a_login_code_for_an_unknown_address_reads_the_same_and_sends_nothing(client, citizen):
    unknown = new_mobile()
    answers = []
    for mobile in (citizen.mobile, unknown):
        response = client.post(URL, {"step": "send", "address": mobile})
        assert response.status_code == 200
        text = soup(response.content).select_one(".code-notice").get_text()
        answers.append(text.replace(mobile[-4:], "").replace(mobile[:3], ""))
        data = {"step": "code", "token": step_token(response), "code": "000000"}
        answers.append(_errors(client.post(URL, data)))
    assert answers[:2] == answers[2:]
    assert messages_to(unknown) == [] and len(messages_to(citizen.mobile)) == 1


@pytest.mark.parametrize("login", [XSS, SQL, "\x00", "a" * 300, ""])
def test_hostile_or_broken_logins_are_refused_without_harm(client, citizen, login):
    response = _login(client, login, password=SQL)
    assert response.status_code == 400 and _errors(response)
    assert XSS.encode() not in response.content
    assert SESSION_KEY not in client.session


def test_sign_out_asks_with_a_button_then_ends_the_session(client, citizen):
    assert _login(client, citizen.mobile).status_code == 302
    key = client.session.session_key
    page = soup(client.get("/accounts/logout/?next=/zcwj/").content)
    form = page.select_one("main form[method=post]")
    assert form.select_one("button").get_text() == "退出登录" and form.select_one(
        "[name=csrfmiddlewaretoken]"
    )
    strict = Client(enforce_csrf_checks=True, HTTP_HOST=HUB)
    strict.cookies = client.cookies
    assert strict.post("/accounts/logout/", {"next": "/"}).status_code == 403
    assert Session.objects.filter(session_key=key).exists()
    response = client.post("/accounts/logout/", {"next": "/zcwj/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/logout/?done=1&next=%2Fzcwj%2F"
    assert not Session.objects.filter(session_key=key).exists()
    page = soup(client.get(response["Location"]).content)
    assert page.select_one("h1").get_text() == "您已退出登录"
    assert page.select_one(".account-alternatives a")["href"] == "/zcwj/"
    assert ModelLogEntry.objects.filter(action="huimin.logout", object_id=str(citizen.user.pk)).exists()


def test_sign_out_never_leads_to_another_host(client, citizen):
    _login(client, citizen.mobile)
    response = client.post("/accounts/logout/", {"next": "https://evil.example.com/"})
    assert response["Location"] == "/accounts/logout/?done=1&next=%2F"


@pytest.mark.parametrize("login", ["admin\x00", "1390000\x000001", "a@b\x00.cn"])
def test_the_service_refuses_nul_bytes_without_asking_the_database(login):
    with pytest.raises(ValidationError, match="手机号码（或邮箱）或密码不正确"):
        services.authenticate(login, "Any-password-1", client_ip="10.0.0.9", now=NOW)
