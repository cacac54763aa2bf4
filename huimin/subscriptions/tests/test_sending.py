"""Mail and SMS leave within the rate limits, alone or as digests; nothing over a limit is lost."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from huimin.subscriptions import services
from huimin.subscriptions.models import Delivery, Dispatch

from .factories import NOW, new_policy, reachable_account, subscribe, tags_spec

pytestmark = pytest.mark.django_db

ELDERLY = {"group": (["老年人"], "any")}


def _publish(title="关于老年人助餐服务的通知", now=NOW):
    policy = new_policy(title=title)
    services.publish(policy.pk, policy.live_revision_id, now=now)
    return policy


def _mine(account, **filters):
    return Delivery.objects.filter(account=account, **filters)


def test_an_immediate_mail_says_what_and_why_and_carries_one_click_unsubscribe(demo, clock):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY), channels=["email"])
    policy = _publish()
    mail.outbox.clear()

    report = services.send_due(NOW)

    assert report.messages >= 1
    message = next(m for m in mail.outbox if m.to == [reader.email])
    assert policy.title in message.subject
    assert policy.title in message.body and "推送原因" in message.body and "人群 老年人" in message.body
    dispatch = Dispatch.objects.get(account=reader)
    assert message.extra_headers["List-Unsubscribe"].endswith(
        f"/accounts/subscriptions/unsubscribe/{dispatch.token}/>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert "<script" not in html and policy.title in html
    assert _mine(reader).get().status == "sent"


def test_an_sms_is_short_and_has_a_short_link_and_an_unsubscribe_link(demo, clock, sms):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY), channels=["sms"])
    _publish(title="关于进一步做好全市高龄老年人尊老金发放和助餐服务工作有关事项的通知")

    services.send_due(NOW)

    _number, text = next((n, t) for n, t in sms if n == reader.mobile)
    delivery = _mine(reader).get()
    assert f"/accounts/subscriptions/go/{delivery.code}/" in text
    assert "/accounts/subscriptions/unsubscribe/" in text
    assert len(text) < 200


def test_html_in_a_title_is_escaped_in_the_mail(demo, clock):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY), channels=["email"])
    _publish(title="老年人<img src=x onerror=alert(1)>助餐")
    mail.outbox.clear()

    services.send_due(NOW)

    html = next(m for m in mail.outbox if m.to == [reader.email]).alternatives[0][0]
    assert "<img" not in html and "&lt;img" in html


def test_over_the_daily_limit_of_an_account_deliveries_wait_and_leave_the_next_day(demo, clock, settings):
    settings.HUIMIN_PUSH_PER_ACCOUNT_DAY = 2
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY), channels=["email"])
    for n in range(3):
        _publish(title=f"关于老年人助餐服务的第{n + 1}号通知")
        services.send_due(NOW)

    waiting = _mine(reader, status="queued")
    assert _mine(reader, status="sent").count() == 2
    assert waiting.count() == 1 and "每日推送上限" in waiting.get().error

    clock.shift(timedelta(days=1, minutes=1))
    call_command("push-send", "--json", stdout=StringIO())

    assert _mine(reader, status="sent").count() == 3


def test_over_the_limit_per_minute_the_rest_waits_for_the_next_run(demo, clock, settings):
    settings.HUIMIN_PUSH_PER_MINUTE = 1
    readers = [reachable_account() for _ in range(3)]
    for reader in readers:
        subscribe(reader, tags_spec(**ELDERLY), channels=["email"])
    Delivery.objects.filter(status="queued").update(due_at=NOW + timedelta(days=365))  # others' waiting ones
    _publish()

    first = services.send_due(NOW)
    assert first.messages == 1 and "per_minute" in first.limited_by
    clock.shift(timedelta(minutes=1, seconds=1))
    services.send_due(NOW + timedelta(minutes=1, seconds=1))
    clock.shift(timedelta(minutes=1, seconds=1))
    services.send_due(NOW + timedelta(minutes=2, seconds=2))

    assert Delivery.objects.filter(account__in=readers, status="sent", channel="email").count() == 3


def test_a_failed_send_is_tried_again_and_then_given_up(demo, clock, monkeypatch):
    from huimin.subscriptions import messages

    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY), channels=["email"])
    _publish()

    def refuse(message, address):
        raise ConnectionError("邮件服务器拒绝连接")

    monkeypatch.setattr(messages, "send", refuse)
    moment = NOW
    for _ in range(3):
        services.send_due(moment)
        moment += timedelta(hours=3)

    delivery = _mine(reader).get()
    assert delivery.status == "failed" and delivery.attempts == 3 and "拒绝连接" in delivery.error
    assert not Dispatch.objects.filter(account=reader).exists()


def test_a_delivery_of_a_subscription_deleted_before_sending_does_not_leave(demo, clock):
    reader = reachable_account()
    subscription = subscribe(reader, tags_spec(**ELDERLY), channels=["email"])
    Delivery.objects.filter(status="queued").update(due_at=NOW + timedelta(days=365))
    policy = new_policy(title="关于老年人助餐服务的通知")
    services.publish(policy.pk, policy.live_revision_id, now=NOW)
    services.delete_subscription(reader, subscription)
    mail.outbox.clear()

    services.send_due(NOW)

    assert _mine(reader).get().status == "skipped"
    assert not [m for m in mail.outbox if m.to == [reader.email]]


def test_an_address_no_longer_verified_is_not_written_to(demo, clock):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY), channels=["email"])
    _publish()
    type(reader).objects.filter(pk=reader.pk).update(email_verified_at=None)

    services.send_due(NOW)

    assert _mine(reader).get().status == "skipped"


def test_a_daily_digest_gathers_the_day_into_one_mail_and_is_sent_once(demo, clock):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY), frequency="daily", channels=["inbox", "email"])
    for n in range(3):
        _publish(title=f"关于老年人助餐服务的第{n + 1}号通知", now=NOW + timedelta(hours=n))
    services.send_due(NOW + timedelta(hours=3))
    assert _mine(reader, channel="email", status="queued").count() == 3  # a digest waits for its run
    assert _mine(reader, channel="inbox", status="sent").count() == 3  # the inbox has them at once
    mail.outbox.clear()

    clock.move_to(NOW.replace(hour=20))
    out = StringIO()
    call_command("push-digest", "--frequency", "daily", "--json", stdout=out)
    again = StringIO()
    call_command("push-digest", "--frequency", "daily", "--json", stdout=again)

    mine = [m for m in mail.outbox if m.to == [reader.email]]
    assert len(mine) == 1 and "3 条新信息（每日汇总）" in mine[0].subject
    assert json.loads(out.getvalue())["released"] >= 3
    assert json.loads(again.getvalue())["released"] == 0
    assert _mine(reader, channel="email", status="sent").count() == 3


def test_a_weekly_digest_is_not_sent_by_the_daily_run(demo, clock):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY), frequency="weekly", channels=["email"])
    _publish()

    call_command("push-digest", "--frequency", "daily", "--json", stdout=StringIO())
    assert _mine(reader).get().status == "queued"
    call_command("push-digest", "--frequency", "weekly", "--json", stdout=StringIO())
    assert _mine(reader).get().status == "sent"


def test_the_commands_explain_themselves_in_chinese(demo, clock):
    out = StringIO()
    call_command("push-send", stdout=out)
    assert out.getvalue().startswith("订阅推送：")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="daily 或 weekly"):
        call_command("push-digest", "--frequency", "hourly")


@pytest.mark.parametrize("name", ["push-send", "push-digest"])
def test_the_commands_have_a_help_in_chinese(name):
    from django.core.management import load_command_class

    text = load_command_class("huimin.subscriptions", name).create_parser("huimin", name).format_help()

    assert text.startswith("用法：") and "--json" in text and "订阅推送" in text
