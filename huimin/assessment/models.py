"""年考核 (seed 附件2): the indicator table of a year, the score sheets of the assessed units, what assessors
record by hand or enter from outside, the quarterly bulletins, and the units' submissions to the portal
(信息报送 / 采用)."""

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from huimin.sites.models import OrgUnit

from .enums import Adoption, Basis, BulletinSource, RowKind, SheetState, SubmissionKind, SubmissionState


def _assessment_storage():
    return storages["assessment"]


class IndicatorTable(ClusterableModel):
    """One year's assessment method: the rows of 附件2, the parts' weights per unit class, the base counts
    of 信息报送 and the points each kind of adoption earns. Copied from the year before and edited."""

    year = models.PositiveIntegerField(
        "考核年度", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField("名称", max_length=100)
    source = models.CharField("依据", max_length=200, blank=True, help_text="如：宿政办发〔2022〕1号 附件2")
    evaluation_cap = models.DecimalField("评测部分满分", max_digits=6, decimal_places=2, default=Decimal(100))
    # {"county": {"evaluation": 0.8, "assurance": 0.2}, ...}
    weights = models.JSONField("各类单位两部分权重", default=dict)
    # {"county": 1200, "function_area": 360, "city_dept_1": 240, "city_dept_2": 120}
    base_counts = models.JSONField("信息报送基准条数", default=dict)
    # {"info": {"as_is": 2, "rewritten": 1, "topic": 3}, "topic_plan": {...}, "answer_caliber": {...}}
    adoption_points = models.JSONField("采用积分", default=dict)
    # {"report": 30, "adoption": 70}
    assurance_points = models.JSONField("内容保障两项分值", default=dict)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("year"), FieldPanel("title"), FieldPanel("source"), FieldPanel("evaluation_cap")],
            heading="基本信息",
        ),
        MultiFieldPanel(
            [
                FieldPanel("weights"),
                FieldPanel("base_counts"),
                FieldPanel("adoption_points"),
                FieldPanel("assurance_points"),
            ],
            heading="内容保障与权重",
        ),
        InlinePanel("indicators", heading="指标", label="指标"),
    ]

    class Meta:
        verbose_name = verbose_name_plural = "考核指标表"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年 {self.title}"


