"""Service guides (办事指南), their checker's vocabulary, and the monthly handling statistics (办事统计)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from huimin.sites.models import NationalTagsMixin, OrgUnit

# --- 办事统计 -------------------------------------------------------------------------------------------


class HandlingStatistic(models.Model):
    """One unit's handling figures for one month. Written only by `services.statistics.record_month`."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name="办理单位", on_delete=models.PROTECT, related_name="handling_statistics"
    )
    month = models.DateField("统计月份", help_text="该月第一天。", db_index=True)
    received = models.PositiveIntegerField("受理件数")
    completed = models.PositiveIntegerField("办结件数")
    online = models.PositiveIntegerField("网上办理件数")
    on_time = models.PositiveIntegerField("按时办结件数")
    source = models.CharField("数据来源", max_length=200, blank=True, help_text="手工录入或导入的文件名。")
    updated_at = models.DateTimeField("更新时间")
    updated_by = models.ForeignKey(
        "auth.User", verbose_name="更新人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "办事统计"
        ordering = ["-month", "unit__sort_order", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="handling_statistic_unit_month"),
        ]

    def __str__(self):
        return f"{self.unit} {self.month:%Y-%m}"

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "统计月份须为该月第一天。"})
        if self.completed is not None and self.received is not None and self.completed > self.received:
            raise ValidationError({"completed": "办结件数不能大于受理件数。"})
        if self.on_time is not None and self.completed is not None and self.on_time > self.completed:
            raise ValidationError({"on_time": "按时办结件数不能大于办结件数。"})
        if self.online is not None and self.received is not None and self.online > self.received:
            raise ValidationError({"online": "网上办理件数不能大于受理件数。"})


class HandlingStatisticsPage(NationalTagsMixin, Page):
    """The public monthly table of handling figures (办事统计) of a site's units, with its last update."""

    description = models.TextField("栏目描述", max_length=500)
    keywords = models.CharField("栏目关键词", max_length=200)
    units = ParentalManyToManyField(
        OrgUnit,
        verbose_name="公开的单位",
        blank=True,
        related_name="+",
        help_text="留空则公开全部单位的办事统计。",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        FieldPanel("keywords"),
        FieldPanel("units"),
    ]
    parent_page_types = ["huimin_sites.HomePage", "huimin_sites.ColumnPage"]
    subpage_types = []
    template = "services/handling_statistics_page.html"

    class Meta:
        verbose_name = "办事统计"

    def column_tags(self, identity):
        return [
            ("ColumnName", self.title),
            ("ColumnDescription", self.description),
            ("ColumnKeywords", self.keywords),
            ("ColumnType", "办事服务"),
        ]
