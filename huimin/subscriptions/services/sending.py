"""Deliveries leave the site: by mail and SMS, within the rate limits, one message per account and channel.

`send_due(now)` claims the queued mail and SMS deliveries that are due (`select_for_update(skip_locked)`,
so several senders may run), groups them by (account, channel) and sends one message per group: a single
item as it is, several as a digest. Before sending it checks, for each group:

- that a subscription still wants it (one deleted or changed since matching leaves nothing: skipped);
- that the address is still verified (skipped otherwise);
- the account's limit per day (HUIMIN_PUSH_PER_ACCOUNT_DAY messages in 24 hours) and the group's limit per
  minute (HUIMIN_PUSH_PER_MINUTE messages in 60 seconds): over either, the deliveries stay queued for a later
  run of `huimin push-send`. Nothing over a limit is lost.

A failed send is tried again later (`retry_minutes`), up to `max_attempts`, then marked failed with the error.
Digests: `release_digests(frequency, now)` makes the queued daily or weekly deliveries due
(`huimin push-digest`), and the same sender sends them, one digest per account and channel.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from huimin.accounts.models import Account

from .. import messages
from ..enums import OUTSIDE, Channel, DeliveryStatus, Frequency
from ..models import Delivery, Dispatch, Subscription
from ..rules import rules

logger = logging.getLogger(__name__)
DAY, MINUTE = timedelta(days=1), timedelta(minutes=1)


@dataclass
class SendReport:
    messages: int = 0
    sent: int = 0
    held: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    limited_by: set[str] = field(default_factory=set)

    def as_dict(self) -> dict:
        return {
            "messages": self.messages,
            "sent": self.sent,
            "held": self.held,
            "retried": self.retried,
            "failed": self.failed,
            "skipped": self.skipped,
            "limited_by": sorted(self.limited_by),
        }

    def describe(self) -> str:
        """The report in a sentence, for the commands' output."""
        if not any((self.messages, self.held, self.retried, self.failed, self.skipped)):
            return "订阅推送：没有到期的推送。"
        parts = [f"发出 {self.messages} 条消息（含 {self.sent} 条推送）"]
        if self.held:
            limits = {"per_account_day": "每个用户每日上限", "per_minute": "每分钟上限"}
            which = "、".join(limits[name] for name in sorted(self.limited_by) if name in limits)
            parts.append(f"{self.held} 条因达到{which or '发送上限'}留待下次发送")
        if self.retried:
            parts.append(f"{self.retried} 条发送失败，稍后重试")
        if self.failed:
            parts.append(f"{self.failed} 条多次发送失败，已停止发送")
        if self.skipped:
            parts.append(f"{self.skipped} 条因订阅已取消或地址未验证未发送")
        return "订阅推送：" + "；".join(parts) + "。"


def per_account_day() -> int:
    return int(getattr(settings, "HUIMIN_PUSH_PER_ACCOUNT_DAY", 20))


def per_minute() -> int:
    return int(getattr(settings, "HUIMIN_PUSH_PER_MINUTE", 600))


def due(now: datetime):
    return Delivery.objects.filter(status=DeliveryStatus.QUEUED, channel__in=OUTSIDE, due_at__lte=now)


def release_digests(frequency: str, now: datetime) -> int:
    """Make the queued deliveries of a digest frequency due now (idempotent: those released stay so)."""
    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        raise ValueError(f"not a digest frequency: {frequency}")
    return Delivery.objects.filter(
        status=DeliveryStatus.QUEUED, frequency=frequency, due_at__isnull=True
    ).update(due_at=now)


def send_due(now: datetime, *, progress=None) -> SendReport:
    """Send what is due, within the limits; `progress(n)` is told of every n deliveries handled."""
    report = SendReport()
    budget = per_minute() - Dispatch.objects.filter(sent_at__gt=now - MINUTE, sent_at__lte=now).count()
    last_pk = 0
    while True:
        if budget <= 0:
            report.limited_by.add("per_minute")
            report.held += due(now).filter(pk__gt=last_pk).count()
            break
        with transaction.atomic():
            batch = list(
                due(now)
                .filter(pk__gt=last_pk)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("publication")
                .order_by("pk")[: rules().send_batch]
            )
            if not batch:
                break
            last_pk = batch[-1].pk
            budget = _send_batch(batch, now, budget, report)
        if progress is not None:
            progress(len(batch))
    return report