class Indicator(Orderable):
    """One row: a 二级指标 with its points and rule, or a bonus, deduction or veto case."""

    table = ParentalKey(IndicatorTable, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField("类别", max_length=20, choices=RowKind.choices, default=RowKind.INDICATOR)
    group = models.CharField("一级指标", max_length=30, blank=True)
    group_points = models.DecimalField("一级指标分值", max_digits=6, decimal_places=2, default=Decimal(0))
    name = models.CharField("二级指标", max_length=50)
    points = models.DecimalField(
        "分值",
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        help_text="加分、减分情形为每次的上限或分值",
    )
    rule = models.TextField("评分细则", max_length=2000)
    basis = models.CharField("计分方式", max_length=20, choices=Basis.choices)
    source = models.CharField(
        "自动计分来源", max_length=40, blank=True, help_text="自动计算时的数据来源，见 docs/assessment.md"
    )
    sample_size = models.PositiveIntegerField("抽查数量", null=True, blank=True)
    each = models.DecimalField("每处扣分", max_digits=6, decimal_places=2, null=True, blank=True)
    record_hint = models.CharField("抽查记录要求", max_length=200, blank=True)
    zeroes = models.BooleanField("该部分不得分", default=False, help_text="减分情形：出现即评测部分不得分")

    panels = [
        FieldPanel("kind"),
        FieldPanel("group"),
        FieldPanel("group_points"),
        FieldPanel("name"),
        FieldPanel("points"),
        FieldPanel("rule"),
        FieldPanel("basis"),
        FieldPanel("source"),
        FieldPanel("sample_size"),
        FieldPanel("each"),
        FieldPanel("record_hint"),
        FieldPanel("zeroes"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = verbose_name_plural = "考核指标"

    def __str__(self):
        return f"{self.group}·{self.name}" if self.group else self.name


class ScoreSheet(models.Model):
    """A unit's sheet for a year: computed on demand while open; frozen with its evidence when closed."""

    unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("考核年度")
    state = models.CharField("状态", max_length=20, choices=SheetState.choices, default=SheetState.OPEN)
    at = models.DateTimeField("计算时点", null=True, blank=True)
    data = models.JSONField("评分表", default=dict, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="定稿人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField("定稿时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核评分表"
        permissions = [("assess", "可以评分、录入和定稿年度考核")]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="assessment_one_sheet_per_year")]
        ordering = ["-year", "unit__sort_order", "unit__name"]

    def __str__(self):
        return f"{self.year}年 {self.unit}"


class ManualFinding(models.Model):
    """What an assessor checked by hand for a manual row: the item sampled, its evidence and the deduction
    (0 when the item was right)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="findings"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("考核年度")
    item = models.CharField("抽查事项", max_length=200)
    url = models.URLField("网址", max_length=500, blank=True)
    screenshot = models.FileField("截图", storage=_assessment_storage, max_length=200, blank=True)
    note = models.TextField("说明", max_length=2000, blank=True)
    deduction = models.DecimalField(
        "扣分", max_digits=6, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="检查人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField("检查时间")

    class Meta:
        verbose_name = verbose_name_plural = "人工抽查记录"
        ordering = ["checked_at", "pk"]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self):
        return f"{self.indicator} {self.item}"


class OutsideResult(models.Model):
    """A result from outside Huimin for a row: a province or nation check, a ranking bonus, a deduction case,
    a veto condition; `amount` is the score of an outside-basis row, or the points added or deducted."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="results"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("考核年度")
    amount = models.DecimalField(
        "分值", max_digits=6, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    happened_on = models.DateField("发生日期")
    note = models.TextField("说明", max_length=2000)
    url = models.URLField("依据网址", max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = verbose_name_plural = "外部结果"
        ordering = ["happened_on", "pk"]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self):
        return f"{self.indicator} {self.happened_on}"


class QuarterBulletin(models.Model):
    """A unit's score in one quarterly bulletin (市级检查): entered, or taken from Huimin's own quarterly
    inspection report."""

    unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    quarter = models.PositiveSmallIntegerField(
        "季度", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    score = models.DecimalField(
        "通报得分",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    source = models.CharField(
        "来源", max_length=20, choices=BulletinSource.choices, default=BulletinSource.ENTERED
    )
    note = models.CharField("说明", max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = verbose_name_plural = "季度通报得分"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "quarter"], name="assessment_one_bulletin_per_quarter"
            )
        ]
        ordering = ["year", "quarter", "unit__sort_order"]

    def __str__(self):
        return f"{self.unit} {self.year}Q{self.quarter}"


class Submission(models.Model):
    """信息报送: an item a unit offers the portal (news for a column, a 专题 proposal, an 答复口径), and
    what the portal office decided."""

    unit = models.ForeignKey(OrgUnit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        "类型", max_length=20, choices=SubmissionKind.choices, default=SubmissionKind.INFO
    )
    column = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="拟投栏目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", max_length=20000)
    attachment = models.FileField("附件", storage=_assessment_storage, max_length=200, blank=True)
    attachment_name = models.CharField("附件名", max_length=100, blank=True)
    quarter = models.PositiveSmallIntegerField(
        "选题季度", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间", db_index=True)
    state = models.CharField(
        "状态",
        max_length=20,
        choices=SubmissionState.choices,
        default=SubmissionState.SUBMITTED,
        db_index=True,
    )
    adoption = models.CharField("采用方式", max_length=20, choices=Adoption.choices, blank=True)
    points = models.DecimalField("采用积分", max_digits=6, decimal_places=2, default=Decimal(0))
    reason = models.CharField("说明", max_length=500, blank=True, help_text="未采用的理由")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True, db_index=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="采用后的页面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    knowledge_entry = models.ForeignKey(
        "huimin_search.KnowledgeEntry",
        verbose_name="问答知识",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "信息报送"
        permissions = [("adopt", "可以采用或退回各单位的信息报送")]
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["unit", "submitted_at"])]

    def __str__(self):
        return self.title
