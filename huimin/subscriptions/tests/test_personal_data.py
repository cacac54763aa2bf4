"""我的数据: subscriptions and pushes are exported with the account and erased with it."""

from __future__ import annotations

import json

import pytest

from huimin.accounts.personal_data import HOLDERS
from huimin.subscriptions import services
from huimin.subscriptions.models import Delivery, Dispatch, Subscription

from .factories import NOW, new_policy, reachable_account, subscribe, tags_spec

pytestmark = pytest.mark.django_db


def _pushed(account):
    subscribe(account, tags_spec(group=(["老年人"], "any")), channels=["inbox", "email"])
    policy = new_policy(title="关于老年人助餐服务的通知")
    services.publish(policy.pk, policy.live_revision_id, now=NOW)
    services.send_due(NOW)
    return policy


def test_the_holder_is_registered(demo):
    assert "subscriptions" in HOLDERS


def test_the_export_holds_my_subscriptions_deliveries_and_messages_only(demo, clock):
    account, stranger = reachable_account(), reachable_account()
    policy = _pushed(account)
    subscribe(stranger, tags_spec(group=(["学生"], "any")))

    exported = HOLDERS["subscriptions"].export(account)

    json.dumps(exported, ensure_ascii=False)  # JSON-ready
    assert [s["title"] for s in exported["subscriptions"]] == ["人群：老年人"]
    assert {d["title"] for d in exported["deliveries"]} == {policy.title}
    assert exported["messages"][0]["address"] == account.email


def test_erasing_removes_everything_of_the_account_and_nothing_of_others(demo, clock):
    account, stranger = reachable_account(), reachable_account()
    _pushed(account)
    _pushed(stranger)

    kept = HOLDERS["subscriptions"].erase(account)

    assert kept == ""
    for model in (Subscription, Delivery, Dispatch):
        assert not model.objects.filter(account=account).exists()
        assert model.objects.filter(account=stranger).exists()
