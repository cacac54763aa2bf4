"""Netizen messages (网民留言): the letter, every step of its handling, and the time limits as data."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Site

from huimin.sites.models import OrgUnit
from huimin.workdays.models import WorkCalendar

from .enums import Channel, Kind, Rating, Referral, State


class TimeLimitRule(models.Model):
    """The time limits of one kind of letter, in working time (附件1 of the work points by default)."""

    kind = models.CharField("留言类型", max_length=20, choices=Kind.choices, unique=True)
    dispatch_hours = models.DecimalField("分办时限（工作小时）", max_digits=5, decimal_places=2, default=1)
    accept_hours = models.DecimalField("签收时限（工作小时）", max_digits=5, decimal_places=2, default=1)
    reply_days = models.DecimalField("答复时限（工作日）", max_digits=5, decimal_places=2, default=5)
    simple_reply_days = models.DecimalField(
        "简单咨询答复时限（工作日）", max_digits=5, decimal_places=2, null=True, blank=True
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("dispatch_hours"),
        FieldPanel("accept_hours"),
        FieldPanel("reply_days"),
        FieldPanel("simple_reply_days"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "办理时限"
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()


class RoutingRule(models.Model):
    """分办规则: which unit a letter should probably go to. A rule matches when its kind (if any) and the
    unit the citizen chose (if any) match and any one of its keywords is in the title or content. The
    dispatcher sees the suggestion on the board and decides; a rule never dispatches by itself."""

    name = models.CharField("规则名称", max_length=100)
    kind = models.CharField(
        "留言类型", max_length=20, choices=Kind.choices, blank=True, help_text="不选则不限类型"
    )
    chosen_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="留言对象",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="不选则不限留言人选择的对象",
    )
    keywords = models.TextField(
        "关键词",
        blank=True,
        max_length=2000,
        help_text="每行或用逗号分隔一个词；留言含其中任一词即匹配。不填则不限",
    )
    unit = models.ForeignKey(OrgUnit, verbose_name="建议承办单位", on_delete=models.CASCADE, related_name="+")
    priority = models.PositiveIntegerField("优先级", default=100, help_text="数字小的先匹配")
    active = models.BooleanField("启用", default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("chosen_unit"),
        FieldPanel("keywords"),
        FieldPanel("unit"),
        FieldPanel("priority"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "分办规则"
        ordering = ["priority", "pk"]

    def __str__(self):
        return self.name

    def keyword_list(self) -> list[str]:
        return [word for word in re.split(r"[,，、;；\s]+", self.keywords or "") if word]


class Letter(models.Model):
    """One message from the public. Contact details are never shown publicly."""

    site = models.ForeignKey(Site, verbose_name="受理网站", on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField("留言类型", max_length=20, choices=Kind.choices)
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices, default=Channel.WEB)
    chosen_unit = models.ForeignKey(
        OrgUnit, verbose_name="留言对象", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField("标题", max_length=100)
    content = models.TextField("内容", max_length=5000)
    contact_name = models.CharField("姓名", max_length=50)
    contact_phone = models.CharField("手机号码", max_length=20, db_index=True)
    contact_email = models.EmailField("电子邮箱", blank=True)
    may_publish = models.BooleanField("同意公开", default=False)
    is_simple = models.BooleanField("简单咨询", default=False)
    flagged = models.BooleanField("含敏感词待审", default=False)
    external_id = models.CharField("外部编号", max_length=64, blank=True, db_index=True)

    query_code = models.CharField("查询码", max_length=12, unique=True)
    query_password = models.CharField("查询密码", max_length=128)
    # The citizen account that wrote it or later claimed it with its query code and password (我的留言).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="所属账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    calendar = models.ForeignKey(
        WorkCalendar, verbose_name="工作日历", on_delete=models.PROTECT, related_name="+"
    )

    received_at = models.DateTimeField("收到时间", db_index=True)
    dispatched_at = models.DateTimeField("分办时间", null=True, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    # The inputs of the deadlines (working time), and the deadlines they give on the letter's calendar.
    reply_limit = models.DurationField("答复时限（工作时间）", default=timedelta(0))
    extension = models.DurationField("延期（工作时间）", default=timedelta(0))
    paused = models.DurationField("暂停计时（工作时间）", default=timedelta(0))
    paused_since = models.DateTimeField("暂停开始", null=True, blank=True)
    dispatch_due = models.DateTimeField("分办截止", null=True, blank=True)
    accept_due = models.DateTimeField("签收截止", null=True, blank=True)
    reply_due = models.DateTimeField("答复截止", null=True, blank=True, db_index=True)
    # The stage the letter waits in now (dispatch, acceptance or reply): when 80 % of its time is used,
    # when it is due, when it is seriously overdue. Null when nothing runs (paused or finished).
    warn_at = models.DateTimeField("临期时间", null=True, blank=True, db_index=True)
    due_at = models.DateTimeField("当前环节截止", null=True, blank=True, db_index=True)
    serious_at = models.DateTimeField("严重超期时间", null=True, blank=True)
    reminded_for = models.DateTimeField("已提醒的截止时间", null=True, blank=True)

    reply = models.TextField("答复内容", blank=True, max_length=10000)
    reply_unit = models.ForeignKey(
        OrgUnit, verbose_name="答复单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    info_request = models.TextField("需补充的材料", blank=True, max_length=1000)
    supplement = models.TextField("补充内容", blank=True, max_length=5000)
    rating = models.CharField("满意度", max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    reason = models.CharField("说明", max_length=500, blank=True, help_text="退回、无效、重复等的理由")
    referred_to = models.CharField(
        "告知其他渠道",
        max_length=20,
        choices=Referral.choices,
        blank=True,
        help_text="不属于受理范围时告知的渠道",
    )

    class Meta:
        verbose_name = verbose_name_plural = "网民留言"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["state", "reply_due"]), models.Index(fields=["unit", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="one_letter_per_channel_external_id",
            )
        ]

    def __str__(self):
        return f"{self.query_code} {self.title}"


def _letters_storage():
    from .attachments import storage

    return storage()


class Attachment(models.Model):
    """A file the citizen sent with the letter. Kept in private storage; never published."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", storage=_letters_storage, max_length=200)
    name = models.CharField("文件名", max_length=100)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")

    class Meta:
        verbose_name = verbose_name_plural = "留言附件"
        ordering = ["pk"]

    def __str__(self):
        return self.name


