"""Accounts for tests: `AccountFactory()` is a verified natural person with a mobile number;
`AccountFactory(legal=True)` a legal person with a valid unified social credit code."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from huimin.accounts.enums import AccountKind
from huimin.accounts.models import Account

SHANGHAI = ZoneInfo("Asia/Shanghai")
CREATED = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
PASSWORD = "Huimin-citizen-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"citizen-{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    class Params:
        legal = factory.Trait(
            kind=AccountKind.LEGAL,
            org_name=factory.Sequence(lambda n: f"测试企业{n}有限公司"),
            credit_code="",
        )

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"市民{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    mobile_verified_at = CREATED
    terms_version = "2026-1"
    terms_accepted_at = CREATED
    created_at = CREATED
