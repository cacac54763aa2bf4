"""网站工单: a problem on a site carried to the person who fixes it. Kinds and their time limits are data
(`data/kinds.json`, loaded by migration and edited in the admin); each order keeps its whole history as
events, and every step is also written to the audit log."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page, Site

from huimin.sites.models import OrgUnit

from .enums import Action, Assignee, Closure, Priority, Source, State

LIMIT_HELP = "工作时间小时数（按工作日历计算，一个工作日为 7 小时）。"


def _storage():
    from django.core.files.storage import storages

    return storages["workorders"]


class WorkOrderKind(models.Model):
    """A kind of work order (内容更正, 故障, 安全 …) with its time limit per priority, in working hours."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    urgent_hours = models.DecimalField("紧急时限", max_digits=6, decimal_places=1, help_text=LIMIT_HELP)
    high_hours = models.DecimalField("较急时限", max_digits=6, decimal_places=1, help_text=LIMIT_HELP)
    normal_hours = models.DecimalField("一般时限", max_digits=6, decimal_places=1, help_text=LIMIT_HELP)
    low_hours = models.DecimalField("不急时限", max_digits=6, decimal_places=1, help_text=LIMIT_HELP)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("可选用", default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("urgent_hours"),
                FieldPanel("high_hours"),
                FieldPanel("normal_hours"),
                FieldPanel("low_hours"),
            ],
            heading="办理时限",
        ),
        FieldPanel("sort_order"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "工单类型"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        for field in ("urgent_hours", "high_hours", "normal_hours", "low_hours"):
            value = getattr(self, field)
            if value is not None and value <= 0:
                raise ValidationError({field: "办理时限须大于 0。"})

    def limit_hours(self, priority: str):
        return getattr(self, f"{priority}_hours")


class VendorAccount(models.Model):
    """An outside vendor's account that work orders can be dispatched to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="vendor_account"
    )
    company = models.CharField("服务商名称", max_length=100)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    active = models.BooleanField("可派发", default=True)

    panels = [FieldPanel("user"), FieldPanel("company"), FieldPanel("phone"), FieldPanel("active")]

    class Meta:
        verbose_name = verbose_name_plural = "外包服务商账号"
        ordering = ["company"]

    def __str__(self):
        return f"{self.company}（{self.user.get_username()}）"


class WorkOrder(models.Model):
    number = models.CharField("工单编号", max_length=20, unique=True)
    site = models.ForeignKey(Site, verbose_name="网站", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        OrgUnit, verbose_name="提交单位", on_delete=models.PROTECT, related_name="work_orders"
    )
    page = models.ForeignKey(
        Page, verbose_name="页面", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.CharField("页面地址", max_length=500, blank=True)
    kind = models.ForeignKey(WorkOrderKind, verbose_name="类型", on_delete=models.PROTECT, related_name="+")
    priority = models.CharField("紧急程度", max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    title = models.CharField("标题", max_length=100)
    description = models.TextField("问题描述", max_length=5000)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    # Orders opened from findings: one per site and problem, e.g. "patrol:broken_link". Empty for manual ones.
    finding_key = models.CharField("问题标识", max_length=80, blank=True)
    findings = models.JSONField("问题明细", default=list, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requested_work_orders",
    )
    state = models.CharField(
        "状态", max_length=20, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.CharField("退回理由", max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="合并到",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    assignee_kind = models.CharField("承办方", max_length=10, choices=Assignee.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_work_orders",
    )
    dispatched_at = models.DateTimeField("派发时间", null=True, blank=True)
    started_at = models.DateTimeField("开始处理时间", null=True, blank=True)
    fixed_at = models.DateTimeField("处理完成时间", null=True, blank=True)
    fix_note = models.TextField("处理情况", max_length=3000, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)
    closure = models.CharField("办结方式", max_length=10, choices=Closure.choices, blank=True)
    reopened = models.PositiveSmallIntegerField("重新打开次数", default=0)
    # The time limit runs from `clock_from` (submission, or the last reopening) over working time.
    clock_from = models.DateTimeField("计时起点")
    warn_at = models.DateTimeField("临期时间", null=True, blank=True)
    due_at = models.DateTimeField("办理期限", null=True, blank=True, db_index=True)
    reminded_level = models.CharField("已提醒的等级", max_length=10, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "网站工单"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "finding_key"],
                condition=~models.Q(finding_key=""),
                name="workorder_one_per_site_problem",
            )
        ]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["site", "state"])]

    def __str__(self):
        return f"{self.number} {self.title}"


class WorkOrderEvent(models.Model):
    """One step of an order's history, as its detail screen shows it."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField("操作方", max_length=100)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    from_state = models.CharField("原状态", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=20, choices=State.choices)
    note = models.TextField("说明", max_length=3000, blank=True)
    changes = models.JSONField("修改内容", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工单办理记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.order_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class WorkOrderFile(models.Model):
    """A file of an order: the requester's screenshots or documents, or the fixer's evidence."""

    class Role(models.TextChoices):
        REQUEST = "request", "问题材料"
        FIX = "fix", "处理材料"

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="files")
    role = models.CharField("用途", max_length=10, choices=Role.choices, default=Role.REQUEST)
    file = models.FileField("文件", storage=_storage, max_length=200)
    name = models.CharField("文件名", max_length=100)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    added_at = models.DateTimeField("上传时间")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = verbose_name_plural = "工单附件"
        ordering = ["added_at", "pk"]

    def __str__(self):
        return self.name
