"""征集调查: surveys (问卷调查) and consultations (意见征集) as pages of a site's 征集调查 column, the answers
and comments the public sends, and each activity's 结果反馈.

- `SurveyPage` is one activity: its kind, owning unit, period, who may take part (anyone, or signed-in
  accounts only), the questions (a StreamField of `blocks.py`) or the draft with its attachment.
- `Response` is one questionnaire's answers (`answers`: {question key: answer}, the key being the question
  block's id, so answers stay with their question when editors reorder); at most one per account.
- `Comment` is one comment on a consultation's draft, with the owning unit's decision (adopted or not,
  and why).
- `Feedback` is the published 结果反馈 of an activity: a model of its own, not page fields, so that publishing
  a page revision can never overwrite or unpublish it, and its first publication time (what the one-month
  rule judges) is set once by `services.publish_feedback`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from huimin.sites.models import NationalTagsMixin
from huimin.sites.page_tags import PUB_DATE_FORMAT

from .blocks import QuestionStreamBlock
from .enums import Decision, SurveyKind, SurveyState
from .page_form import SurveyPageForm

RICH_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class SurveyPage(NationalTagsMixin, RoutablePageMixin, Page):
    """One 征集调查 activity: a questionnaire or a consultation, open between `opens_at` and `closes_at`."""

    kind = models.CharField(
        "类型", max_length=20, choices=SurveyKind.choices, default=SurveyKind.QUESTIONNAIRE
    )
    unit = models.ForeignKey(
        "huimin_sites.OrgUnit",
        verbose_name="发起单位",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="本单位的工作人员可以导出答卷、处理意见和发布结果反馈。",
    )
    opens_at = models.DateTimeField("开始时间", db_index=True)
    closes_at = models.DateTimeField("截止时间", db_index=True)
    sign_in_required = models.BooleanField(
        "须登录后参与",
        default=False,
        help_text="勾选后只有注册用户登录后才能参与，每个账号只能提交一份答卷；不勾选则可匿名参与。",
    )
    summary = models.TextField("摘要", max_length=500, blank=True, help_text="显示在征集调查列表中。")
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="多个词用逗号分隔。")
    intro = RichTextField("说明", features=RICH_FEATURES, blank=True)
    questions = StreamField(
        QuestionStreamBlock(),
        verbose_name="问卷题目",
        blank=True,
        help_text="问卷调查的题目，由上到下依次编号。意见征集不需要题目。",
    )
    draft_text = RichTextField(
        "征求意见稿", features=RICH_FEATURES, blank=True, help_text="意见征集的草案全文或主要内容。"
    )
    draft_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="征求意见稿附件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("unit"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("sign_in_required"),
            ],
            heading="征集信息",
        ),
        FieldPanel("summary"),
        FieldPanel("keywords"),
        FieldPanel("intro"),
        FieldPanel("questions"),
        MultiFieldPanel([FieldPanel("draft_text"), FieldPanel("draft_document")], heading="意见征集"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("intro"),
        index.SearchField("draft_text"),
        index.FilterField("closes_at"),
    ]
    parent_page_types = ["huimin_sites.ColumnPage"]
    subpage_types = []
    template = "surveys/survey_page.html"
    base_form_class = SurveyPageForm

    class Meta:
        verbose_name = "征集调查"
        verbose_name_plural = "征集调查"

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "截止时间须晚于开始时间。"})

    # --- state -------------------------------------------------------------------------------------------

    @property
    def pub_date(self):
        """When the activity starts: its date in the column's list and for the column's freshness."""
        return self.opens_at

    @property
    def is_questionnaire(self) -> bool:
        return self.kind == SurveyKind.QUESTIONNAIRE

    def published_feedback(self, now) -> Feedback | None:
        """The 结果反馈 as it stood at `now` (published by then), or None."""
        try:
            feedback = self.feedback
        except Feedback.DoesNotExist:
            return None
        return feedback if feedback.published_at <= now else None

    def state(self, now) -> SurveyState:
        if now < self.opens_at:
            return SurveyState.UPCOMING
        if now < self.closes_at:
            return SurveyState.OPEN
        return SurveyState.ANSWERED if self.published_feedback(now) else SurveyState.CLOSED

    def accepts_answers(self, now) -> bool:
        return self.opens_at <= now < self.closes_at

    # --- national tags and serving ---------------------------------------------------------------------

    def content_tags(self, request, identity):
        tags = [
            ("ArticleTitle", self.title),
            ("PubDate", timezone.localtime(self.opens_at).strftime(PUB_DATE_FORMAT)),
            ("ContentSource", self.unit.name if self.unit_id else (identity.sponsor if identity else "")),
        ]
        optional = [("Keywords", self.keywords), ("Description", self.summary)]
        if request is not None:
            optional.append(("Url", request.build_absolute_uri(self.url)))
        return tags + [(name, value) for name, value in optional if value]

    def get_context(self, request, *args, **kwargs):
        from huimin.sites import queries as site_queries

        context = super().get_context(request, *args, **kwargs)
        context.update(site_queries.page_chrome(self))
        return context

    @path("")
    def index_route(self, request):
        from .views import survey_page

        return survey_page(self, request)

    @path("thanks/")
    def thanks_route(self, request):
        from .views import survey_page

        return survey_page(self, request, thanks=True)

    @path("results/")
    def results_route(self, request):
        from .views import results_page

        return results_page(self, request)


class Response(models.Model):
    """One questionnaire's answers, anonymous or by a signed-in account (at most one per account)."""

    survey = models.ForeignKey(
        SurveyPage, verbose_name="问卷", on_delete=models.CASCADE, related_name="responses"
    )
    account = models.ForeignKey(
        "huimin_accounts.Account",
        verbose_name="答卷账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    answers = models.JSONField("回答", default=dict)
    submitted_at = models.DateTimeField("提交时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "答卷"
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "account"],
                condition=Q(account__isnull=False),
                name="survey_one_response_per_account",
            )
        ]

    def __str__(self):
        return f"{self.survey} 答卷 {self.pk}"


class Comment(models.Model):
    """One comment on a consultation's draft, and the owning unit's decision on it."""

    survey = models.ForeignKey(
        SurveyPage, verbose_name="意见征集", on_delete=models.CASCADE, related_name="comments"
    )
    account = models.ForeignKey(
        "huimin_accounts.Account",
        verbose_name="提交账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_comments",
    )
    name = models.CharField("称呼", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True, help_text="仅供工作人员联系，不公开。")
    text = models.TextField("意见")
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    decision = models.CharField("处理结果", max_length=20, choices=Decision.choices, default=Decision.PENDING)
    public_text = models.TextField(
        "公开的意见摘要",
        blank=True,
        help_text="结果反馈中显示的意见内容；留空则显示原文。可用于隐去个人信息。",
    )
    reason = models.TextField("理由", blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "征集意见"
        ordering = ["submitted_at", "pk"]

    def __str__(self):
        return self.text[:30]

    @property
    def shown_text(self) -> str:
        return self.public_text or self.text


class Feedback(models.Model):
    """The 结果反馈 of an activity. `published_at` is its first publication (the one-month rule looks at
    it); a later correction changes the text and `updated_at` only."""

    survey = models.OneToOneField(SurveyPage, on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField("结果反馈")
    show_statistics = models.BooleanField("公开答卷统计图表", default=True)
    published_at = models.DateTimeField("发布时间", db_index=True)
    updated_at = models.DateTimeField("更新时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "结果反馈"

    def __str__(self):
        return f"{self.survey} 结果反馈"
