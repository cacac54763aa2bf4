"""Service guides (办事指南), their checker's vocabulary, and the monthly handling statistics (办事统计)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from huimin.sites.models import NationalTagsMixin, OrgUnit, SectionPage

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


class HandlingStatisticsPage(SectionPage):
    """The public monthly table of handling figures (办事统计) of a site's units, with its last update."""

    column_type = "办事服务"

    units = ParentalManyToManyField(
        OrgUnit,
        verbose_name="公开的单位",
        blank=True,
        related_name="+",
        help_text="留空则公开全部单位的办事统计。",
    )

    content_panels = [*SectionPage.content_panels, FieldPanel("units")]
    subpage_types = []
    template = "guides/handling_statistics_page.html"

    class Meta:
        verbose_name = "办事统计"

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import queries as site_queries

        from .statistics import page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(site_queries.page_chrome(self))
        context.update(page_context(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            from .statistics import csv_export

            return csv_export(self)
        return super().serve(request, *args, **kwargs)


# --- 办事指南 -------------------------------------------------------------------------------------------

from modelcluster.fields import ParentalKey  # noqa: E402
from wagtail.admin.panels import FieldRowPanel, InlinePanel, MultiFieldPanel, Panel  # noqa: E402
from wagtail.contrib.routable_page.models import RoutablePageMixin, path  # noqa: E402
from wagtail.fields import RichTextField  # noqa: E402
from wagtail.models import Orderable  # noqa: E402
from wagtail.search import index  # noqa: E402

from huimin.accessibility.forms import AccessiblePageForm  # noqa: E402

from .enums import FORM_EXTENSIONS, MaterialForm, MaterialMedium  # noqa: E402


class GuideCheckPanel(Panel):
    """Read-only panel on the guide's edit view listing the guide checker's problems of the saved version."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "guides/admin/guide_check_panel.html"

        def get_context_data(self, parent_context=None):
            from .checker import check_guide, total_deduction

            context = super().get_context_data(parent_context)
            problems = check_guide(self.instance) if self.instance.pk else None
            context["problems"] = problems
            context["deduction"] = total_deduction(problems) if problems else 0
            return context


GUIDE_RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class ServiceTheme(models.Model):
    """A theme that gathers guides for one need (开办企业, 养老服务 …)."""

    name = models.CharField("名称", max_length=50, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = verbose_name_plural = "办事主题"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class VagueTerm(models.Model):
    """A wording the guide checker treats as vague (模糊表述), e.g. 其他材料. Editable in the admin."""

    text = models.CharField("模糊表述", max_length=100, unique=True)
    note = models.CharField("说明", max_length=200, blank=True)

    panels = [FieldPanel("text"), FieldPanel("note")]

    class Meta:
        verbose_name = verbose_name_plural = "模糊表述词"
        ordering = ["text"]

    def __str__(self):
        return self.text


class GuideIndexPage(RoutablePageMixin, SectionPage):
    """A site's list of service guides (办事指南). The city portal's list gathers the whole group."""

    column_type = "办事服务"

    aggregate_group = models.BooleanField(
        "汇集全市办事指南",
        default=False,
        help_text="勾选后列出网站群所有站点发布的办事指南（市政府门户使用）。",
    )

    content_panels = [*SectionPage.content_panels, FieldPanel("aggregate_group")]
    subpage_types = ["huimin_guides.ServiceGuidePage"]
    template = "guides/guide_index_page.html"

    class Meta:
        verbose_name = "办事指南"

    @path("")
    def guide_list(self, request):
        from .views import guide_list_view

        return guide_list_view(self, request)


class ServiceGuidePage(NationalTagsMixin, Page):
    """One service item's guide with the ten key elements. Every element may be blank in a draft."""

    item_code = models.CharField("事项编码", max_length=60, blank=True)
    conditions = RichTextField("申请条件", blank=True, features=GUIDE_RICH_TEXT_FEATURES)
    address = models.CharField("办理地址", max_length=200, blank=True)
    floor = models.CharField("楼层", max_length=50, blank=True)
    window = models.CharField("窗口", max_length=100, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="办理机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_guides",
    )
    free_of_charge = models.BooleanField("不收费", default=False)
    fee = models.TextField("收费标准", blank=True, help_text="收费金额及收费依据；不收费时勾选“不收费”。")
    hours = models.TextField("办理时间", blank=True)
    consult_phone = models.CharField("咨询电话", max_length=100, blank=True)
    complaint_phone = models.CharField("投诉电话", max_length=100, blank=True)
    legal_days = models.PositiveIntegerField("法定办结时限（工作日）", null=True, blank=True)
    promised_days = models.PositiveIntegerField("承诺办结时限（工作日）", null=True, blank=True)
    service_objects = ParentalManyToManyField(
        "huimin_policies.ServiceObject", verbose_name="服务对象", blank=True, related_name="service_guides"
    )
    online_url = models.URLField("在线办理地址", blank=True)
    themes = ParentalManyToManyField(ServiceTheme, verbose_name="办事主题", blank=True, related_name="guides")

    content_panels = [
        GuideCheckPanel(heading="办事指南检查"),
        *Page.content_panels,
        FieldPanel("item_code"),
        FieldPanel("unit"),
        InlinePanel("bases", label="设定依据", heading="设定依据"),
        FieldPanel("conditions"),
        InlinePanel("materials", label="办理材料", heading="办理材料"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("address"), FieldPanel("floor"), FieldPanel("window")])],
            heading="办理地点",
        ),
        MultiFieldPanel([FieldPanel("free_of_charge"), FieldPanel("fee")], heading="收费标准"),
        FieldPanel("hours"),
        MultiFieldPanel([FieldPanel("consult_phone"), FieldPanel("complaint_phone")], heading="联系电话"),
        InlinePanel("steps", label="办理流程", heading="办理流程"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("legal_days"), FieldPanel("promised_days")])], heading="办结时限"
        ),
        FieldPanel("service_objects"),
        FieldPanel("themes"),
        FieldPanel("online_url"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("item_code"),
        index.SearchField("conditions"),
        index.SearchField("address"),
        index.SearchField("fee"),
        index.FilterField("unit"),
    ]
    parent_page_types = ["huimin_guides.GuideIndexPage"]
    subpage_types = []
    template = "guides/service_guide_page.html"
    base_form_class = AccessiblePageForm

    class Meta:
        verbose_name = verbose_name_plural = "办事指南"

    def clean(self):
        super().clean()
        from .checker import document_problems

        errors = [message for material in self.materials.all() for message in document_problems(material)]
        if errors:
            raise ValidationError(errors)

    def content_tags(self, request, identity):
        tags = [
            ("ArticleTitle", self.title),
            ("PubDate", self._pub_date()),
            ("ContentSource", self.unit.name if self.unit else identity.site_name if identity else ""),
        ]
        if request is not None:
            tags.append(("Url", request.build_absolute_uri(self.url)))
        return [(name, value) for name, value in tags if value]

    def _pub_date(self) -> str:
        from django.utils import timezone

        from huimin.sites.page_tags import PUB_DATE_FORMAT

        when = self.first_published_at or self.latest_revision_created_at
        return timezone.localtime(when).strftime(PUB_DATE_FORMAT) if when else ""

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import queries as site_queries

        context = super().get_context(request, *args, **kwargs)
        context.update(site_queries.page_chrome(self))
        context["bases"] = self.bases.select_related("policy").all()
        context["materials"] = self.materials.select_related("blank_form", "sample").all()
        context["steps"] = self.steps.all()
        return context


