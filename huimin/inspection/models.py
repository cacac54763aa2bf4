"""What the platform keeps of its inspections: the sites it patrols (the group's own, synchronised, and
external sites an administrator lists), each crawl with its whole JSON report, and the periodic reports
(月检查 and 季通报) built from the crawls."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Site


class Target(models.Model):
    """A site the daily patrol inspects. Targets of the group's own sites are kept in step with the
    site list by `services.sync_group_targets`; external ones are added in the admin."""

    name = models.CharField("网站名称", max_length=100)
    url = models.URLField("首页地址", max_length=300, unique=True)
    site = models.OneToOneField(
        Site, verbose_name="网站群站点", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    active = models.BooleanField("参与日常巡查", default=True)
    max_pages = models.PositiveIntegerField("每次最多抓取页面数", default=500)
    last_patrol_on = models.DateField("最近巡查日期", null=True, blank=True)

    panels = [FieldPanel("name"), FieldPanel("url"), FieldPanel("active"), FieldPanel("max_pages")]

    class Meta:
        verbose_name = verbose_name_plural = "巡查对象"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Run(models.Model):
    """One inspection of a target: the JSON report as `huimin inspect` writes it, with its figures."""

    target = models.ForeignKey(Target, verbose_name="巡查对象", on_delete=models.CASCADE, related_name="runs")
    started = models.DateTimeField("开始时间", db_index=True)
    seconds = models.FloatField("用时（秒）", default=0)
    pages_crawled = models.PositiveIntegerField("检测页面数", default=0)
    score = models.FloatField("得分")
    vetoed = models.BooleanField("存在单项否决问题", default=False)
    counts = models.JSONField("各检查项问题数", default=dict)
    report = models.JSONField("检测报告")

    class Meta:
        verbose_name = verbose_name_plural = "巡查记录"
        ordering = ["-started", "-pk"]

    def __str__(self):
        return f"{self.target} {self.started:%Y-%m-%d %H:%M}"


class Probe(models.Model):
    """One availability probe of a target's homepage (`huimin inspect-probe`, run at least 20 times a
    day): the national veto counts the share of failed probes over a week."""

    target = models.ForeignKey(
        Target, verbose_name="巡查对象", on_delete=models.CASCADE, related_name="probes"
    )
    at = models.DateTimeField("时间")
    ok = models.BooleanField("可访问")
    detail = models.CharField("说明", max_length=100, blank=True)
    ms = models.PositiveIntegerField("响应时间（毫秒）", null=True, blank=True)
    digest = models.CharField("首页文字摘要", max_length=64, blank=True, help_text="首页可见文字的 SHA-256")

    class Meta:
        verbose_name = verbose_name_plural = "可用性探测"
        indexes = [models.Index(fields=["target", "at"])]

    def __str__(self):
        return f"{self.target} {self.at:%Y-%m-%d %H:%M} {'可访问' if self.ok else '失败'}"


class PeriodReport(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", "月检查报告"
        QUARTERLY = "quarterly", "季度通报"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    period = models.CharField("期间", max_length=10, help_text="如 2026-11 或 2026Q4")
    created = models.DateTimeField("生成时间")
    rows = models.JSONField("各网站结果")

    class Meta:
        verbose_name = verbose_name_plural = "巡查报告"
        ordering = ["-period", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="one_report_per_period")]

    def __str__(self):
        return f"{self.period} {self.get_kind_display()}"
