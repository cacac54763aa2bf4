"""The demo accounts have subscriptions and pushes in their inboxes, made through the services, once."""

from __future__ import annotations

import pytest

from huimin.demo.accounts import DEMO_ACCOUNTS
from huimin.demo.subscriptions import build_subscriptions_demo
from huimin.subscriptions.models import Delivery, Subscription

pytestmark = pytest.mark.django_db


def test_every_demo_account_subscribes_and_has_pushes_in_its_inbox(demo):
    for item in DEMO_ACCOUNTS:
        assert Subscription.objects.filter(account__user__username=item["username"]).exists(), item[
            "username"
        ]
    inbox = Delivery.objects.filter(
        account__user__username__in=[a["username"] for a in DEMO_ACCOUNTS], channel="inbox"
    )
    assert inbox.count() >= 3
    assert all(d.reason and d.reason[0]["title"] for d in inbox)


def test_building_the_demo_again_makes_nothing_new(demo):
    from huimin.conftest import DEMO_NOW

    assert build_subscriptions_demo({}, DEMO_NOW, None) == 0