class LetterEvent(models.Model):
    """One step in a letter's handling: who, when, what, from which state to which."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField("操作方", max_length=100, help_text="无账号时：留言人、系统或外部平台")
    action = models.CharField("操作", max_length=30)
    from_state = models.CharField("原状态", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField("说明", blank=True, max_length=5000)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.letter_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class ReplyTemplate(models.Model):
    """常用答复口径: a reusable answer, for one unit or (no unit) for every unit."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("名称", max_length=100)
    text = models.TextField("答复口径", max_length=5000)

    panels = [FieldPanel("unit"), FieldPanel("title"), FieldPanel("text")]

    class Meta:
        verbose_name = verbose_name_plural = "常用答复口径"
        ordering = ["unit", "title"]

    def __str__(self):
        return self.title


class OutboxMessage(models.Model):
    """A letter to be pushed to the city's event-dispatch platform. Written in the same transaction as the
    letter, so nothing accepted is lost; delivered with retries and backoff; each message carries its own
    idempotency key, so a retry after an unclear failure is never a second event at the peer."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="outbox")
    idempotency_key = models.CharField("幂等键", max_length=64, unique=True)
    payload = models.JSONField("内容")
    created_at = models.DateTimeField("创建时间")
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", db_index=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "推送队列"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.idempotency_key} {'已送达' if self.delivered_at else '待送达'}"


class InboundEvent(models.Model):
    """An event the dispatch platform reported, kept by its id so a repeated callback changes nothing."""

    event_id = models.CharField("事件编号", max_length=64, unique=True)
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("事件", max_length=20)
    received_at = models.DateTimeField("收到时间")

    class Meta:
        verbose_name = verbose_name_plural = "平台回调事件"

    def __str__(self):
        return f"{self.event_id} {self.kind}"
