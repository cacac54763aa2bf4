"""What the security app keeps: alerts raised by the hourly probes and the patrol (安全预警), the homepage
text each probe is compared with (to see a defacement), the register of quarterly 应急演练 and 渗透测试 with
their files, and the results of the scheduled security scans, per site over time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from wagtail.models import Site

from huimin.inspection.models import Target

from .enums import ACTIVE_STATES, AlertKind, AlertState, ExerciseKind, Severity


def _storage():
    from django.core.files.storage import storages

    return storages["workorders"]  # private, like the work orders' files (settings.STORAGES)


class Alert(models.Model):
    """One security alert of a patrolled site: raised when a condition is seen, kept current while it lasts,
    resolved when the condition clears (or by hand). At most one alert per target and kind is active."""

    target = models.ForeignKey(Target, verbose_name="巡查对象", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(
        Site, verbose_name="网站群站点", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("预警类型", max_length=20, choices=AlertKind.choices)
    severity = models.CharField("级别", max_length=10, choices=Severity.choices)
    state = models.CharField("状态", max_length=15, choices=AlertState.choices, default=AlertState.OPEN)
    title = models.CharField("标题", max_length=200)
    detail = models.TextField("说明", blank=True)
    evidence = models.JSONField("问题明细", default=list, blank=True)
    first_seen = models.DateTimeField("首次发现", db_index=True)
    last_seen = models.DateTimeField("最近发现")
    escalation_level = models.PositiveSmallIntegerField("已升级次数", default=0)
    escalated_at = models.DateTimeField("最近升级时间", null=True, blank=True)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledge_note = models.CharField("处置说明", max_length=500, blank=True)
    resolved_at = models.DateTimeField("解除时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解除人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolve_note = models.CharField("解除说明", max_length=500, blank=True)
    work_order = models.ForeignKey(
        "huimin_workorders.WorkOrder",
        verbose_name="关联工单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "安全预警"
        ordering = ["-first_seen", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "kind"],
                condition=models.Q(state__in=ACTIVE_STATES),
                name="security_one_active_alert_per_target_and_kind",
            )
        ]
        indexes = [models.Index(fields=["state", "first_seen"])]

    def __str__(self):
        return self.title

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class HomeBaseline(models.Model):
    """The homepage's visible text a target's probes are compared with: the last text taken as normal, when
    it was taken and last seen unchanged, and the latest different text seen (accepted as the new baseline
    when an alert about it is resolved by hand)."""

    target = models.OneToOneField(Target, verbose_name="巡查对象", on_delete=models.CASCADE, related_name="+")
    text = models.TextField("基准文字")
    digest = models.CharField("基准摘要", max_length=64)
    taken_at = models.DateTimeField("基准时间")
    checked_at = models.DateTimeField("最近一次与基准一致的时间")
    latest_text = models.TextField("最近不同的文字", blank=True)
    latest_digest = models.CharField("最近不同的摘要", max_length=64, blank=True)
    latest_at = models.DateTimeField("最近不同的时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "首页基准文字"

    def __str__(self):
        return f"{self.target} {self.taken_at:%Y-%m-%d %H:%M}"


class Exercise(models.Model):
    """One 应急演练 or 渗透测试 of a site, as recorded in the register (每季度开展一次)."""

    site = models.ForeignKey(Site, verbose_name="网站", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=ExerciseKind.choices)
    held_on = models.DateField("开展日期", db_index=True)
    title = models.CharField("名称", max_length=100)
    organiser = models.CharField("实施单位", max_length=100, blank=True)
    scope = models.TextField("范围和内容", max_length=3000)
    findings = models.TextField("发现的问题", max_length=5000, blank=True)
    fixes = models.TextField("整改情况", max_length=5000, blank=True)
    recorded_at = models.DateTimeField("登记时间")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "应急演练和渗透测试"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.title

    @property
    def quarter(self) -> tuple[int, int]:
        return self.held_on.year, (self.held_on.month - 1) // 3 + 1


class ExerciseFile(models.Model):
    """A file of a register entry (the plan, the report, the fixes), checked like letters' attachments."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", storage=_storage, max_length=200)
    name = models.CharField("文件名", max_length=100)
    kind = models.CharField("类型", max_length=10)
    size = models.PositiveIntegerField("大小（字节）")
    added_at = models.DateTimeField("上传时间")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "演练和测试材料"
        ordering = ["added_at", "pk"]

    def __str__(self):
        return self.name


class ScanResult(models.Model):
    """One security scan of a target: every check with its outcome (`checks`, a list of dicts: code, label,
    status, risk, detail, items) and the counts by outcome."""

    target = models.ForeignKey(Target, verbose_name="巡查对象", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(
        Site, verbose_name="网站群站点", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField("扫描时间", db_index=True)
    url = models.CharField("扫描地址", max_length=300)
    checks = models.JSONField("检查结果", default=list)
    counts = models.JSONField("各结果数量", default=dict)
    failed = models.PositiveSmallIntegerField("不通过项数", default=0)
    warned = models.PositiveSmallIntegerField("提示项数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "安全扫描结果"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target", "at"])]

    def __str__(self):
        return f"{self.url} {self.at:%Y-%m-%d %H:%M}"
