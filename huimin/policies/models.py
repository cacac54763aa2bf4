"""The policy library: policy documents, their interpretations and the vocabularies that classify them."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from huimin.accessibility.forms import AccessiblePageForm
from huimin.sites.catalogue import category_field
from huimin.sites.models import NationalTagsMixin, OrgUnit, SectionPage
from huimin.sites.page_tags import PUB_DATE_FORMAT

from .enums import (
    NEEDS_TEXT_ALTERNATIVE,
    NOT_VALID,
    DocKind,
    InterpretationForm,
    InterpreterKind,
    RelationKind,
    Validity,
)

RICH_TEXT_FEATURES = [
    "h2",
    "h3",
    "h4",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
    "image",
    "hr",
]

# 文号: an agency prefix, the year in 〔〕 (or [] / ［］ as often typed), a number, and 号.
DOC_NUMBER_RE = re.compile(
    r"\A[\u4e00-\u9fffA-Za-z]{1,30}?[〔\[［(（]\s*(19|20)[0-9]{2}\s*[〕\]］)）]\s*第?[0-9]{1,6}号\Z"
)
validate_doc_number = RegexValidator(
    DOC_NUMBER_RE, "文号格式应为“机关代字〔年份〕序号号”，如 宿政办发〔2022〕1号。", code="doc_number"
)


class _Vocabulary(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    panels = [FieldPanel("name"), FieldPanel("sort_order")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class PolicyTopic(_Vocabulary):
    class Meta(_Vocabulary.Meta):
        verbose_name = verbose_name_plural = "主题分类"


class Industry(_Vocabulary):
    class Meta(_Vocabulary.Meta):
        verbose_name = verbose_name_plural = "行业"


class ServiceObject(_Vocabulary):
    class Meta(_Vocabulary.Meta):
        verbose_name = verbose_name_plural = "服务对象"


class PolicyLibraryPage(RoutablePageMixin, SectionPage):
    """A site's policy library (政策文件库). The city portal's library gathers the whole group."""

    column_type = "政策文件"

    aggregate_group = models.BooleanField(
        "汇集全市政策", default=False, help_text="勾选后列出网站群所有站点发布的政策文件（市政府门户使用）。"
    )

    content_panels = [*SectionPage.content_panels, FieldPanel("aggregate_group")]
    subpage_types = ["huimin_policies.PolicyPage", "huimin_policies.InterpretationPage"]
    template = "policies/policy_library_page.html"

    class Meta:
        verbose_name = "政策文件库"

    def latest_items(self, count: int):
        from .queries import library_scope

        return library_scope(self).order_by("-pub_date", "-pk")[:count]

    @path("")
    def library(self, request):
        from .views import library_view

        return library_view(self, request)

    @path("feed/")
    def feed(self, request):
        from .views import library_feed

        return library_feed(self, request)


class PolicyPage(RoutablePageMixin, NationalTagsMixin, Page):
    """A policy document (政策文件) with its metadata, validity and attachments."""

    index_number = models.CharField(
        "索引号", max_length=50, unique=True, help_text="网站群内唯一，如 000000001/2022-00155。"
    )
    doc_number = models.CharField("文号", max_length=60, blank=True, validators=[validate_doc_number])
    doc_kind = models.CharField("文种", max_length=10, choices=DocKind.choices, default=DocKind.NOTICE)
    topic = models.ForeignKey(
        PolicyTopic,
        verbose_name="主题分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policies",
    )
    issuer = models.ForeignKey(
        OrgUnit, verbose_name="发布机构", on_delete=models.PROTECT, related_name="policies"
    )
    written_date = models.DateField("成文日期", null=True, blank=True)
    pub_date = models.DateTimeField("发布日期", default=timezone.now, db_index=True)
    pub_year = models.PositiveSmallIntegerField("发布年份", editable=False, db_index=True, default=0)
    keywords = models.CharField("关键词", max_length=200, blank=True)
    industries = ParentalManyToManyField(Industry, verbose_name="行业", blank=True, related_name="policies")
    service_objects = ParentalManyToManyField(
        ServiceObject, verbose_name="服务对象", blank=True, related_name="policies"
    )
    summary = models.TextField("摘要", max_length=1000, blank=True)
    body = RichTextField("正文", features=RICH_TEXT_FEATURES)
    validity = models.CharField(
        "时效", max_length=10, choices=Validity.choices, default=Validity.VALID, db_index=True
    )
    effective_date = models.DateField("生效日期", null=True, blank=True)
    invalid_date = models.DateField("失效/废止日期", null=True, blank=True)
    disclosure_category = category_field()
    is_demo = models.BooleanField("演示内容", default=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("index_number"), FieldPanel("doc_number")]),
                FieldRowPanel([FieldPanel("doc_kind"), FieldPanel("topic")]),
                FieldPanel("issuer"),
                FieldRowPanel([FieldPanel("written_date"), FieldPanel("pub_date")]),
                FieldPanel("keywords"),
                FieldPanel("industries"),
                FieldPanel("service_objects"),
                FieldPanel("disclosure_category"),
            ],
            heading="文件信息",
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", label="附件", heading="附件"),
        MultiFieldPanel(
            [
                FieldPanel("validity"),
                FieldRowPanel([FieldPanel("effective_date"), FieldPanel("invalid_date")]),
                InlinePanel("successor_links", label="修订或替代它的文件"),
            ],
            heading="时效",
        ),
        FieldPanel("is_demo"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("index_number"),
        index.SearchField("doc_number"),
        index.SearchField("keywords"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("validity"),
        index.FilterField("pub_date"),
    ]
    parent_page_types = ["huimin_policies.PolicyLibraryPage"]
    subpage_types = []
    template = "policies/policy_page.html"
    base_form_class = AccessiblePageForm

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        indexes = [
            models.Index(fields=["issuer", "pub_date"]),
            models.Index(fields=["topic", "pub_date"]),
            models.Index(fields=["doc_kind", "pub_date"]),
            models.Index(fields=["pub_year", "pub_date"]),
        ]

    def clean(self):
        super().clean()
        self._derive_year()
        owner = PolicyPage.owner_of(self.index_number, exclude=self.pk)
        if owner:
            raise ValidationError(
                {
                    "index_number": f"索引号 {self.index_number} 已被《{owner.title}》使用"
                    f"（页面编号 {owner.pk}，{owner.url_path}）。"
                }
            )
        if self.validity in NOT_VALID and not self.invalid_date:
            raise ValidationError({"invalid_date": "失效、废止或已修订的文件须填写失效/废止日期。"})
        if self.effective_date and self.invalid_date and self.invalid_date < self.effective_date:
            raise ValidationError({"invalid_date": "失效/废止日期不能早于生效日期。"})

    def save(self, *args, **kwargs):
        self._derive_year()
        return super().save(*args, **kwargs)

    @classmethod
    def owner_of(cls, index_number: str, *, exclude: int | None = None) -> PolicyPage | None:
        """The policy holding a 索引号 (only what messages and tree checks need is loaded)."""
        pages = cls.objects.filter(index_number=index_number).exclude(pk=exclude)
        return next(iter(pages.only("title", "path", "depth", "url_path").order_by()[:1]), None)

    def _derive_year(self):
        self.pub_year = timezone.localtime(self.pub_date).year if self.pub_date else 0

    @path("attachments/<int:attachment_id>/")
    def attachment(self, request, attachment_id):
        from .views import attachment_download

        return attachment_download(self, request, attachment_id)

    @property
    def is_valid(self) -> bool:
        return self.validity == Validity.VALID

    def successors(self):
        return [link.successor for link in self.successor_links.select_related("successor") if link.successor]

    def content_tags(self, request, identity):
        tags = [
            ("ArticleTitle", self.title),
            ("PubDate", timezone.localtime(self.pub_date).strftime(PUB_DATE_FORMAT)),
            ("ContentSource", self.issuer.name),
        ]
        optional = [("Keywords", self.keywords), ("Description", self.summary)]
        if request is not None:
            optional.append(("Url", request.build_absolute_uri(self.url)))
        return tags + [(name, value) for name, value in optional if value]

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import chrome
        from huimin.sites import queries as site_queries

        context = super().get_context(request, *args, **kwargs)
        context.update(site_queries.page_chrome(self))
        public = chrome.current().public  # Wagtail's .public() without its query (sites/chrome.py)
        context["interpretations"] = public(self.interpretations.live()).order_by("-pub_date")
        return context


class PolicyRelation(Orderable):
    """An earlier document (`policy`) amended or replaced by a later one (`successor`)."""

    policy = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(
        PolicyPage,
        verbose_name="修订或替代它的文件",
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    kind = models.CharField(
        "关系", max_length=10, choices=RelationKind.choices, default=RelationKind.REPLACES
    )

    panels = [FieldPanel("successor"), FieldPanel("kind")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["policy", "successor"], name="policy_relation_unique")]

    def __str__(self):
        return f"{self.policy} → {self.successor}"


class PolicyAttachment(Orderable):
    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("附件名称", max_length=200, blank=True)
    download_count = models.PositiveIntegerField("下载次数", default=0, editable=False)

    panels = [FieldPanel("document"), FieldPanel("title")]

    def display_title(self) -> str:
        return self.title or self.document.title


class InterpretationPage(NationalTagsMixin, Page):
    """A policy interpretation (政策解读) in one of the forms the work points name."""

    form = models.CharField(
        "解读形式", max_length=10, choices=InterpretationForm.choices, default=InterpretationForm.TEXT
    )
    interpreter_kind = models.CharField(
        "解读主体",
        max_length=20,
        choices=InterpreterKind.choices,
        default=InterpreterKind.DRAFTING_DEPARTMENT,
    )
    interpreter = models.CharField("解读人或单位", max_length=100)
    pub_date = models.DateTimeField("发布日期", default=timezone.now, db_index=True)
    summary = models.TextField("摘要", max_length=1000, blank=True)
    body = RichTextField("解读正文", features=RICH_TEXT_FEATURES, blank=True)
    text_alternative = models.TextField(
        "文字版（图解的全文替代、音视频的文字实录）",
        blank=True,
        help_text="图表图解、音视频、新闻发布会和动漫须提供完整文字版，供读屏软件和不便观看的用户使用。",
    )
    media_url = models.URLField("音视频地址", blank=True)
    captions = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="字幕文件（WebVTT）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    policies = ParentalManyToManyField(
        PolicyPage, verbose_name="解读的政策文件", blank=True, related_name="interpretations"
    )
    is_demo = models.BooleanField("演示内容", default=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("form"), FieldPanel("interpreter_kind")]),
                FieldPanel("interpreter"),
                FieldPanel("pub_date"),
            ],
            heading="解读信息",
        ),
        FieldPanel("policies"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("graphics", label="图解图片", heading="图表图解"),
        MultiFieldPanel([FieldPanel("media_url"), FieldPanel("captions")], heading="音视频"),
        FieldPanel("text_alternative"),
        FieldPanel("is_demo"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("text_alternative"),
    ]
    parent_page_types = ["huimin_policies.PolicyLibraryPage", "huimin_sites.ColumnPage"]
    subpage_types = []
    template = "policies/interpretation_page.html"
    base_form_class = AccessiblePageForm

    class Meta:
        verbose_name = "政策解读"
        verbose_name_plural = "政策解读"

    def clean(self):
        super().clean()
        if self.form in NEEDS_TEXT_ALTERNATIVE and not self.text_alternative.strip():
            raise ValidationError(
                {"text_alternative": f"“{self.get_form_display()}”形式的解读须提供完整文字版。"}
            )
        if self.form == InterpretationForm.TEXT and not self.body:
            raise ValidationError({"body": "文字解读须填写解读正文。"})

    def content_tags(self, request, identity):
        tags = [
            ("ArticleTitle", self.title),
            ("PubDate", timezone.localtime(self.pub_date).strftime(PUB_DATE_FORMAT)),
            ("ContentSource", self.interpreter),
        ]
        if self.summary:
            tags.append(("Description", self.summary))
        if request is not None:
            tags.append(("Url", request.build_absolute_uri(self.url)))
        return tags

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import chrome
        from huimin.sites import queries as site_queries

        context = super().get_context(request, *args, **kwargs)
        context.update(site_queries.page_chrome(self))
        public = chrome.current().public  # Wagtail's .public() without its query (sites/chrome.py)
        context["linked_policies"] = public(self.policies.live()).select_related("issuer")
        return context


class InterpretationGraphic(Orderable):
    page = ParentalKey(InterpretationPage, on_delete=models.CASCADE, related_name="graphics")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name="图片", on_delete=models.PROTECT, related_name="+"
    )
    alt_text = models.CharField(
        "替代文字", max_length=300, help_text="用一句话说明图片内容，详细内容写入文字版。"
    )

    panels = [FieldPanel("image"), FieldPanel("alt_text")]


class PolicyIndexToken(models.Model):
    """One row: a random token replaced whenever the live policies change (see `facet_index`)."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "政策索引版本"

    def __str__(self):
        return self.token
