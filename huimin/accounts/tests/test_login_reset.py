"""找回密码 (/accounts/reset/): a reset code to the registered address, then a new password; every session of
the account ends and its login lock is lifted. An unknown address reads the same and receives nothing."""

from __future__ import annotations

import logging

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from wagtail.models import ModelLogEntry

from huimin.accounts import services
from huimin.accounts.tests.factories import PASSWORD, AccountFactory
from huimin.sites.tests.html import soup

from .auth_steps import (
    HUB,
    NEW_PASSWORD,
    NOW,
    SQL,
    XSS,
    clear_outboxes,
    last_code,
    messages_to,
    new_mobile,
    step_token,
)

pytestmark = pytest.mark.django_db
URL = "/accounts/reset/"


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = HUB
    clear_outboxes()
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def citizen():
    return AccountFactory(display_name="王小明")


def _errors(response) -> str:
    summary = soup(response.content).select_one("#error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def _reset(client, token: str, code: str, password: str = NEW_PASSWORD, **changes):
    data = {"step": "reset", "token": token, "code": code, "password1": password, "password2": password}
    return client.post(URL, {**data, **changes})


def _login(client, login: str, password: str):
    return client.post("/accounts/login/", {"step": "password", "login": login, "password": password})


@override_settings(HUIMIN_LOGIN_FAILURES_PER_ACCOUNT=2)
def test_a_citizen_resets_the_password_with_a_code_and_every_old_session_ends(client, citizen, caplog):
    caplog.set_level(logging.INFO, logger="huimin.accounts")
    elsewhere = Client(HTTP_HOST=HUB, REMOTE_ADDR="10.0.0.8")
    assert _login(elsewhere, citizen.mobile, PASSWORD).status_code == 302
    for _ in range(2):
        _login(client, citizen.mobile, "Forgotten-password-1")
    assert "暂停密码登录" in _errors(_login(client, citizen.mobile, PASSWORD))

    assert "找回密码" in soup(client.get(URL).content).select_one("h1").get_text()
    response = client.post(URL, {"step": "send", "address": citizen.mobile, "next": "/zcwj/"})
    assert response.status_code == 200
    (text,) = messages_to(citizen.mobile)
    assert "找回密码验证码是" in text
    response = _reset(client, step_token(response), last_code(citizen.mobile), next="/zcwj/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fzcwj%2F&done=reset"
    page = soup(client.get(response["Location"]).content)
    assert "密码已重设，请用新密码登录" in page.select_one(".notice").get_text()

    citizen.user.refresh_from_db()
    assert citizen.user.check_password(NEW_PASSWORD) and not citizen.user.check_password(PASSWORD)
    assert not elsewhere.get("/accounts/logout/").wsgi_request.user.is_authenticated
    assert _login(client, citizen.mobile, NEW_PASSWORD).status_code == 302  # the lock is lifted
    entry = ModelLogEntry.objects.get(action=services.PASSWORD_RESET, object_id=str(citizen.user.pk))
    assert entry.data["user"] == citizen.masked_login()
    assert NEW_PASSWORD not in caplog.text and citizen.mobile not in caplog.text
    assert last_code(citizen.mobile) not in caplog.text


def test_an_unknown_address_reads_the_same_and_receives_nothing(client, citizen):
    unknown = new_mobile()
    seen = []
    for mobile in (citizen.mobile, unknown):
        response = client.post(URL, {"step": "send", "address": mobile})
        assert response.status_code == 200
        notice = soup(response.content).select_one(".code-notice").get_text()
        seen.append(notice.replace(f"{mobile[:3]}****{mobile[-4:]}", "…"))
        seen.append(_errors(_reset(client, step_token(response), "000000")))
    assert seen[:2] == seen[2:]
    assert messages_to(unknown) == []


def test_the_new_password_follows_the_rules_and_is_not_a_recent_one(client, citizen):
    response = client.post(URL, {"step": "send", "address": citizen.mobile})
    token, code = step_token(response), last_code(citizen.mobile)
    assert "密码太短" in _errors(_reset(client, token, code, "Short-1a"))
    assert "不能使用最近 5 次用过的密码" in _errors(_reset(client, token, code, PASSWORD))
    response = _reset(client, token, code, password2=NEW_PASSWORD + "x")
    assert "两次输入的密码不一致" in _errors(response)
    # None of these refusals spent the code.
    assert _reset(client, token, code).status_code == 302


def test_a_wrong_code_sets_nothing(client, citizen):
    response = client.post(URL, {"step": "send", "address": citizen.mobile})
    code = last_code(citizen.mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert "验证码不正确" in _errors(_reset(client, step_token(response), wrong))
    citizen.user.refresh_from_db()
    assert citizen.user.check_password(PASSWORD)


@pytest.mark.parametrize("address", [XSS, SQL, "1390000\x000001", "x" * 400])
def test_hostile_addresses_are_refused(client, address):
    response = client.post(URL, {"step": "send", "address": address})
    assert response.status_code == 400 and _errors(response) and XSS.encode() not in response.content


def test_a_staff_address_cannot_be_reset_here(client, django_user_model):
    django_user_model.objects.create_user(
        "reset.staff", "reset.staff@example.org", "Staff-pass-2026", is_staff=True
    )
    response = client.post(URL, {"step": "send", "address": "reset.staff@example.org"})
    assert response.status_code == 200 and messages_to("reset.staff@example.org") == []
    assert SESSION_KEY not in client.session
