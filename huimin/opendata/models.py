"""Open data (数据开放): the catalog page of a site, datasets as pages, their resources and the versions of
each resource, charts made from a resource, and API keys.

The rows of a resource's current version live in the datastore (`datastore.py`): one typed, indexed table
per loaded version, named from the version's id. Every uploaded file is kept as it came, so every version
stays downloadable. Writes go through `services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index

from huimin.safety.publish import SafetyPageForm
from huimin.sites.models import NationalTagsMixin, OrgUnit, SectionPage

from .enums import Aggregation, ChartKind, OpenType, ResourceFormat, UpdateFrequency, VersionStatus


class DataTheme(models.Model):
    """A theme of the catalog (经济建设, 卫生健康 …), seeded from `data/themes.json`, edited in the admin."""

    name = models.CharField("名称", max_length=50, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = verbose_name_plural = "数据主题"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class DataCatalogPage(RoutablePageMixin, SectionPage):
    """A site's open data catalog (数据开放). The city portal's catalog gathers the whole group."""

    column_type = "数据开放"

    aggregate_group = models.BooleanField(
        "汇集全市数据集", default=False, help_text="勾选后列出网站群所有站点发布的数据集（市政府门户使用）。"
    )

    content_panels = [*SectionPage.content_panels, FieldPanel("aggregate_group")]
    subpage_types = ["huimin_opendata.DatasetPage"]
    template = "opendata/data_catalog_page.html"

    class Meta:
        verbose_name = "数据开放目录"

    @path("")
    def catalog(self, request):
        from .views import catalog_view

        return catalog_view(self, request)


class DatasetPage(RoutablePageMixin, NationalTagsMixin, Page):
    """One dataset: its metadata (the page), its resources and their versions (models below)."""

    description = models.TextField("数据集描述", max_length=2000)
    unit = models.ForeignKey(
        OrgUnit, verbose_name="提供单位", on_delete=models.PROTECT, related_name="datasets"
    )
    theme = models.ForeignKey(
        DataTheme, verbose_name="数据主题", on_delete=models.PROTECT, related_name="datasets"
    )
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="多个词用逗号分隔。")
    update_frequency = models.CharField(
        "更新频率", max_length=20, choices=UpdateFrequency.choices, default=UpdateFrequency.MONTHLY
    )
    open_type = models.CharField(
        "开放属性", max_length=20, choices=OpenType.choices, default=OpenType.UNCONDITIONAL
    )
    open_condition = models.TextField(
        "开放条件", blank=True, help_text="有条件开放时必填：申请条件、用途限制和申请方式。"
    )
    licence = models.CharField("开放许可", max_length=100, default="宿迁市公共数据开放许可协议")
    licence_url = models.URLField("许可协议地址", blank=True)
    temporal_start = models.DateField("数据时间范围（起）", null=True, blank=True)
    temporal_end = models.DateField("数据时间范围（止）", null=True, blank=True)
    spatial = models.CharField("数据覆盖范围", max_length=100, blank=True, help_text="如：宿迁市、沭阳县。")
    contact_name = models.CharField("联系人或部门", max_length=100, blank=True)
    contact_phone = models.CharField("联系电话", max_length=100, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    pub_date = models.DateTimeField("发布时间", default=timezone.now)
    platform_source = models.CharField(
        "平台数据来源",
        max_length=50,
        blank=True,
        editable=False,
        help_text="由平台自动更新的数据集的来源标识（如 letter-statistics、holidays）。",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("unit"), FieldPanel("theme"), FieldPanel("keywords"), FieldPanel("pub_date")],
            heading="分类",
        ),
        MultiFieldPanel(
            [
                FieldPanel("update_frequency"),
                FieldPanel("open_type"),
                FieldPanel("open_condition"),
                FieldPanel("licence"),
                FieldPanel("licence_url"),
            ],
            heading="开放属性",
        ),
        MultiFieldPanel(
            [FieldPanel("temporal_start"), FieldPanel("temporal_end"), FieldPanel("spatial")],
            heading="时间与空间范围",
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_phone"), FieldPanel("contact_email")],
            heading="联系方式",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("keywords"),
        index.FilterField("unit"),
        index.FilterField("theme"),
        index.FilterField("update_frequency"),
    ]
    parent_page_types = ["huimin_opendata.DataCatalogPage"]
    subpage_types = []
    template = "opendata/dataset_page.html"
    base_form_class = SafetyPageForm

    class Meta:
        verbose_name = "数据集"
        verbose_name_plural = "数据集"

    @path("")
    def dataset(self, request):
        from .views import dataset_view

        return dataset_view(self, request)

    @path("download/<int:rid>/<str:kind>/")
    def download(self, request, rid, kind):
        from .views import download_view

        return download_view(self, request, rid, kind)

    def column_tags(self, identity):
        parent = self.get_parent()
        return [
            ("ColumnName", parent.title if parent else "数据开放"),
            ("ColumnType", "数据开放"),
        ]

    def content_tags(self, request, identity):
        from huimin.sites.page_tags import PUB_DATE_FORMAT

        tags = [
            ("ArticleTitle", self.title),
            ("PubDate", timezone.localtime(self.pub_date).strftime(PUB_DATE_FORMAT)),
            ("ContentSource", self.unit.name),
        ]
        if self.keywords:
            tags.append(("Keywords", self.keywords))
        tags.append(("Description", self.description[:200]))
        return tags


class Resource(models.Model):
    """A resource of a dataset (a table as CSV, XLSX or JSON). Its rows are those of `current_version`."""

    dataset = ParentalKey(
        DatasetPage, verbose_name="数据集", on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField("资源名称", max_length=200)
    description = models.TextField("资源说明", blank=True)
    source_url = models.URLField(
        "来源地址", blank=True, max_length=1000, help_text="从该地址抓取文件时填写；上传文件时留空。"
    )
    current_version = models.ForeignKey(
        "ResourceVersion",
        verbose_name="当前版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "数据资源"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title


def version_upload_to(instance: ResourceVersion, filename: str) -> str:
    # The name the person gave is kept in `original_name`; the stored name is ours.
    stamp = timezone.localtime(instance.uploaded_at or timezone.now())
    return f"opendata/{stamp:%Y/%m}/r{instance.resource_id}-v{instance.number}.{instance.format}"


class ResourceVersion(models.Model):
    """One upload (or fetch) of a resource's file: kept as it came, with what was learnt reading it."""

    resource = models.ForeignKey(
        Resource, verbose_name="数据资源", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    file = models.FileField("原始文件", upload_to=version_upload_to, max_length=300)
    original_name = models.CharField("原文件名", max_length=255)
    format = models.CharField("格式", max_length=10, choices=ResourceFormat.choices)
    size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    encoding = models.CharField("文字编码", max_length=20, blank=True)
    delimiter = models.CharField("分隔符", max_length=4, blank=True)
    # [{"key": "c0", "name": "原表头", "title": "显示名", "type": ColumnType, "description": ""}, …]
    columns = models.JSONField("字段", default=list)
    row_count = models.PositiveIntegerField("行数", default=0)
    error_count = models.PositiveIntegerField("问题数", default=0)
    # The first problems found: [{"row": 12, "column": "金额", "message": "…"}, …]
    errors = models.JSONField("问题", default=list)
    # What changed from the previous version: {"rows_added", "rows_removed", "columns_added", …}
    changes = models.JSONField("变化", default=dict)
    status = models.CharField(
        "状态", max_length=10, choices=VersionStatus.choices, default=VersionStatus.PENDING
    )
    status_message = models.TextField("状态说明", blank=True)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    loaded_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "资源版本"
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="opendata_version_number"),
        ]

    def __str__(self):
        return f"{self.resource} 第{self.number}版"


