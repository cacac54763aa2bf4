"""Articles (news, notices and other content pages) published in a column."""

import html

from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from huimin.accessibility.forms import AccessiblePageForm
from huimin.opendata.blocks import DataChartBlock
from huimin.sites.catalogue import category_field
from huimin.sites.models import NationalTagsMixin
from huimin.sites.page_tags import PUB_DATE_FORMAT


class ArticlePage(NationalTagsMixin, Page):
    pub_date = models.DateTimeField("发布时间", default=timezone.now, db_index=True)
    source = models.CharField(
        "信息来源", max_length=100, blank=True, help_text="发布单位或来源；留空则使用本站主办单位。"
    )
    author = models.CharField("作者", max_length=100, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="多个词用逗号分隔。")
    summary = models.TextField("摘要", max_length=500, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="题图",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="可选：显示在首页要闻轮播和列表中的图片，须填写图片的替代文字（描述）。",
    )
    body = RichTextField(
        "正文",
        features=["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "image", "hr"],
    )
    charts = StreamField(
        [("data_chart", DataChartBlock())],
        blank=True,
        use_json_field=True,
        verbose_name="数据图表",
        help_text="可选：在正文之后显示的开放数据图表。",
    )
    disclosure_category = category_field()
    is_demo = models.BooleanField("演示内容", default=False, help_text="演示数据会在页面上标明“演示内容”。")

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("pub_date"),
                FieldPanel("source"),
                FieldPanel("author"),
                FieldPanel("keywords"),
                FieldPanel("disclosure_category"),
            ],
            heading="发布信息",
        ),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        FieldPanel("charts"),
        InlinePanel("attachments", label="附件", heading="附件"),
        FieldPanel("is_demo"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("pub_date"),
    ]
    parent_page_types = ["huimin_sites.ColumnPage"]
    subpage_types = []
    template = "articles/article_page.html"
    base_form_class = AccessiblePageForm

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"

    @property
    def lead(self) -> str:
        """The summary shown above the body, unless the body already opens with it."""
        summary = (self.summary or "").strip()
        if not summary:
            return ""
        return "" if summary[:60] in html.unescape(strip_tags(self.body or "")) else summary

    def content_source(self, identity) -> str:
        return self.source or (identity.sponsor if identity else "")

    def content_tags(self, request, identity):
        tags = [
            ("ArticleTitle", self.title),
            ("PubDate", timezone.localtime(self.pub_date).strftime(PUB_DATE_FORMAT)),
            ("ContentSource", self.content_source(identity)),
        ]
        optional = [("Keywords", self.keywords), ("Author", self.author), ("Description", self.summary)]
        if request is not None:
            optional.append(("Url", request.build_absolute_uri(self.url)))
        return tags + [(name, value) for name, value in optional if value]

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.page_chrome(self))
        context["column"] = self.get_parent().specific
        return context


class ArticleAttachment(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("附件名称", max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    def display_title(self) -> str:
        return self.title or self.document.title
