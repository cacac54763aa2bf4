"""The demo's platform roles sign in with a second factor from the demo's published secret, printed by
loaddemo; `huimin check --deploy` flags that secret on any account."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from huimin.core import otp
from huimin.demo.builder import demo_second_factor_key, load_spec

pytestmark = pytest.mark.django_db


def test_the_demo_admin_has_a_device_with_the_published_secret_and_editors_have_none(demo):
    admin = get_user_model().objects.get(username="admin")
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    assert device.bin_key == demo_second_factor_key()
    assert otp.secret_base32(device).replace(" ", "") == load_spec()["second_factor_secret"]
    assert "admin" in demo.second_factor_users and "slj-editor" not in demo.second_factor_users
    assert not otp.has_device(get_user_model().objects.get(username="slj-editor"))
    # Everyone the demo gives a device is someone who must have one.
    for username in demo.second_factor_users:
        assert otp.is_required(get_user_model().objects.get(username=username))


def test_the_deployment_check_flags_the_demo_secret(demo):
    errors = [
        e for e in run_checks(include_deployment_checks=True, databases=["default"]) if e.id == "huimin.E040"
    ]
    assert len(errors) == 1 and "admin" in errors[0].msg and "otp-reset" in errors[0].hint
    assert not [e for e in run_checks(include_deployment_checks=True) if e.id == "huimin.E040"]  # no database


def test_loaddemo_prints_the_secret_next_to_the_password(demo, demo_clock):
    out = StringIO()
    call_command("loaddemo", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["second_factor"] == {
        "secret": load_spec()["second_factor_secret"],
        "users": demo.second_factor_users,
    }
    text = StringIO()
    call_command("loaddemo", stdout=text)
    assert f"admin{'' if len(demo.second_factor_users) == 1 else '、'}" in text.getvalue()
    assert load_spec()["second_factor_secret"] in text.getvalue() and "仅供演示" in text.getvalue()
