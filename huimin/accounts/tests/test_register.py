"""Sign-up (/accounts/register/): two screens (the address and its code, then the rest), natural and legal
persons, mobile numbers and e-mail addresses, the consent to the terms, and no answer that tells a stranger
whether an address is registered."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry, Site

from huimin.accounts import services
from huimin.accounts.enums import AccountKind, TagSource
from huimin.accounts.models import Account, VerificationCode
from huimin.accounts.tests.factories import AccountFactory
from huimin.sites.tests.html import soup

from .auth_steps import (
    HUB,
    NEW_PASSWORD,
    NOW,
    OTHER,
    SQL,
    XSS,
    Browser,
    clear_outboxes,
    last_code,
    messages_to,
    new_email,
    new_mobile,
    registration,
    step_token,
)

pytestmark = pytest.mark.django_db
URL = "/accounts/register/"
CREDIT_CODE = "91321300MA1N0B7K2Y"  # a valid checksum (see test_validators)


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = HUB
    clear_outboxes()
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _send(client, address: str, kind: str = "person", **extra):
    return client.post(URL, {"step": "send", "kind": kind, "address": address, **extra})


def _register(client, address: str, kind: str = "person", **changes):
    response = _send(client, address, kind)
    assert response.status_code == 200, response.content.decode()[:2000]
    data = registration(address, last_code(address.lower()), token=step_token(response), **changes)
    return client.post(URL, data)


def _errors(response) -> str:
    page = soup(response.content)
    summary = page.select_one("#error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def test_the_first_screen_asks_for_the_kind_and_the_address(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = soup(response.content)
    assert page.select_one("h1").get_text() == "用户注册"
    assert [i["value"] for i in page.select("input[name=kind]")] == ["person", "legal"]
    assert page.select_one("label[for=id_address]").get_text(strip=True).startswith("手机号码或电子邮箱")
    assert page.select_one("main form button[type=submit]").get_text() == "发送验证码"
    assert "no-store" in response["Cache-Control"]


def test_a_person_registers_with_a_mobile_number_and_is_signed_in(client):
    mobile = new_mobile()
    response = _send(client, mobile)
    assert response.status_code == 200
    page = soup(response.content)
    assert "验证码已通过短信发送到 " + mobile[:3] + "****" + mobile[-4:] in page.get_text()
    assert page.select_one("title").get_text().startswith("第 2 步")
    (text,) = messages_to(mobile)
    assert "注册验证码是" in text and "10 分钟内有效" in text
    code = last_code(mobile)
    stored = VerificationCode.objects.get(address=mobile)
    assert code not in stored.code_hash and len(stored.code_hash) == 64

    response = client.post(URL, registration(mobile, code, token=step_token(response)))
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    account = Account.objects.get(mobile=mobile)
    assert account.kind == AccountKind.PERSON and account.display_name == "王小明"
    assert account.mobile_verified_at == NOW and account.email == ""
    assert account.terms_version == "2026-1" and account.terms_accepted_at == NOW
    assert account.registered_site == Site.objects.get(hostname="127.0.0.1")
    user = account.user
    assert not user.is_staff and not user.is_superuser and user.username.startswith("citizen-")
    assert user.check_password(NEW_PASSWORD) and not user.has_perm("wagtailadmin.access_admin")
    assert int(client.session[SESSION_KEY]) == user.pk
    assert client.session.get_expiry_age() == 14 * 24 * 3600
    assert stored.__class__.objects.get(pk=stored.pk).used_at == NOW
    entry = ModelLogEntry.objects.get(action=services.REGISTERED, object_id=str(user.pk))
    assert entry.data["user"] == f"{mobile[:3]}****{mobile[-4:]}" and mobile not in str(entry.data)
    # The admin stays closed to a citizen.
    assert client.get("/admin/").status_code == 302


def test_a_person_registers_with_an_email_address(client):
    email = new_email().upper()
    response = _register(client, email, display_name="")
    assert response.status_code == 302
    account = Account.objects.get(email=email.lower())
    assert account.email_verified_at == NOW and account.mobile == "" and account.display_name == ""


def test_a_legal_person_registers_with_its_credit_code_industry_and_region(client):
    mobile = new_mobile()
    response = _send(client, mobile, kind="legal")
    page = soup(response.content)
    assert "法人（企业、单位）" in page.get_text()
    assert page.select_one("#id_display_name") is None
    industries = [o["value"] for o in page.select("#id_industry option")]
    assert "制造业" in industries and "" in industries
    regions = [o["value"] for o in page.select("#id_region option")]
    assert "沭阳县" in regions and "宿迁市" in regions
    data = registration(
        mobile,
        last_code(mobile),
        token=step_token(response),
        org_name="宿迁测试机械有限公司",
        credit_code=" 91321300ma1n0b7k2y ",
        industry="制造业",
        region="沭阳县",
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    account = Account.objects.get(mobile=mobile)
    assert account.kind == AccountKind.LEGAL and account.credit_code == CREDIT_CODE
    assert account.org_name == account.display_name == "宿迁测试机械有限公司"
    assert set(account.tags.values_list("key", "value", "source")) == {
        ("industry", "制造业", TagSource.REGISTRATION),
        ("region", "沭阳县", TagSource.REGISTRATION),
    }


def test_a_legal_person_must_give_a_credit_code_with_a_right_check_character(client):
    mobile = new_mobile()
    response = _send(client, mobile, kind="legal")
    token, code = step_token(response), last_code(mobile)
    wrong = CREDIT_CODE[:-1] + "4"
    data = registration(mobile, code, token=token, org_name="某公司", credit_code=wrong, industry="制造业")
    response = client.post(URL, data)
    assert response.status_code == 400
    errors = _errors(response)
    assert "统一社会信用代码的校验位不正确" in errors and "所在区域：请选择所在区域" in errors
    assert not Account.objects.filter(mobile=mobile).exists()
    # The code was not used up by a refusal that came before it was checked.
    data.update(credit_code=CREDIT_CODE, region="宿城区")
    assert client.post(URL, data).status_code == 302


def test_a_credit_code_registered_already_is_refused(client):
    AccountFactory(legal=True, credit_code=CREDIT_CODE)
    mobile = new_mobile()
    response = _send(client, mobile, kind="legal")
    data = registration(
        mobile,
        last_code(mobile),
        token=step_token(response),
        org_name="某公司",
        credit_code=CREDIT_CODE,
        industry="制造业",
        region="宿城区",
    )
    response = client.post(URL, data)
    assert response.status_code == 400 and "该统一社会信用代码已注册账号" in _errors(response)


def test_a_registered_address_gets_the_same_answer_and_a_notice_instead_of_a_code(client):
    taken = AccountFactory().mobile
    free = new_mobile()
    answers = []
    for mobile in (taken, free):
        response = _send(client, mobile)
        assert response.status_code == 200
        notice = soup(response.content).select_one(".code-notice").get_text()
        answers.append(notice.replace(f"{mobile[:3]}****{mobile[-4:]}", "…"))
    assert answers[0] == answers[1]
    (notice,) = messages_to(taken)
    assert "已经注册过" in notice and "忘记密码" in notice and "验证码是" not in notice
    # A guessed code reads the same for both.
    refusals = []
    for mobile in (taken, free):
        response = _send(client, mobile)  # within a minute: the same screen again, nothing sent
        data = registration(mobile, "000000", token=step_token(response))
        refusals.append(_errors(client.post(URL, data)))
    assert refusals[0] == refusals[1] and "验证码不正确，还可以再试 4 次" in refusals[0]


def test_wrong_expired_and_used_codes_are_refused(client, on_the_portal):
    mobile = new_mobile()
    response = _send(client, mobile)
    token, code = step_token(response), last_code(mobile)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert "验证码不正确，还可以再试 4 次" in _errors(
        client.post(URL, registration(mobile, wrong, token=token))
    )
    on_the_portal.shift(timedelta(minutes=10, seconds=1))
    response = client.post(URL, registration(mobile, code, token=token))
    assert (
        "验证码已失效或尚未获取" in _errors(response) and not Account.objects.filter(mobile=mobile).exists()
    )

    response = _send(client, mobile)
    code = last_code(mobile)
    assert client.post(URL, registration(mobile, code, token=step_token(response))).status_code == 302
    client.logout()
    response = client.post(
        URL, registration(mobile, code, token=step_token(response), display_name="另一个人")
    )
    assert "验证码已失效或尚未获取" in _errors(response)
    assert Account.objects.filter(mobile=mobile).count() == 1


def test_guessing_a_code_stops_after_the_allowed_tries(client):
    mobile = new_mobile()
    response = _send(client, mobile)
    token, code = step_token(response), last_code(mobile)
    wrongs = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 6)]
    for n, wrong in enumerate(wrongs, start=1):
        errors = _errors(client.post(URL, registration(mobile, wrong, token=token)))
        assert ("还可以再试" in errors) == (n < 5), errors
    assert "输错次数过多" in _errors(client.post(URL, registration(mobile, code, token=token)))
    assert not Account.objects.filter(mobile=mobile).exists()


def test_a_new_code_replaces_the_older_one(client, on_the_portal):
    mobile = new_mobile()
    _send(client, mobile)
    first = last_code(mobile)
    on_the_portal.shift(timedelta(seconds=61))
    response = _send(client, mobile)
    second = last_code(mobile)
    if second == first:  # one chance in a million: the check below would say nothing
        pytest.skip("the same code twice")
    token = step_token(response)
    assert "验证码不正确" in _errors(client.post(URL, registration(mobile, first, token=token)))
    assert client.post(URL, registration(mobile, second, token=token)).status_code == 302


@override_settings(HUIMIN_ACCOUNT_CODES_PER_ADDRESS_HOUR=3, HUIMIN_ACCOUNT_CODES_PER_IP_HOUR=5)
def test_sending_codes_is_limited_per_address_per_client_and_per_minute(client, on_the_portal):
    mobile = new_mobile()
    _send(client, mobile)
    response = _send(client, mobile)  # again at once: the code already sent, the wait said, nothing sent
    assert response.status_code == 200 and "秒后再重新获取" in soup(response.content).get_text()
    assert len(messages_to(mobile)) == 1
    for _ in range(2):
        on_the_portal.shift(timedelta(seconds=61))
        assert _send(client, mobile).status_code == 200
    on_the_portal.shift(timedelta(seconds=61))
    response = _send(client, mobile)
    assert response.status_code == 400 and "获取验证码过于频繁" in _errors(response)
    assert len(messages_to(mobile)) == 3
    # Five codes from one client address in the hour, whatever the numbers.
    other, third = new_mobile(), new_mobile()
    assert _send(client, other).status_code == 200
    assert _send(client, third).status_code == 200
    response = _send(client, new_mobile())
    assert response.status_code == 400 and "获取验证码过于频繁" in _errors(response)
    on_the_portal.shift(timedelta(hours=1))
    assert _send(client, new_mobile()).status_code == 200


def test_resending_keeps_what_was_typed_but_not_the_passwords(client, on_the_portal):
    mobile = new_mobile()
    response = _send(client, mobile)
    token = step_token(response)
    page = soup(response.content)
    buttons = [(b.get("value"), b.get_text()) for b in page.select("main form button[type=submit]")]
    assert buttons[0] == ("register", "注册") and buttons[1][1] == "重新获取验证码"  # Enter never resends
    assert page.select_one("button.resend-button")["data-wait"] == "60"
    on_the_portal.shift(timedelta(seconds=61))
    data = registration(mobile, "", token=token, step="resend", display_name="张三")
    response = client.post(URL, data)
    assert response.status_code == 200
    page = soup(response.content)
    assert "验证码已重新通过短信发送到" in page.get_text() and len(messages_to(mobile)) == 2
    assert page.select_one("#id_display_name")["value"] == "张三"
    assert page.select_one("#id_agree").has_attr("checked")
    assert not page.select_one("#id_password1").get("value") and not page.select_one("#error-summary")


def test_the_password_rules_are_said_in_chinese_and_enforced(client):
    mobile = new_mobile()
    response = _send(client, mobile)
    hint = soup(response.content).select_one("#id_password1_helptext").get_text()
    assert hint.startswith("密码要求：") and "至少需要 12 个字符" in hint and "大写字母" in hint
    token, code = step_token(response), last_code(mobile)
    for password, message in (
        ("Short-1a", "密码太短"),
        ("12345678901234", "只包含数字"),
        ("abcdefghijklmn", "至少 3 种"),
    ):
        response = client.post(
            URL, registration(mobile, code, token=token, password1=password, password2=password)
        )
        assert response.status_code == 400 and message in _errors(response), _errors(response)
    response = client.post(URL, registration(mobile, code, token=token, password2=NEW_PASSWORD + "x"))
    assert "两次输入的密码不一致" in _errors(response)
    response = client.post(URL, registration(mobile, code, token=token, agree=""))
    assert "请阅读并同意用户服务协议" in _errors(response)
    assert client.post(URL, registration(mobile, code, token=token)).status_code == 302


@pytest.mark.parametrize(
    "address",
    [
        XSS,
        SQL,
        "12345",
        "1380000000",  # ten digits
        "23800000000",
        "a@b",
        "x" * 300 + "@example.org",
        "1380000\x000000",
        "",
    ],
)
def test_hostile_or_broken_addresses_are_refused_and_nothing_is_sent(client, address):
    response = _send(client, address)
    assert response.status_code == 400
    assert _errors(response)
    assert XSS.encode() not in response.content
    assert not VerificationCode.objects.filter(created_at=NOW).exists()


def test_hostile_names_are_kept_as_text_and_never_run(client):
    mobile = new_mobile()
    response = _register(client, mobile, display_name=XSS)
    assert response.status_code == 302
    account = Account.objects.get(mobile=mobile)
    assert account.display_name == XSS
    page = client.get("/accounts/terms/")
    assert XSS.encode() not in page.content  # the header shows the name masked and escaped


def test_nul_bytes_and_oversized_fields_are_refused_with_a_sentence(client):
    mobile = new_mobile()
    response = _send(client, mobile)
    token, code = step_token(response), last_code(mobile)
    response = client.post(URL, registration(mobile, code, token=token, display_name="王\x00明"))
    assert response.status_code == 400 and "不可见的控制字符" in _errors(response)
    response = client.post(URL, registration(mobile, code, token=token, display_name="名" * 61))
    assert response.status_code == 400 and "最多 60 个字符" in _errors(response)
    long_password = "Aa1!" * 40
    response = client.post(URL, registration(mobile, code, token=token, password1=long_password))
    assert response.status_code == 400 and "最多 128 个字符" in _errors(response)
    assert not Account.objects.filter(mobile=mobile).exists()


@pytest.mark.parametrize("token", ["", "forged", "x" * 2000, "eyJhIjoiMTM5MDAwMDAwMDEifQ:1:bad"])
def test_a_missing_or_forged_step_token_sends_back_to_the_first_screen(client, token):
    response = client.post(URL, registration("13900000009", "123456", token=token))
    assert response.status_code == 400
    assert "这一步已过期或页面已失效" in _errors(response)
    assert soup(response.content).select_one("input[name=step][value=send]")


def test_a_step_token_for_another_purpose_is_refused(client):
    mobile = new_mobile()
    client.post("/accounts/reset/", {"step": "send", "address": mobile})
    response = client.post("/accounts/reset/", {"step": "send", "address": AccountFactory().mobile})
    token = step_token(response)
    assert "这一步已过期" in _errors(client.post(URL, registration(mobile, "123456", token=token)))


def test_a_post_without_the_csrf_token_is_refused():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, HTTP_HOST=HUB)
    assert strict.post(URL, {"step": "send", "kind": "person", "address": new_mobile()}).status_code == 403


def test_a_signed_in_citizen_is_sent_on_to_the_next_page(client):
    client.force_login(AccountFactory().user)
    response = client.get(URL + "?next=/zcwj/")
    assert response.status_code == 302 and response["Location"] == "/zcwj/"


def test_registering_on_another_host_carries_the_login_to_the_hub():
    browser = Browser()
    mobile = new_mobile()
    client = browser.client(OTHER)
    response = client.post(URL, {"step": "send", "kind": "person", "address": mobile, "next": "/"})
    response = client.post(URL, registration(mobile, last_code(mobile), token=step_token(response), next="/"))
    assert response.status_code == 200 and "正在完成登录" in response.content.decode()
    final = browser.continue_from(response)
    assert final.host == OTHER and final.chain[-1] == (OTHER, "/")
    assert browser.session_key(HUB) == browser.session_key(OTHER) is not None
    account = Account.objects.get(mobile=mobile)
    assert account.registered_site.hostname == "shuyang.localhost"
    assert browser.client(HUB).get(reverse("accounts:home")).wsgi_request.user == account.user


def test_the_terms_page_shows_the_version_in_force(client):
    response = client.get("/accounts/terms/")
    page = soup(response.content)
    assert response.status_code == 200 and page.select_one("h1").get_text() == "政府网站群用户服务协议"
    assert "版本：2026-1" in page.get_text()
    with override_settings(HUIMIN_ACCOUNT_TERMS_VERSION="2099-9"):
        assert client.get("/accounts/terms/").status_code == 404


def test_the_account_events_have_chinese_names_in_the_audit_log():
    from wagtail.log_actions import registry

    assert registry.get_action_label(services.REGISTERED) == "用户注册"
    assert registry.get_action_label(services.LOCKED_OUT) == "用户登录锁定"
    assert registry.get_action_label(services.PASSWORD_RESET) == "用户重设密码"
