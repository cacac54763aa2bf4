"""Staff second factor: a person with a confirmed device passes a second step (a code from an authenticator
app, or a backup code once) before any admin URL answers; platform roles must enrol before anything else in
the admin; wrong codes are throttled and audited; an administrator resets a lost device from the command
line; hostile input on the code field is a Chinese error, never a 500.

The personas: `clerk`, a superuser (must enrol); `keeper`, who holds a group-wide role (a membership with no
site, must enrol); the demo's `slj-editor`, a site editor (may enrol, need not)."""

import json
import logging
import re
import time
from datetime import datetime, timedelta
from io import StringIO
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from huimin.core import otp

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ADMIN_HOST = "127.0.0.1:8000"
PASSWORD = "Qiang-mima-2026!"
VERIFY = "/admin/two-factor/verify/"
SETUP = "/admin/two-factor/setup/"
MANAGE = "/admin/two-factor/"
ADMIN_URLS = ["/admin/", "/admin/pages/", "/admin/api/main/pages/", "/admin/choose-page/"]
BACKUP_CODES = re.compile(r"<code>([0-9a-z]{5}-[0-9a-z]{5})</code>")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def clerk(demo, django_user_model):
    return django_user_model.objects.create_superuser("clerk", password=PASSWORD)


@pytest.fixture
def keeper(demo, django_user_model):
    """A staff member with a group-wide role: a membership with no site (as the 三员 roles are)."""
    user = django_user_model.objects.create_user("keeper", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    membership = apps.get_model("huimin_sites", "Membership")
    org_unit = apps.get_model("huimin_sites", "OrgUnit").objects.first()
    membership.objects.create(user=user, org_unit=org_unit, site=None, role="security_admin")
    return user


@pytest.fixture
def editor(demo, django_user_model):
    user = django_user_model.objects.get(username="slj-editor")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def browser():
    return Client(HTTP_HOST=ADMIN_HOST, REMOTE_ADDR="198.51.100.7")


def _login(browser, user):
    response = browser.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return response


def _code(device, steps_ahead=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = otp.start_enrolment(user)
    enrolment = otp.confirm_enrolment(user, _code(device))
    return enrolment.device, enrolment.backup_codes


def _actions(user) -> list[str]:
    return list(ModelLogEntry.objects.for_instance(user).values_list("action", flat=True))


def _next_step(clock):
    clock.shift(timedelta(seconds=30))  # a TOTP code is good once: the next login needs the next one


def test_a_superuser_without_a_device_is_sent_to_enrol_and_reaches_nothing_else(browser, clerk):
    _login(browser, clerk)
    for url in ADMIN_URLS:
        response = browser.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), url
    assert browser.get(VERIFY)["Location"].startswith(SETUP)  # nothing to verify yet


def test_a_group_wide_role_must_enrol_too(browser, keeper):
    _login(browser, keeper)
    response = browser.get("/admin/pages/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


def test_a_site_editor_may_work_without_a_second_factor(browser, editor):
    _login(browser, editor)
    assert browser.get("/admin/").status_code == 200
    assert browser.get(MANAGE).status_code == 200  # and may enrol from 帐号 → 更多动作 → 两步验证
    assert browser.get(SETUP).status_code == 200


def test_enrolment_shows_a_qr_code_and_the_secret_and_is_confirmed_by_a_code(browser, clerk, clock, caplog):
    _login(browser, clerk)
    page = browser.get(SETUP)
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    assert page.status_code == 200 and "两步验证" in html
    assert "<svg" in html and "otpauth://" not in html  # the QR code is drawn here, nothing is fetched
    assert otp.secret_base32(device).replace(" ", "") in html.replace(" ", "")
    assert not INLINE_SCRIPT.search(html)
    assert browser.get(SETUP).content.decode().count(otp.secret_base32(device)) >= 1  # same secret on reload

    with caplog.at_level(logging.WARNING, logger="huimin.login"):
        wrong = browser.post(SETUP, {"code": "000000"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert "second factor failed" in caplog.text
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    clock.shift(timedelta(seconds=2))  # past the second's wait after a failure
    done = browser.post(SETUP, {"code": _code(device)})
    html = done.content.decode()
    assert done.status_code == 200 and "备用码" in html
    codes = BACKUP_CODES.findall(html)
    assert len(set(codes)) == 10
    assert not INLINE_SCRIPT.search(html)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    # The session that enrolled is verified: the admin is open at once.
    for url in ADMIN_URLS:
        assert browser.get(url).status_code == 200, url
    assert _actions(clerk)[:2] == ["huimin.otp.enrol", "huimin.otp.failed"]
    # The backup codes are shown once and kept only as keyed hashes.
    stored = set(StaticDevice.objects.get(user=clerk).token_set.values_list("token", flat=True))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes}


def test_every_admin_url_waits_for_the_second_step_and_public_pages_see_no_one(browser, clerk, clock):
    device, _ = _enrolled(clerk)
    _next_step(clock)
    _login(browser, clerk)
    for url in ADMIN_URLS:
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == (
            VERIFY if url == "/admin/" else f"{VERIFY}?{urlencode({'next': url})}"
        )
    # The second step page itself, and nothing the half-signed-in session could use to add a device.
    page = browser.get(VERIFY)
    assert page.status_code == 200 and "两步验证" in page.content.decode()
    assert not INLINE_SCRIPT.search(page.content.decode())
    assert browser.get(SETUP)["Location"].startswith(VERIFY)
    assert browser.get(MANAGE)["Location"].startswith(VERIFY)
    # Until then the session is nobody outside the admin either.
    assert not browser.get("/").wsgi_request.user.is_authenticated

    response = browser.post(VERIFY, {"code": _code(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response["Location"] == "/admin/pages/"
    for url in ADMIN_URLS:
        assert browser.get(url).status_code == 200, url
    assert browser.get("/").wsgi_request.user.is_authenticated
    assert _actions(clerk)[0] == "huimin.otp.verify"


def test_the_second_step_goes_only_to_a_local_next_address(browser, clerk, clock):
    device, _ = _enrolled(clerk)
    _next_step(clock)
    _login(browser, clerk)
    response = browser.post(VERIFY, {"code": _code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_wrong_code_is_refused_audited_and_logged(browser, clerk, clock, caplog):
    device, _ = _enrolled(clerk)
    _next_step(clock)
    _login(browser, clerk)
    with caplog.at_level(logging.WARNING, logger="huimin.login"):
        response = browser.post(VERIFY, {"code": _code(device, steps_ahead=5)})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert browser.get("/admin/").status_code == 302
    entry = ModelLogEntry.objects.for_instance(clerk).filter(action="huimin.otp.failed").first()
    assert entry.data["address"] == "198.51.100.7" and entry.data["throttled"] is False
    assert "second factor failed: account='clerk' address=198.51.100.7" in caplog.text


def test_repeated_wrong_codes_are_throttled_even_the_right_one(browser, clerk, clock):
    device, _ = _enrolled(clerk)
    _next_step(clock)
    _login(browser, clerk)
    right, wrong = _code(device), _code(device, steps_ahead=5)
    browser.post(VERIFY, {"code": wrong})
    refused = browser.post(VERIFY, {"code": right})  # at the same instant: wait a second first
    assert refused.status_code == 200 and "尝试过于频繁" in refused.content.decode()
    last = ModelLogEntry.objects.for_instance(clerk).filter(action="huimin.otp.failed").first()
    assert last.data["throttled"] is True
    clock.shift(timedelta(seconds=1))
    browser.post(VERIFY, {"code": wrong})  # the second failure: now wait two seconds
    clock.shift(timedelta(seconds=1))
    assert "尝试过于频繁" in browser.post(VERIFY, {"code": right}).content.decode()
    clock.shift(timedelta(seconds=1))
    assert browser.post(VERIFY, {"code": right}).status_code == 302
    assert browser.get("/admin/").status_code == 200


def test_a_backup_code_works_once(browser, clerk, clock):
    _, codes = _enrolled(clerk)
    _login(browser, clerk)
    response = browser.post(VERIFY, {"code": codes[0].upper().replace("-", " ")})  # as typed from paper
    assert response.status_code == 302 and browser.get("/admin/").status_code == 200
    assert (
        ModelLogEntry.objects.for_instance(clerk).get(action="huimin.otp.verify").data["method"] == "backup"
    )
    browser.post("/admin/logout/")

    clock.shift(timedelta(seconds=5))
    _login(browser, clerk)
    again = browser.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200 and "验证码不正确" in again.content.decode()
    assert StaticDevice.objects.get(user=clerk).token_set.count() == 9


def test_new_backup_codes_replace_the_old_ones(browser, clerk):
    _, old = _enrolled(clerk)
    _login(browser, clerk)
    browser.post(VERIFY, {"code": old[0]})
    page = browser.post("/admin/two-factor/backup-codes/")
    new = BACKUP_CODES.findall(page.content.decode())
    assert len(set(new)) == 10 and not set(new) & set(old)
    assert "huimin.otp.backup_codes" in _actions(clerk)


@pytest.mark.parametrize(
    "code", ["abc!@#", "9" * 10240, "12\x003456", "<script>alert(1)</script>", "１２３４５６７", "", " "]
)
def test_hostile_input_on_the_code_field_is_a_chinese_error(browser, clerk, clock, code):
    _enrolled(clerk)
    _next_step(clock)
    _login(browser, clerk)
    response = browser.post(VERIFY, {"code": code})
    html = response.content.decode()
    expected = "请输入验证码。" if not code.strip() else "请输入 6 位数字验证码或 10 位备用码。"
    assert response.status_code == 200 and expected in html and "<script>alert" not in html
    assert browser.get("/admin/").status_code == 302


@pytest.mark.parametrize("code", ["12\x003456", "x" * 10240, "abcdef"])
def test_hostile_input_at_enrolment_is_a_chinese_error(browser, clerk, code):
    _login(browser, clerk)
    browser.get(SETUP)
    response = browser.post(SETUP, {"code": code})
    assert response.status_code == 200 and "6 位数字" in response.content.decode()


def test_full_width_digits_from_a_chinese_input_method_are_accepted(browser, clerk, clock):
    device, _ = _enrolled(clerk)
    _next_step(clock)
    _login(browser, clerk)
    wide = _code(device).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert browser.post(VERIFY, {"code": wide}).status_code == 302


def test_a_verified_session_cannot_enrol_over_the_device_without_a_code(browser, clerk, clock):
    """Re-enrolment (a new phone) replaces the old device only once the new one is confirmed."""
    device, _ = _enrolled(clerk)
    _next_step(clock)
    _login(browser, clerk)
    browser.post(VERIFY, {"code": _code(device)})
    browser.get(SETUP)
    new = TOTPDevice.objects.get(user=clerk, confirmed=False)
    assert TOTPDevice.objects.filter(user=clerk, confirmed=True).get() == device
    clock.shift(timedelta(seconds=30))
    browser.post(SETUP, {"code": _code(new)})
    assert list(TOTPDevice.objects.filter(user=clerk)) == [new]


def test_an_administrator_resets_a_lost_device(browser, clerk, clock):
    _enrolled(clerk)
    out = StringIO()
    call_command("otp-reset", "CLERK", stdout=out)
    assert "已重置" in out.getvalue() and "clerk" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=clerk).exists()
    assert not StaticDevice.objects.filter(user=clerk).exists()
    entry = ModelLogEntry.objects.for_instance(clerk).get(action="huimin.otp.reset")
    assert entry.data["devices"] == 2 and entry.user is None
    # The next login asks for a new enrolment.
    _login(browser, clerk)
    assert browser.get("/admin/")["Location"].startswith(SETUP)


def test_the_reset_command_speaks_json_and_refuses_an_unknown_account(clerk):
    _enrolled(clerk)
    out = StringIO()
    call_command("otp-reset", "clerk", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"user": "clerk", "devices_removed": 2}
    with pytest.raises(CommandError, match="账号“nobody”不存在"):
        call_command("otp-reset", "nobody")


def test_a_reset_ends_the_verification_of_a_signed_in_session(browser, clerk, clock):
    device, _ = _enrolled(clerk)
    _next_step(clock)
    _login(browser, clerk)
    browser.post(VERIFY, {"code": _code(device)})
    assert browser.get("/admin/").status_code == 200
    otp.remove_devices(clerk, actor=None, reason=otp.RESET)
    assert browser.get("/admin/")["Location"].startswith(SETUP)


def test_an_optional_person_may_turn_the_second_factor_off_but_a_required_one_may_not(browser, editor, clerk):
    _enrolled(editor)
    _login(browser, editor)
    assert browser.get("/admin/").status_code == 302  # enrolled: the second step applies to editors too
    codes = otp.new_backup_codes(editor, actor=editor)
    browser.post(VERIFY, {"code": codes[0]})
    assert browser.post("/admin/two-factor/disable/").status_code == 302
    assert not otp.has_device(editor) and "huimin.otp.disable" in _actions(editor)

    other = Client(HTTP_HOST=ADMIN_HOST)
    _, clerk_codes = _enrolled(clerk)
    _login(other, clerk)
    other.post(VERIFY, {"code": clerk_codes[0]})
    refused = other.post("/admin/two-factor/disable/", follow=True)
    assert "必须使用两步验证，不能停用" in refused.content.decode()
    assert otp.has_device(clerk) and "huimin.otp.disable" not in _actions(clerk)


@override_settings(HUIMIN_SECOND_FACTOR=False)
def test_enforcement_can_be_turned_off(browser, clerk):
    _login(browser, clerk)
    for url in ADMIN_URLS:
        assert browser.get(url).status_code == 200, url


def test_client_logins_in_tests_stand_for_a_full_login(client, clerk):
    """The suite's conftest verifies `client.force_login` sessions (they skip the login view)."""
    client.force_login(clerk)
    assert client.get("/admin/", HTTP_HOST=ADMIN_HOST).status_code == 200
