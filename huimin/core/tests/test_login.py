"""Staff login: fifty wrong passwords lock the account (the right one is then refused too) until the window
passes or an administrator unlocks it; every login, logout and failure is audited; an idle session ends;
weak passwords and the last five passwords are refused; the admin answers only on the admin hosts when so
configured."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from wagtail.models import ModelLogEntry

from huimin.core import otp
from huimin.core.models import PreviousPassword

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LOGIN = "/admin/login/"
ADMIN_HOST = {"HTTP_HOST": "127.0.0.1:8000"}
GOOD_PASSWORD = "Qiang-mima-2026!"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def clerk(demo, django_user_model):
    user = django_user_model.objects.create_superuser("clerk", password=GOOD_PASSWORD)
    return user


def _login(client, password, username="clerk", address="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **ADMIN_HOST)


def _actions(user) -> list[str]:
    return list(ModelLogEntry.objects.for_instance(user).values_list("action", flat=True))


def test_fifty_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, clerk, clock):
    for _ in range(50):
        assert _login(client, "wrong-password").status_code == 200
    refused = _login(client, GOOD_PASSWORD)
    assert refused.status_code == 200 and "暂停登录 15 分钟" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # From another address too: the account itself is locked.
    assert "暂停登录" in _login(Client(), GOOD_PASSWORD, address="203.0.113.5").content.decode()
    clock.shift(timedelta(minutes=16))  # the lock lifts by itself
    assert _login(client, GOOD_PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_an_administrator_unlocks_an_account_at_once(client, clerk):
    for _ in range(5):
        _login(client, "wrong-password")
    assert "暂停登录" in _login(client, GOOD_PASSWORD).content.decode()
    out = StringIO()
    call_command("login-unlock", "--user", "CLERK", stdout=out)  # user names are matched without case
    assert "清除了 5 条" in out.getvalue()
    assert _login(client, GOOD_PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_locked_out(client, clerk, django_user_model):
    for n in range(20):
        _login(client, "guess", username=f"nobody{n}", address="192.0.2.66")
    assert "暂停登录" in _login(client, GOOD_PASSWORD, address="192.0.2.66").content.decode()
    assert _login(Client(), GOOD_PASSWORD, address="192.0.2.67").status_code == 302


def test_logins_logouts_and_failures_are_audited_with_the_address(client, clerk):
    _login(client, "wrong-password")
    assert _login(client, GOOD_PASSWORD).status_code == 302
    client.post("/admin/logout/", **ADMIN_HOST)
    assert _actions(clerk) == ["huimin.logout", "huimin.login", "huimin.login_failed"]
    entry = ModelLogEntry.objects.for_instance(clerk).get(action="huimin.login")
    assert entry.data["address"] == "198.51.100.7" and entry.user == clerk


def test_an_idle_session_ends_and_a_busy_one_goes_on(client, clerk, clock):
    backup_codes = otp.new_backup_codes(clerk, actor=clerk)  # a superuser passes a second step too
    assert _login(client, GOOD_PASSWORD).status_code == 302
    assert (
        client.post("/admin/two-factor/verify/", {"code": backup_codes[0]}, **ADMIN_HOST).status_code == 302
    )
    for _ in range(4):  # active every 20 minutes for over an hour
        clock.shift(timedelta(minutes=20))
        assert client.get("/admin/", **ADMIN_HOST).status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get("/admin/", **ADMIN_HOST)
    assert response.status_code == 302 and LOGIN in response["Location"]
    logout = ModelLogEntry.objects.for_instance(clerk).get(action="huimin.logout")
    assert logout.data["idle"] is True


@pytest.mark.parametrize(
    "password",
    ["suqian2026", "Suqian2026", "abcdefghijkl", "123456789012", "Password1234", "clerk-clerk-clerk"],
)
def test_weak_passwords_are_refused_in_chinese(clerk, password):
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=clerk)
    assert any("密码" in message for message in error.value.messages)


def test_a_strong_password_is_accepted(clerk):
    validate_password("Huimin-shuiLi-2026", user=clerk)


@override_settings(HUIMIN_ADMIN_ONLY_ON_ADMIN_HOSTS=True)
def test_the_admin_answers_only_on_the_admin_hosts_when_configured(client, clerk):
    assert client.get(LOGIN, HTTP_HOST="slj.localhost:8000").status_code == 404
    assert client.get("/", HTTP_HOST="slj.localhost:8000").status_code == 200
    assert client.get(LOGIN, **ADMIN_HOST).status_code == 200


def _change(user, password):
    """As the admin's password forms do: check the new password, then set it."""
    form = SetPasswordForm(user, {"new_password1": password, "new_password2": password})
    assert form.is_valid(), form.errors
    form.save()


def test_the_last_five_passwords_are_refused_and_the_sixth_last_is_allowed_again(clerk):
    passwords = [GOOD_PASSWORD] + [f"Xin-mima-{n}-2026!" for n in range(1, 6)]  # six, set one after another
    for password in passwords[1:]:
        _change(clerk, password)
    for recent in passwords[1:]:
        with pytest.raises(ValidationError) as error:
            validate_password(recent, user=clerk)
        assert error.value.messages == ["不能使用最近 5 次用过的密码，请换一个新密码。"]
    validate_password(GOOD_PASSWORD, user=clerk)  # the oldest has left the history
    assert PreviousPassword.objects.filter(user=clerk).count() == 5
    assert all(p.password.startswith("md5$") for p in PreviousPassword.objects.filter(user=clerk))


def test_a_reused_password_is_refused_by_the_change_password_form(clerk):
    _change(clerk, "Xin-mima-1-2026!")
    form = SetPasswordForm(clerk, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert not form.is_valid()
    assert form.errors["new_password2"] == ["不能使用最近 5 次用过的密码，请换一个新密码。"]
    _change(clerk, "Huimin-shuiLi-2026")
    assert PreviousPassword.objects.filter(user=clerk).count() == 3


def test_the_current_password_is_refused_even_when_set_before_the_history_was_kept(clerk):
    PreviousPassword.objects.filter(user=clerk).delete()
    with pytest.raises(ValidationError):
        validate_password(GOOD_PASSWORD, user=clerk)


def test_a_new_account_has_no_history_to_check(django_user_model):
    validate_password("Huimin-shuiLi-2026", user=django_user_model(username="newcomer"))
    validate_password("Huimin-shuiLi-2026", user=None)
