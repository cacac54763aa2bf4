"""Subscriptions of citizens' accounts and what was pushed to them (精准推送).

- `Subscription`: what one account asked for (tag combinations, a column, a library filter, a topic, a unit or
  a search query), how often and by which channels. Its criteria are kept twice: as the person chose them
  (`criteria`, `params`, `query` …, for the screens) and normalised into `Criterion` rows, one per
  (key, value, any/all), indexed by (key, value), which is what matching reads.
- `Publication`: one substantive version of a published page (its first publication, or a change in
  substance): the unit of "nothing sent twice".
- `Delivery`: one (account, publication, channel), with why it was sent (the subscriptions and the criteria
  that matched), when it was queued, sent or failed. Inbox deliveries are the inbox.
- `Dispatch`: one message that left the site (a mail or an SMS, single or digest) with its unsubscribe token;
  the rate limits count these.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from huimin.accounts.models import Account

from .enums import (
    Channel,
    DeliveryStatus,
    Frequency,
    Mode,
    PublicationReason,
    PublicationState,
    SubscriptionKind,
)


class Subscription(models.Model):
    account = models.ForeignKey(
        Account, verbose_name="账号", on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField("订阅类型", max_length=10, choices=SubscriptionKind.choices)
    title = models.CharField("订阅内容", max_length=300)
    criteria = models.JSONField("标签条件", default=dict, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="栏目、文件库或专题",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "huimin_sites.OrgUnit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    query = models.CharField("搜索关键词", max_length=100, blank=True)
    params = models.JSONField("筛选条件", default=dict, blank=True)
    frequency = models.CharField(
        "推送频率", max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    by_inbox = models.BooleanField("站内消息", default=True)
    by_email = models.BooleanField("电子邮件", default=False)
    by_sms = models.BooleanField("短信", default=False)
    signature = models.CharField("条件摘要", max_length=64, editable=False)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name="订阅网站",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("订阅时间")
    updated_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = verbose_name_plural = "订阅"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "signature"], name="subscription_unique_criteria"),
        ]

    def __str__(self):
        return self.title

    def channels(self) -> list[str]:
        return [
            channel
            for channel, wanted in (
                (Channel.INBOX, self.by_inbox),
                (Channel.EMAIL, self.by_email),
                (Channel.SMS, self.by_sms),
            )
            if wanted
        ]

    def channel_labels(self) -> list[str]:
        return [Channel(channel).label for channel in self.channels()]


class Criterion(models.Model):
    """One normalised condition of a subscription: the content must have `value` under `key`; with `mode`
    any, at least one of the subscription's values of that key; with all, every one of them."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="rows")
    key = models.CharField("键", max_length=30)
    value = models.CharField("值", max_length=200)
    mode = models.CharField("方式", max_length=3, choices=Mode.choices, default=Mode.ANY)

    class Meta:
        verbose_name = verbose_name_plural = "订阅条件"
        indexes = [models.Index(fields=["key", "value"], name="subscription_criterion_kv")]

    def __str__(self):
        return f"{self.key}:{self.value} ({self.mode})"


class Publication(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="页面",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name="版本",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fingerprint = models.CharField("内容摘要", max_length=64)
    reason = models.CharField("推送原因", max_length=10, choices=PublicationReason.choices)
    changes = models.JSONField("变更内容", default=list, blank=True)
    kind = models.CharField("信息类型", max_length=20)
    title = models.CharField("标题", max_length=255)
    url = models.CharField("地址", max_length=500)
    facts = models.JSONField("匹配用的标签", default=dict)
    state = models.CharField(
        "状态", max_length=10, choices=PublicationState.choices, default=PublicationState.MATCHING
    )
    matched = models.PositiveIntegerField("匹配账号数", default=0)
    queued = models.PositiveIntegerField("生成推送数", default=0)
    created_at = models.DateTimeField("发布时间")
    finished_at = models.DateTimeField("匹配完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "推送的发布"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["page", "fingerprint"], name="publication_unique_version"),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_reason_display()}）"


class Dispatch(models.Model):
    """One message that left the site: a mail or an SMS, carrying one delivery or a digest of several."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="dispatches")
    channel = models.CharField("发送方式", max_length=10, choices=Channel.choices)
    address = models.CharField("发送地址", max_length=254)
    subject = models.CharField("主题", max_length=300)
    token = models.CharField("退订令牌", max_length=40, unique=True)
    subscription_ids = models.JSONField("涉及的订阅", default=list)
    items = models.PositiveIntegerField("条数", default=0)
    sent_at = models.DateTimeField("发送时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "推送消息"
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["account", "sent_at"], name="dispatch_account_sent")]

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    account = models.ForeignKey(
        Account, verbose_name="账号", on_delete=models.CASCADE, related_name="deliveries"
    )
    publication = models.ForeignKey(
        Publication, verbose_name="发布", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("发送方式", max_length=10, choices=Channel.choices)
    frequency = models.CharField("推送频率", max_length=10, choices=Frequency.choices)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    reason = models.JSONField("推送原因", default=list)
    queued_at = models.DateTimeField("排队时间")
    due_at = models.DateTimeField("应发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    failed_at = models.DateTimeField("失败时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    error = models.CharField("错误", max_length=500, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    dispatch = models.ForeignKey(
        Dispatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries", db_index=False
    )

    class Meta:
        verbose_name = verbose_name_plural = "推送记录"
        ordering = ["-queued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "publication", "channel"], name="delivery_unique_per_channel"
            ),
        ]
        # Partial indexes: the many inbox rows (sent at once, never dispatched) are in none of them, so a
        # hundred thousand deliveries are written with three index entries each, not eight.
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="queued"), name="delivery_queued_due"),
            models.Index(
                fields=["frequency"],
                condition=Q(status="queued", due_at__isnull=True),
                name="delivery_digest",
            ),
            models.Index(fields=["dispatch"], condition=Q(dispatch__isnull=False), name="delivery_dispatch"),
        ]

    def __str__(self):
        return f"{self.account} · {self.publication} · {self.get_channel_display()}"

    def subscription_titles(self) -> list[str]:
        return [item.get("title", "") for item in self.reason]

    @property
    def code(self) -> str:
        """The code of the message's short link: the id and a keyed hash of it (`delivery_for_code`)."""
        return f"{_base36(self.pk)}-{_code_hash(self.pk)}"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def _code_hash(pk: int) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac("huimin.subscriptions.go", str(pk)).hexdigest()[:10]


def delivery_id_for_code(code: str) -> int | None:
    """The delivery a short link's code names, if its hash is right; None for anything else."""
    from django.utils.crypto import constant_time_compare

    head, _, tail = str(code or "").partition("-")
    if not head or len(head) > 12 or not head.isalnum() or not head.isascii():
        return None
    try:
        pk = int(head, 36)
    except ValueError:
        return None
    return pk if constant_time_compare(tail, _code_hash(pk)) else None