class DataChart(models.Model):
    """A chart an editor makes from a resource's columns; drawn on the server as SVG with a data table."""

    resource = models.ForeignKey(
        Resource, verbose_name="数据资源", on_delete=models.CASCADE, related_name="charts"
    )
    title = models.CharField("图表标题", max_length=100)
    kind = models.CharField("图表类型", max_length=10, choices=ChartKind.choices, default=ChartKind.BAR)
    label_column = models.CharField("分类字段", max_length=20, help_text="作为横轴或扇区名称的字段。")
    value_columns = models.JSONField(
        "数值字段", default=list, help_text="一个或多个数值字段（饼图只能一个）。"
    )
    aggregation = models.CharField(
        "汇总方式", max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    # [{"column": "c2", "op": "eq", "value": "沭阳县"}], the same operators as the rows API
    filters = models.JSONField("筛选条件", default=list, blank=True)
    unit_label = models.CharField("数值单位", max_length=20, blank=True)
    summary = models.TextField("文字说明", blank=True, help_text="留空则自动生成最大值、最小值等要点。")
    max_points = models.PositiveIntegerField("最多显示项数", default=20)
    show_on_dataset = models.BooleanField("在数据集页面显示", default=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "数据图表"
        ordering = ["resource", "pk"]

    def __str__(self):
        return self.title


class ApiKey(models.Model):
    """A key that lifts the anonymous rate limit of the data API. Only a hash of the key is stored."""

    name = models.CharField("名称", max_length=100, help_text="使用单位或应用名称。")
    prefix = models.CharField("前缀", max_length=12, unique=True, help_text="密钥的前 8 位，用于识别。")
    key_hash = models.CharField("密钥摘要", max_length=64)
    hourly_limit = models.PositiveIntegerField("每小时请求上限", default=10000)
    contact = models.CharField("联系方式", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口密钥"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"
