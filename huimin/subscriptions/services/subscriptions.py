"""An account's own subscriptions and inbox. Every function takes the acting account and refuses to touch
what belongs to another (`PermissionDenied`; the views answer 404 before it comes to that)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from huimin.accounts.models import Account

from ..criteria import Spec
from ..enums import Channel, DeliveryStatus, Frequency
from ..models import Criterion, Delivery, Dispatch, Subscription
from ..rules import rules


def verified_channels(account: Account) -> set[str]:
    """The channels an account can be reached by: the inbox always, mail and SMS at a verified address."""
    channels = {Channel.INBOX.value}
    if account.email and account.email_verified_at:
        channels.add(Channel.EMAIL.value)
    if account.mobile and account.mobile_verified_at:
        channels.add(Channel.SMS.value)
    return channels


def _check_choices(account: Account, frequency: str, channels) -> list[str]:
    channels = list(dict.fromkeys(channels))
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": "请选择推送频率。"})
    if not channels:
        raise ValidationError({"channels": "请至少选择一种接收方式。"})
    if any(channel not in Channel.values for channel in channels):
        raise ValidationError({"channels": "请从列表中选择接收方式。"})
    reachable = verified_channels(account)
    if Channel.EMAIL in channels and Channel.EMAIL not in reachable:
        raise ValidationError({"channels": "您的账号没有已验证的电子邮箱，不能选择电子邮件接收。"})
    if Channel.SMS in channels and Channel.SMS not in reachable:
        raise ValidationError({"channels": "您的账号没有已验证的手机号码，不能选择短信接收。"})
    return channels


def _own(account: Account, subscription: Subscription) -> None:
    if subscription.account_id != account.pk:
        raise PermissionDenied("这不是您的订阅。")


@transaction.atomic
def subscribe(
    account: Account, spec: Spec, *, frequency: str, channels, now: datetime, site=None
) -> Subscription:
    """Save a new subscription with its criteria rows. Refused: a second subscription with the same
    criteria, more than the allowed number, a channel without a verified address."""
    channels = _check_choices(account, frequency, channels)
    limit = rules().max_subscriptions_per_account
    if Subscription.objects.filter(account=account).count() >= limit:
        raise ValidationError(f"每个账号最多保留 {limit} 项订阅，请先删除不再需要的订阅。")
    if Subscription.objects.filter(account=account, signature=spec.signature).exists():
        raise ValidationError("您已订阅过相同的内容，可以在“我的订阅”中修改推送频率和接收方式。")
    subscription = Subscription(
        account=account,
        kind=spec.kind,
        title=spec.title,
        criteria=spec.criteria,
        page=spec.page,
        unit=spec.unit,
        query=spec.query,
        params=spec.params,
        frequency=frequency,
        by_inbox=Channel.INBOX in channels,
        by_email=Channel.EMAIL in channels,
        by_sms=Channel.SMS in channels,
        signature=spec.signature,
        site=site,
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError as error:  # the same form posted twice at once
        raise ValidationError("您已订阅过相同的内容。") from error
    Criterion.objects.bulk_create(
        Criterion(subscription=subscription, key=key, value=value, mode=mode)
        for key, value, mode in sorted(set(spec.rows))
    )
    return subscription


@transaction.atomic
def update_subscription(
    account: Account, subscription: Subscription, *, frequency: str, channels, now: datetime
) -> Subscription:
    """Change how often and by which channels a subscription is pushed (its criteria stay)."""
    _own(account, subscription)
    channels = _check_choices(account, frequency, channels)
    subscription.frequency = frequency
    subscription.by_inbox = Channel.INBOX in channels
    subscription.by_email = Channel.EMAIL in channels
    subscription.by_sms = Channel.SMS in channels
    subscription.updated_at = now
    subscription.save(update_fields=["frequency", "by_inbox", "by_email", "by_sms", "updated_at"])
    return subscription


@transaction.atomic
def delete_subscription(account: Account, subscription: Subscription) -> str:
    """End a subscription; what was already delivered stays in the inbox. Returns its title."""
    _own(account, subscription)
    title = subscription.title
    _end([subscription.pk])
    return title


def _end(subscription_ids) -> None:
    """Delete subscriptions and skip what they queued for mail or SMS that no other subscription wants."""
    ids = set(subscription_ids)
    Subscription.objects.filter(pk__in=ids).delete()
    # Queued deliveries are checked again at sending time (`sending._still_wanted`), so nothing queued for a
    # deleted subscription leaves; nothing else to do here.


@dataclass(frozen=True)
class UnsubscribeResult:
    titles: list[str]
    already: bool


def subscriptions_of_token(token: str) -> tuple[Dispatch | None, list[Subscription]]:
    """The message a token belongs to and the subscriptions it would end (those still there)."""
    text = str(token or "")
    if not text or len(text) > 40 or not text.replace("-", "").replace("_", "").isalnum():
        return None, []
    dispatch = Dispatch.objects.filter(token=text).first()
    if dispatch is None:
        return None, []
    ids = [pk for pk in dispatch.subscription_ids if isinstance(pk, int)]
    subscriptions = list(Subscription.objects.filter(pk__in=ids, account_id=dispatch.account_id))
    return dispatch, subscriptions


@transaction.atomic
def unsubscribe(token: str, *, now: datetime) -> UnsubscribeResult | None:
    """One-click unsubscribe from a message: end the subscriptions that caused it. None for a token that
    is not one of ours; `already` when they were ended before (a link followed twice)."""
    dispatch, subscriptions = subscriptions_of_token(token)
    if dispatch is None:
        return None
    if not subscriptions:
        return UnsubscribeResult([], already=True)
    titles = [subscription.title for subscription in subscriptions]
    _end([subscription.pk for subscription in subscriptions])
    return UnsubscribeResult(titles, already=False)


def _own_delivery(account: Account, delivery: Delivery) -> None:
    if delivery.account_id != account.pk or delivery.channel != Channel.INBOX:
        raise PermissionDenied("这不是您的消息。")


def mark_read(account: Account, delivery: Delivery, *, now: datetime) -> Delivery:
    _own_delivery(account, delivery)
    if delivery.read_at is None:
        delivery.read_at = now
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=now)
    return delivery


def mark_all_read(account: Account, *, now: datetime) -> int:
    return Delivery.objects.filter(
        account=account, channel=Channel.INBOX, status=DeliveryStatus.SENT, read_at__isnull=True
    ).update(read_at=now)


# ---- personal data (registered as a Holder in apps.py) ----


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def export_account(account: Account) -> dict:
    subscriptions = [
        {
            "title": s.title,
            "kind": s.get_kind_display(),
            "frequency": s.get_frequency_display(),
            "channels": s.channel_labels(),
            "created_at": _iso(s.created_at),
        }
        for s in Subscription.objects.filter(account=account).order_by("created_at", "pk")
    ]
    deliveries = [
        {
            "title": d.publication.title,
            "url": d.publication.url,
            "channel": d.get_channel_display(),
            "status": d.get_status_display(),
            "why": d.subscription_titles(),
            "queued_at": _iso(d.queued_at),
            "sent_at": _iso(d.sent_at),
            "read_at": _iso(d.read_at),
        }
        for d in Delivery.objects.filter(account=account)
        .select_related("publication")
        .order_by("queued_at", "pk")
    ]
    messages = [
        {
            "channel": m.get_channel_display(),
            "address": m.address,
            "subject": m.subject,
            "sent_at": _iso(m.sent_at),
        }
        for m in Dispatch.objects.filter(account=account).order_by("sent_at", "pk")
    ]
    return {"subscriptions": subscriptions, "deliveries": deliveries, "messages": messages}


@transaction.atomic
def erase_account(account: Account) -> str:
    Delivery.objects.filter(account=account).delete()
    Dispatch.objects.filter(account=account).delete()
    Subscription.objects.filter(account=account).delete()
    return ""
