"""Online interviews (在线访谈): guests, the live text transcript and questions from the public."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from huimin.accessibility.forms import AccessiblePageForm
from huimin.sites.models import NationalTagsMixin, SectionPage
from huimin.sites.page_tags import PUB_DATE_FORMAT
from huimin.topics.blocks import ContentStreamBlock

from .enums import InterviewState, QuestionStatus, SpeakerRole


class InterviewIndexPage(SectionPage):
    """The 在线访谈 list of a site: upcoming, live and past interviews."""

    column_type = "在线访谈"

    subpage_types = ["huimin_interviews.InterviewPage"]
    template = "interviews/interview_index_page.html"

    class Meta:
        verbose_name = "在线访谈列表"
        verbose_name_plural = "在线访谈列表"

    def latest_items(self, count: int):
        from . import queries

        return queries.live_interviews(self)[:count]

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import queries as site_queries

        from . import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.grouped(self, timezone.now()))
        context.update(site_queries.page_chrome(self))
        return context


class InterviewPage(NationalTagsMixin, RoutablePageMixin, Page):
    """One online interview: guests, time, questions collected beforehand and the live text transcript."""

    host_unit = models.ForeignKey(
        "huimin_sites.OrgUnit", verbose_name="主办单位", on_delete=models.PROTECT, related_name="+"
    )
    start_at = models.DateTimeField("开始时间", db_index=True)
    end_at = models.DateTimeField("结束时间")
    questions_close_at = models.DateTimeField(
        "征集截止时间", null=True, blank=True, help_text="留空则在访谈开始时截止征集问题。"
    )
    summary = models.TextField("摘要", max_length=500, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="多个词用逗号分隔。")
    intro = RichTextField("访谈简介", features=["h2", "h3", "bold", "italic", "ol", "ul", "link"], blank=True)
    body = StreamField(ContentStreamBlock(), blank=True, use_json_field=True, verbose_name="其他内容")

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("host_unit"),
                FieldPanel("start_at"),
                FieldPanel("end_at"),
                FieldPanel("questions_close_at"),
            ],
            heading="访谈信息",
        ),
        FieldPanel("summary"),
        FieldPanel("keywords"),
        FieldPanel("intro"),
        InlinePanel("guests", label="嘉宾", heading="访谈嘉宾"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("intro"),
        index.FilterField("start_at"),
    ]
    parent_page_types = ["huimin_interviews.InterviewIndexPage"]
    subpage_types = []
    template = "interviews/interview_page.html"
    base_form_class = AccessiblePageForm

    class Meta:
        verbose_name = "在线访谈"
        verbose_name_plural = "在线访谈"

    def clean(self):
        super().clean()
        if self.start_at and self.end_at and self.end_at <= self.start_at:
            raise ValidationError({"end_at": "结束时间须晚于开始时间。"})
        if self.questions_close_at and self.start_at and self.questions_close_at > self.start_at:
            raise ValidationError({"questions_close_at": "征集截止时间不能晚于访谈开始时间。"})

    def state(self, now) -> InterviewState:
        if now < self.start_at:
            return InterviewState.UPCOMING
        if now < self.end_at:
            return InterviewState.LIVE
        return InterviewState.ENDED

    def accepts_questions(self, now) -> bool:
        """Questions are collected beforehand only: until `questions_close_at`, or until the start."""
        close = self.questions_close_at or self.start_at
        return now < min(close, self.start_at)

    def content_tags(self, request, identity):
        tags = [
            ("ArticleTitle", self.title),
            ("PubDate", timezone.localtime(self.start_at).strftime(PUB_DATE_FORMAT)),
            (
                "ContentSource",
                self.host_unit.name if self.host_unit_id else (identity.sponsor if identity else ""),
            ),
        ]
        optional = [("Keywords", self.keywords), ("Description", self.summary)]
        if request is not None:
            optional.append(("Url", request.build_absolute_uri(self.url)))
        return tags + [(name, value) for name, value in optional if value]

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import queries as site_queries

        from . import queries

        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["now"] = now
        context["state"] = self.state(now)
        context["accepts_questions"] = self.accepts_questions(now)
        context["lines"] = queries.public_lines(self)
        context["selected_questions"] = queries.selected_questions(self)
        context.update(site_queries.page_chrome(self))
        return context

    @path("")
    def index_route(self, request, *args, **kwargs):
        from .views import interview_page

        return interview_page(self, request)

    @path("transcript/")
    def transcript_route(self, request):
        """New transcript lines after `?after=<id>`, as JSON with an HTML fragment, for the polling script."""
        from . import queries

        after = request.GET.get("after", "")
        after_id = int(after) if after.isdigit() else 0
        lines = list(queries.public_lines(self).filter(pk__gt=after_id))
        html = render_to_string("interviews/includes/lines.html", {"lines": lines})
        last = lines[-1].pk if lines else after_id
        now = timezone.now()
        response = JsonResponse({"last": last, "count": len(lines), "html": html, "state": self.state(now)})
        response["Cache-Control"] = "no-store"
        return response

    @path("thanks/")
    def thanks_route(self, request):
        from .views import interview_page

        return interview_page(self, request, thanks=True)


class InterviewGuest(Orderable):
    page = ParentalKey(InterviewPage, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=100, blank=True)
    unit = models.CharField("单位", max_length=100, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="照片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_alt = models.CharField("照片替代文字", max_length=200, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("post"),
        FieldPanel("unit"),
        FieldPanel("photo"),
        FieldPanel("photo_alt"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "嘉宾"
        verbose_name_plural = "嘉宾"

    def clean(self):
        super().clean()
        if self.photo_id and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": "有照片时须填写替代文字。"})

    def __str__(self):
        return self.name


class InterviewQuestion(models.Model):
    """A question from the public, sent before the interview and moderated by the host unit's staff."""

    interview = models.ForeignKey(InterviewPage, on_delete=models.CASCADE, related_name="questions")
    name = models.CharField("称呼", max_length=50, blank=True, help_text="留空则显示为“匿名”。")
    phone = models.CharField("联系电话", max_length=30, blank=True)
    text = models.TextField("问题", max_length=500)
    status = models.CharField(
        "状态", max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    submitted_at = models.DateTimeField("提交时间")
    moderated_at = models.DateTimeField("审核时间", null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = "网友提问"
        verbose_name_plural = "网友提问"

    def __str__(self):
        return self.text[:30]

    @property
    def display_name(self) -> str:
        return self.name or "匿名"


class TranscriptLine(models.Model):
    """One line of the live text transcript, public as soon as it is posted."""

    interview = models.ForeignKey(InterviewPage, on_delete=models.CASCADE, related_name="transcript")
    role = models.CharField("发言身份", max_length=10, choices=SpeakerRole.choices)
    speaker = models.CharField("发言人", max_length=50)
    text = models.TextField("内容", max_length=2000)
    question = models.ForeignKey(
        InterviewQuestion,
        verbose_name="回答的网友提问",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    posted_at = models.DateTimeField("发布时间")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden = models.BooleanField("已隐藏", default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = "文字实录"
        verbose_name_plural = "文字实录"

    def __str__(self):
        return f"{self.speaker}：{self.text[:30]}"