class GuideBasis(Orderable):
    """A legal basis (设定依据): a linked policy, a quoted clause or a link. A title alone is "bare"."""

    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="bases")
    title = models.CharField("依据名称", max_length=200)
    policy = models.ForeignKey(
        "huimin_policies.PolicyPage",
        verbose_name="关联政策文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    clause = models.TextField("条款原文", blank=True)
    url = models.URLField("链接", blank=True)

    panels = [FieldPanel("title"), FieldPanel("policy"), FieldPanel("clause"), FieldPanel("url")]

    @property
    def is_bare(self) -> bool:
        return not (self.policy_id or self.clause.strip() or self.url.strip())

    def __str__(self):
        return self.title


class GuideMaterial(Orderable):
    """One material to submit (办理材料) with its format and, where needed, a blank form and a sample."""

    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=200)
    form = models.CharField("原件/复印件", max_length=20, choices=MaterialForm.choices, blank=True)
    medium = models.CharField("纸质/电子", max_length=20, choices=MaterialMedium.choices, blank=True)
    copies = models.PositiveIntegerField("份数", null=True, blank=True)
    required = models.BooleanField("必需", default=True)
    needs_form = models.BooleanField("需填写表格", default=False)
    blank_form = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="空白表格",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sample = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="填写样表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("备注", max_length=300, blank=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel(
            [FieldPanel("form"), FieldPanel("medium"), FieldPanel("copies"), FieldPanel("required")]
        ),
        FieldPanel("needs_form"),
        FieldRowPanel([FieldPanel("blank_form"), FieldPanel("sample")]),
        FieldPanel("note"),
    ]

    ALLOWED_EXTENSIONS = FORM_EXTENSIONS

    def __str__(self):
        return self.name


class GuideStep(Orderable):
    """One step of the handling process (办理流程), in order."""

    page = ParentalKey(ServiceGuidePage, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField("步骤名称", max_length=100)
    description = models.TextField("说明", blank=True)

    panels = [FieldPanel("title"), FieldPanel("description")]

    def __str__(self):
        return self.title
