"""The demo's citizen accounts: made through registration, signing in with the demo's password, and made
once however often the demo is built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from huimin.accounts import services, validators
from huimin.accounts.enums import AccountKind, TagSource
from huimin.accounts.models import Account
from huimin.conftest import DEMO_NOW
from huimin.demo.accounts import DEMO_ACCOUNTS, build_accounts_demo

pytestmark = pytest.mark.django_db
SITEGROUP = Path(__file__).resolve().parents[2] / "demo" / "data" / "sitegroup.json"


def test_there_is_a_person_with_a_mobile_one_with_an_email_and_a_legal_person():
    kinds = [(d["kind"], "@" in d["login"]) for d in DEMO_ACCOUNTS]
    assert (AccountKind.PERSON, False) in kinds and (AccountKind.PERSON, True) in kinds
    assert any(kind == AccountKind.LEGAL for kind, _ in kinds)
    password = json.loads(SITEGROUP.read_text("utf-8"))["password"]
    assert all(d["password"] == password for d in DEMO_ACCOUNTS)
    assert all(
        {"username", "login", "password", "kind", "display_name", "tags"} <= set(d) for d in DEMO_ACCOUNTS
    )


def test_the_demo_accounts_exist_and_sign_in_with_their_password(demo):
    for spec in DEMO_ACCOUNTS:
        account = Account.objects.get(user__username=spec["username"])
        assert spec["login"] in (account.mobile, account.email)
        assert account.display_name == spec["display_name"] and account.kind == spec["kind"]
        assert account.created_at < DEMO_NOW and account.terms_version
        found = services.authenticate(spec["login"], spec["password"], client_ip="10.9.9.9", now=DEMO_NOW)
        assert found == account
        tags = {(t.key, t.value) for t in account.tags.all()}
        assert tags == {(key, value) for key, values in spec["tags"].items() for value in values}


def test_the_legal_person_has_a_valid_code_and_its_registration_tags():
    legal = next(d for d in DEMO_ACCOUNTS if d["kind"] == AccountKind.LEGAL)
    assert validators.validate_credit_code(legal["credit_code"]) == legal["credit_code"]


def test_the_legal_persons_industry_and_region_come_from_its_registration(demo):
    legal = next(d for d in DEMO_ACCOUNTS if d["kind"] == AccountKind.LEGAL)
    account = Account.objects.get(user__username=legal["username"])
    sources = {t.key: t.source for t in account.tags.all()}
    assert sources["industry"] == sources["region"] == TagSource.REGISTRATION
    assert sources["size"] == TagSource.CHOSEN


def test_building_the_demo_again_makes_no_account(demo):
    before = Account.objects.count()
    assert build_accounts_demo({}, DEMO_NOW, None) == 0
    assert Account.objects.count() == before