def _send_batch(batch: list[Delivery], now: datetime, budget: int, report: SendReport) -> int:
    groups: dict[tuple[int, str], list[Delivery]] = defaultdict(list)
    for delivery in batch:
        groups[(delivery.account_id, delivery.channel)].append(delivery)
    account_ids = {account_id for account_id, _ in groups}
    accounts = Account.objects.select_related("registered_site").in_bulk(account_ids)
    sent_today = dict(
        Dispatch.objects.filter(account_id__in=account_ids, sent_at__gt=now - DAY, sent_at__lte=now)
        .values("account_id")
        .annotate(n=Count("pk"))
        .values_list("account_id", "n")
    )
    wanted = _still_wanted(batch)
    for (account_id, channel), deliveries in groups.items():
        account = accounts.get(account_id)
        keep = [d for d in deliveries if _wants(d, channel, wanted)]
        _skip([d for d in deliveries if d not in keep], "订阅已取消或不再选择此接收方式。", now, report)
        if not keep:
            continue
        address = _address(account, channel)
        if not address:
            _skip(keep, "接收地址未验证或已删除。", now, report)
            continue
        if sent_today.get(account_id, 0) >= per_account_day():
            report.held += len(keep)
            report.limited_by.add("per_account_day")
            Delivery.objects.filter(pk__in=[d.pk for d in keep]).update(
                error="已达到每日推送上限，稍后发送。"
            )
            continue
        if budget <= 0:
            report.held += len(keep)
            report.limited_by.add("per_minute")
            continue
        if _send_group(account, channel, address, keep, now, report):
            budget -= 1
            sent_today[account_id] = sent_today.get(account_id, 0) + 1
    return budget


def _still_wanted(batch: list[Delivery]) -> dict[int, tuple[bool, bool]]:
    ids = {item.get("subscription") for d in batch for item in d.reason if isinstance(item, dict)}
    ids = [pk for pk in ids if isinstance(pk, int)]
    return {
        pk: (by_email, by_sms)
        for pk, by_email, by_sms in Subscription.objects.filter(pk__in=ids).values_list(
            "pk", "by_email", "by_sms"
        )
    }


def _wants(delivery: Delivery, channel: str, wanted: dict[int, tuple[bool, bool]]) -> bool:
    for item in delivery.reason:
        flags = wanted.get(item.get("subscription")) if isinstance(item, dict) else None
        if flags and flags[0 if channel == Channel.EMAIL else 1]:
            return True
    return False


def _address(account: Account | None, channel: str) -> str:
    if account is None:
        return ""
    if channel == Channel.EMAIL:
        return account.email if account.email and account.email_verified_at else ""
    return account.mobile if account.mobile and account.mobile_verified_at else ""


def _skip(deliveries: list[Delivery], why: str, now: datetime, report: SendReport) -> None:
    if deliveries:
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            status=DeliveryStatus.SKIPPED, error=why, failed_at=now
        )
        report.skipped += len(deliveries)


def _send_group(account, channel, address, deliveries, now, report) -> bool:
    subscription_ids = sorted(
        {
            item["subscription"]
            for d in deliveries
            for item in d.reason
            if isinstance(item.get("subscription"), int)
        }
    )
    try:
        with transaction.atomic():
            dispatch = Dispatch.objects.create(
                account=account,
                channel=channel,
                address=address,
                subject="",
                token=secrets.token_urlsafe(12),
                subscription_ids=subscription_ids,
                items=len(deliveries),
                sent_at=now,
            )
            message = messages.compose(account, channel, deliveries, dispatch)
            dispatch.subject = message.subject[:300]
            dispatch.save(update_fields=["subject"])
            messages.send(message, address)
    except Exception as error:  # a gateway or mail server refused: record it, try again later
        logger.warning("Push %s to account %s failed: %s", channel, account.pk, error)
        _failed(deliveries, str(error) or type(error).__name__, now, report)
        return False
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        status=DeliveryStatus.SENT, sent_at=now, dispatch=dispatch, error=""
    )
    report.messages += 1
    report.sent += len(deliveries)
    return True


def _failed(deliveries: list[Delivery], error: str, now: datetime, report: SendReport) -> None:
    limits = rules()
    for delivery in deliveries:
        attempts = delivery.attempts + 1
        if attempts >= limits.max_attempts:
            changes = {"status": DeliveryStatus.FAILED, "failed_at": now}
            report.failed += 1
        else:
            wait = limits.retry_minutes[min(attempts, len(limits.retry_minutes)) - 1]
            changes = {"due_at": now + timedelta(minutes=wait)}
            report.retried += 1
        Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, error=error[:500], **changes)
