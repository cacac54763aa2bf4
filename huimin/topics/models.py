"""Topic pages (专题专栏, 集成服务) built from typed components: the topic designer.

A topic page's body is a StreamField of the components in `blocks.py`; its colours come from a
`TopicPalette` that must pass WCAG AA contrast for every pair of colours the page shows as text. A
`TopicTemplate` keeps a body and a palette to start new topics from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from huimin.accessibility.forms import AccessiblePageForm
from huimin.core.contrast import HEX_COLOUR_RE, contrast_ratio, format_ratio
from huimin.sites.models import NationalTagsMixin, SectionPage
from huimin.sites.page_tags import PUB_DATE_FORMAT

from .blocks import TopicStreamBlock
from .enums import AA_TEXT_RATIO, PALETTE_ROLES, TopicKind

PALETTES_FILE = Path(__file__).resolve().parent / "data" / "palettes.json"
validate_hex_colour = RegexValidator(
    HEX_COLOUR_RE, "颜色须为六位十六进制色值，如 #0b4f9c。", code="hex_colour"
)
WHITE = "#ffffff"

#: Every pair of colours the topic page shows as text (foreground role, background role or a fixed colour),
#: with the name an editor reads in the refusal. topic.css uses exactly these pairs.
TEXT_PAIRS = (
    ("on_primary", "primary", "主色上的文字"),
    ("text", "surface", "底色上的正文"),
    ("text", WHITE, "白色背景上的正文"),
    ("accent", "surface", "底色上的链接（强调色）"),
    ("accent", WHITE, "白色背景上的链接（强调色）"),
    ("primary", WHITE, "白色背景上的主色标题"),
    ("primary", "surface", "底色上的主色标题"),
)


@dataclass(frozen=True)
class ContrastFailure:
    label: str
    foreground: str
    background: str
    ratio: float

    @property
    def message(self) -> str:
        return f"{self.label}对比度 {format_ratio(self.ratio)}，低于 {format_ratio(AA_TEXT_RATIO)}"


def palette_failures(colours: dict[str, str]) -> list[ContrastFailure]:
    """Every text pair of a palette (role -> hex colour) below AA, in `TEXT_PAIRS` order."""
    failures = []
    for fg_role, bg_role, label in TEXT_PAIRS:
        foreground = colours[fg_role]
        background = colours.get(bg_role, bg_role)
        ratio = contrast_ratio(foreground, background)
        if ratio < AA_TEXT_RATIO:
            failures.append(ContrastFailure(label, foreground, background, ratio))
    return failures


def load_palette_file(path: Path = PALETTES_FILE) -> list[dict[str, str]]:
    """The palettes of the data file, each checked: a name, five hex colours, and every pair at AA."""
    entries = json.loads(path.read_text(encoding="utf-8"))["palettes"]
    names = set()
    for entry in entries:
        name = entry.get("name", "")
        if not name or name in names:
            raise ValueError(f"{path.name}: palette name missing or repeated: {name!r}")
        names.add(name)
        for role in PALETTE_ROLES:
            if not HEX_COLOUR_RE.match(entry.get(role, "")):
                raise ValueError(f"{path.name}: {name}: {role} is not a #rrggbb colour")
        failures = palette_failures(entry)
        if failures:
            raise ValueError(f"{path.name}: {name}: " + "；".join(f.message for f in failures))
    return entries


# ---- Palettes and templates (snippets) ----


class TopicPalette(models.Model):
    """A colour theme for topic pages. One that fails WCAG AA contrast cannot be saved."""

    name = models.CharField("名称", max_length=30, unique=True)
    primary = models.CharField(
        "主色", max_length=7, validators=[validate_hex_colour], help_text="横幅、标题栏的背景色。"
    )
    on_primary = models.CharField(
        "主色上的文字颜色", max_length=7, validators=[validate_hex_colour], help_text="通常为白色 #ffffff。"
    )
    accent = models.CharField(
        "强调色", max_length=7, validators=[validate_hex_colour], help_text="链接和强调文字的颜色。"
    )
    surface = models.CharField(
        "底色", max_length=7, validators=[validate_hex_colour], help_text="组件区块的浅色背景。"
    )
    text = models.CharField("正文颜色", max_length=7, validators=[validate_hex_colour])

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("primary"), FieldPanel("on_primary")]),
        FieldRowPanel([FieldPanel("accent"), FieldPanel("surface"), FieldPanel("text")]),
    ]

    class Meta:
        verbose_name = "专题配色"
        verbose_name_plural = "专题配色"
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def colours(self) -> dict[str, str]:
        return {role: getattr(self, role).lower() for role in PALETTE_ROLES}

    def clean(self):
        super().clean()
        for role in PALETTE_ROLES:
            value = getattr(self, role) or ""
            if not HEX_COLOUR_RE.match(value):
                return  # the field's own validator names the bad colour
            setattr(self, role, value.lower())
        failures = palette_failures(self.colours())
        if failures:
            raise ValidationError(
                "配色未通过无障碍对比度检查（WCAG AA，正文须至少 4.5:1），不能保存："
                + "；".join(failure.message for failure in failures)
                + "。",
                code="contrast",
            )

    def css_variables(self) -> str:
        """The inline style that hands the palette to topic.css (values are validated hex colours)."""
        return "; ".join(
            f"--topic-{role.replace('_', '-')}: {colour}" for role, colour in self.colours().items()
        )


class TopicTemplate(models.Model):
    """A reusable topic layout (专题模板): a body of components and a palette to start new topics from."""

    name = models.CharField("模板名称", max_length=60, unique=True)
    description = models.TextField("说明", max_length=500, blank=True)
    kind = models.CharField("专题类型", max_length=20, choices=TopicKind.choices, default=TopicKind.TOPIC)
    palette = models.ForeignKey(
        TopicPalette, verbose_name="配色", on_delete=models.PROTECT, related_name="templates"
    )
    body = StreamField(TopicStreamBlock(), use_json_field=True, blank=True, verbose_name="专题内容")
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("palette")]),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = "专题模板"
        verbose_name_plural = "专题模板"
        ordering = ["name"]

    def __str__(self):
        return self.name


# ---- Pages ----


class TopicIndexPage(SectionPage):
    """The 专题专栏 list of a site: its live topic pages, newest first."""

    column_type = "专题专栏"

    subpage_types = ["huimin_topics.TopicPage"]
    template = "topics/topic_index_page.html"

    class Meta:
        verbose_name = "专题专栏列表"
        verbose_name_plural = "专题专栏列表"

    def latest_items(self, count: int):
        from . import queries

        return queries.live_topics(self)[:count]

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from huimin.sites import queries as site_queries

        from . import queries

        context = super().get_context(request, *args, **kwargs)
        context["topics"] = Paginator(queries.live_topics(self), 20).get_page(request.GET.get("page"))
        context.update(site_queries.page_chrome(self))
        return context


class TopicPage(NationalTagsMixin, Page):
    """A topic page (专题专栏) or an integrated service theme (集成服务), built from components."""

    kind = models.CharField(
        "专题类型", max_length=20, choices=TopicKind.choices, default=TopicKind.TOPIC, db_index=True
    )
    summary = models.TextField("摘要", max_length=500, blank=True, help_text="显示在专题列表和页面顶部。")
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="多个词用逗号分隔。")
    pub_date = models.DateTimeField("发布时间", default=timezone.now, db_index=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="封面图片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_alt = models.CharField(
        "封面图片替代文字", max_length=200, blank=True, help_text="说明图片内容；有封面图片时必填。"
    )
    palette = models.ForeignKey(
        TopicPalette, verbose_name="配色", on_delete=models.PROTECT, related_name="topics"
    )
    body = StreamField(TopicStreamBlock(), use_json_field=True, blank=True, verbose_name="专题内容")

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("kind"), FieldPanel("pub_date")]), FieldPanel("keywords")],
            heading="专题信息",
        ),
        FieldPanel("summary"),
    ]
    body_panels = [FieldPanel("body", heading="组件")]
    style_panels = [
        FieldPanel("palette", widget=forms.RadioSelect),
        MultiFieldPanel([FieldPanel("cover_image"), FieldPanel("cover_alt")], heading="封面"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="基本信息"),
            ObjectList(body_panels, heading="专题内容"),
            ObjectList(style_panels, heading="样式"),
            ObjectList(Page.promote_panels, heading="推广"),
            ObjectList(Page.settings_panels, heading="设置"),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("keywords"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("pub_date"),
    ]
    parent_page_types = ["huimin_topics.TopicIndexPage"]
    subpage_types = []
    template = "topics/topic_page.html"
    base_form_class = AccessiblePageForm

    class Meta:
        verbose_name = "专题"
        verbose_name_plural = "专题"

    def clean(self):
        super().clean()
        if self.cover_image_id and not self.cover_alt.strip():
            raise ValidationError({"cover_alt": "有封面图片时须填写替代文字，说明图片内容。"})

    def content_tags(self, request, identity):
        tags = [
            ("ArticleTitle", self.title),
            ("PubDate", timezone.localtime(self.pub_date).strftime(PUB_DATE_FORMAT)),
            ("ContentSource", identity.sponsor if identity else ""),
        ]
        optional = [("Keywords", self.keywords), ("Description", self.summary)]
        if request is not None:
            optional.append(("Url", request.build_absolute_uri(self.url)))
        return tags + [(name, value) for name, value in optional if value]

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import queries as site_queries

        context = super().get_context(request, *args, **kwargs)
        context.update(site_queries.page_chrome(self))
        context["index"] = self.get_parent().specific
        return context
