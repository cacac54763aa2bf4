"""内容安全: the dictionary of wrong expressions and harmful terms (categories and terms, edited by the
platform and security administrators through `services`), and the workflow step that checks a revision
before it is published."""

from django.db import models
from wagtail.models import Task

from .enums import TERM_CHECKS, CheckKind, Severity
from .workflow import SafetyTaskMixin

TERM_MAX = 100
SUGGESTION_MAX = 200
NOTE_MAX = 500


class ContentSafetyTask(SafetyTaskMixin, Task):
    """A workflow step that checks the revision in review: a veto finding blocks approval, a warning needs the
    approver's confirmation."""

    class Meta:
        verbose_name = "内容安全审查"
        verbose_name_plural = "内容安全审查"


class TermCategory(models.Model):
    """A category of the dictionary (政治表述, 涉赌 …), seeded from `data/categories.json`; it decides
    which check its terms belong to."""

    name = models.CharField("类别名称", max_length=40, unique=True)
    kind = models.CharField(
        "检查类型", max_length=20, choices=[(c.value, c.label) for c in TERM_CHECKS], default="expression"
    )
    description = models.CharField("说明", max_length=200, blank=True)
    order = models.PositiveIntegerField("排序", default=100)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "词条类别"
        verbose_name_plural = "词条类别"

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A dictionary entry (词条): a wrong or harmful phrase, the right form to use instead ("" when it must be
    deleted or rewritten), how serious a match is, and whether it is in force."""

    term = models.CharField("词条", max_length=TERM_MAX)
    # The term as the matcher sees it (normalised, ASCII in lower case): two terms of a check never share it.
    key = models.CharField("比对形式", max_length=TERM_MAX * 2, editable=False, db_index=True)
    kind = models.CharField(
        "检查类型", max_length=20, choices=[(c.value, c.label) for c in TERM_CHECKS], default="expression"
    )
    category = models.ForeignKey(
        TermCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="terms"
    )
    severity = models.CharField("处理方式", max_length=10, choices=Severity.choices, default=Severity.WARN)
    suggestion = models.CharField(
        "正确写法", max_length=SUGGESTION_MAX, blank=True, help_text="不填表示该词应删除或改写。"
    )
    note = models.CharField("备注", max_length=NOTE_MAX, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        ordering = ["category__order", "term"]
        verbose_name = "词条"
        verbose_name_plural = "词条"
        constraints = [models.UniqueConstraint(fields=["key", "kind"], name="safety_term_unique_per_check")]

    def __str__(self) -> str:
        return self.term

    @property
    def kind_label(self) -> str:
        return CheckKind(self.kind).label
