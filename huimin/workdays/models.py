"""Working calendars: holidays and make-up working days as data, and the working hours of each calendar."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel

from .enums import DEFAULT_WORKING_HOURS, DayKind
from .working_time import parse_periods


def validate_working_hours(value: str) -> None:
    try:
        parse_periods(value)
    except ValueError as error:
        raise ValidationError(str(error), code="working_hours") from None


class WorkCalendar(models.Model):
    """A calendar. The city's is the default; a county's may name it as parent and list only its own
    differences: its days override the parent's for the same date, and blank working hours inherit."""

    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField("代码", max_length=30, unique=True, help_text="命令和接口中使用，如 suqian。")
    parent = models.ForeignKey(
        "self",
        verbose_name="继承自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="县区日历只需列出与上级日历不同的日期。",
    )
    working_hours = models.CharField(
        "工作时间",
        max_length=100,
        blank=True,
        validators=[validate_working_hours],
        help_text=f"如 {DEFAULT_WORKING_HOURS}；留空则沿用上级日历（无上级时为此默认值）。",
    )
    is_default = models.BooleanField("默认日历", default=False, help_text="未指定日历时使用（全市一个）。")

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("working_hours"),
        FieldPanel("is_default"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "工作日历"
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_work_calendar"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        ancestor, seen = self.parent, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": "日历的继承关系不能形成循环。"})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class CalendarDay(models.Model):
    """One listed date of a calendar: a holiday (放假) or a make-up working day (调休上班)."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name="日历", on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("名称", max_length=50, help_text="如 国庆节、国庆节调休。")

    panels = [FieldPanel("calendar"), FieldPanel("date"), FieldPanel("kind"), FieldPanel("name")]

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="one_entry_per_calendar_day")
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"

    def clean(self):
        if self.kind == DayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"date": "调休上班日应为周六或周日。"})
