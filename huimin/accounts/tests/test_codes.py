"""Verification codes: six digits, stored as a keyed hash, for one purpose, spent by one use or by too many
wrong tries, replaced by a newer one, cleaned up by `huimin accounts-cleanup`."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from huimin.accounts import codes
from huimin.accounts.enums import CodeChannel, CodePurpose
from huimin.accounts.models import VerificationCode

from .auth_steps import NOW

pytestmark = pytest.mark.django_db
ADDRESS = "13911112222"


def _issue(now=NOW, purpose=CodePurpose.REGISTER, address=ADDRESS) -> str:
    return codes.issue(address=address, channel=CodeChannel.SMS, purpose=purpose, now=now)


def _check(code, now=NOW, purpose=CodePurpose.REGISTER, address=ADDRESS):
    return codes.check(address=address, purpose=purpose, code=code, now=now)


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_code_is_six_digits_and_only_its_keyed_hash_is_kept():
    code = _issue()
    assert len(code) == 6 and code.isdigit()
    row = VerificationCode.objects.get(address=ADDRESS)
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.expires_at == NOW + timedelta(minutes=10)
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only"):
        assert not _check(code).ok  # the hash is keyed with the secret key


def test_a_code_works_once_and_only_for_its_purpose_and_address():
    code = _issue()
    assert _check(code, purpose=CodePurpose.LOGIN).result == codes.MISSING
    assert _check(code, address="13911113333").result == codes.MISSING
    assert _check(code).ok
    assert _check(code).result == codes.MISSING


def test_a_code_typed_with_full_width_digits_or_spaces_is_read():
    code = _issue()
    typed = " ".join(chr(ord(c) + 0xFEE0) for c in code)
    assert _check(typed).ok


def test_a_code_expires():
    code = _issue()
    assert _check(code, now=NOW + timedelta(minutes=10)).result == codes.MISSING
    with override_settings(HUIMIN_ACCOUNT_CODE_MINUTES=30):
        code = _issue(now=NOW + timedelta(minutes=11))
        assert _check(code, now=NOW + timedelta(minutes=40)).ok


@override_settings(HUIMIN_ACCOUNT_CODE_TRIES=3)
def test_wrong_tries_are_counted_and_spend_the_code():
    code = _issue()
    first = _check(_other(code))
    assert first.result == codes.WRONG and first.message == "验证码不正确，还可以再试 2 次。"
    assert _check("abc").result == codes.WRONG  # not even digits: still a try
    assert _check(_other(code)).result == codes.SPENT
    assert _check(code).result == codes.SPENT
    assert "输错次数过多" in _check(code).message


def test_a_new_code_replaces_the_older_one():
    first = _issue()
    second = _issue(now=NOW + timedelta(minutes=1))
    if first == second:
        pytest.skip("the same code twice (one chance in a million)")
    assert _check(first, now=NOW + timedelta(minutes=2)).result == codes.WRONG
    assert _check(second, now=NOW + timedelta(minutes=2)).ok


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "\x00" * 6, "<script>", "' OR 1=1 --", "9" * 1000])
def test_broken_codes_are_wrong_tries(typed):
    _issue()
    assert _check(typed).result == codes.WRONG


@time_machine.travel(NOW, tick=False)
def test_the_cleanup_command_deletes_what_can_no_longer_be_used_and_is_idempotent():
    _issue(now=NOW - timedelta(hours=1), address="13911110001")  # expired
    used = _issue(address="13911110002")
    _check(used, address="13911110002")
    _issue(address="13911110003")  # still good
    out = StringIO()
    call_command("accounts-cleanup", "--json", stdout=out)
    assert json.loads(out.getvalue())["codes"] >= 2
    assert VerificationCode.objects.filter(address="13911110003").exists()
    assert not VerificationCode.objects.filter(address__in=["13911110001", "13911110002"]).exists()
    out = StringIO()
    call_command("accounts-cleanup", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"codes": 0, "tickets": 0}
    out = StringIO()
    call_command("accounts-cleanup", stdout=out)
    assert out.getvalue().strip() == "用户账号：没有需要清理的验证码和登录票据。"
