"""值班读网 (the duty of reading a site every working day): who is on duty for a site on a day (`DutyRoster`,
arranged by the site's administrator) and what the person on duty read and found (`DutyReading`). The
responsibility for each column (unit, person, phone, update cycle, content-quality requirement) lives on
`huimin.sites.models.ColumnPage` itself; this app only lists it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from wagtail.models import Site


class DutyRoster(models.Model):
    """One person on duty to read one site on one working day."""

    site = models.ForeignKey(Site, verbose_name="网站", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("值班日期")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="值班人", on_delete=models.CASCADE, related_name="duty_days"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="安排人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    arranged_at = models.DateTimeField("安排时间")

    class Meta:
        verbose_name = verbose_name_plural = "值班安排"
        ordering = ["day", "site_id"]
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="duty_roster_one_per_site_day")]
        indexes = [models.Index(fields=["person", "day"])]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.person}"


class DutyReading(models.Model):
    """What one person read on one site on one day, and what they found."""

    site = models.ForeignKey(Site, verbose_name="网站", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("读网日期")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="读网人",
        on_delete=models.CASCADE,
        related_name="duty_readings",
    )
    pages_read = models.PositiveIntegerField("浏览页面数")
    urls = models.JSONField("浏览的页面地址", default=list, blank=True)
    problems = models.TextField("发现的问题", max_length=3000, blank=True)
    work_orders = models.ManyToManyField(
        "huimin_workorders.WorkOrder", verbose_name="关联工单", blank=True, related_name="duty_readings"
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "读网记录"
        ordering = ["day", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "day", "person"], name="duty_reading_one_per_person_day")
        ]
        indexes = [models.Index(fields=["site", "day"])]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.person}"
