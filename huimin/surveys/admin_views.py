"""The owning unit's screens: the list of the activities a person manages with their feedback tracking and
the yearly count of their sites; one activity's statistics, comments (each decided on) and 结果反馈 form; and
the XLSX export of its answers, recorded in the audit log. Another unit's activity answers 404.

The questions themselves are built in Wagtail's page editor (SurveyPage); these screens handle what the
public sent.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core import audit
from huimin.core.exports import attachment

from . import charts, queries, services
from .forms import DecisionForm, FeedbackForm
from .models import Comment, Feedback, Response, SurveyPage
from .questions import questions_of, statistics


def _staff(request) -> None:
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied


def manageable(request, pk: int) -> SurveyPage:
    """The activity, when the person manages it; 404 otherwise (another unit's is not even confirmed)."""
    survey = SurveyPage.objects.filter(pk=pk).select_related("unit").first()
    if survey is None or not services.can_manage(request.user, survey):
        raise Http404("没有找到该征集调查。")
    return survey


class _StaffView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        _staff(request)
        return super().dispatch(request, *args, **kwargs)


class SurveyListView(_StaffView):
    template_name = "surveys/admin/list.html"
    page_title = "征集调查"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        surveys = queries.with_counts(queries.managed_surveys(self.request.user))
        context["rows"] = [(survey, survey.state(now), queries.tracking(survey, now)) for survey in surveys]
        context["years"] = queries.year_counts(queries.staff_sites(self.request.user), now)
        context["now"] = now
        return context


class SurveyDetailView(_StaffView):
    template_name = "surveys/admin/detail.html"
    page_title = "征集调查"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = kwargs.get("survey") or manageable(self.request, self.kwargs["pk"])
        now = timezone.now()
        feedback = Feedback.objects.filter(survey=survey).first()
        context.update(
            {
                "survey": survey,
                "state": survey.state(now),
                "tracking": queries.tracking(survey, now),
                "counts": queries.counts(survey),
                "feedback": feedback,
                "feedback_form": kwargs.get("feedback_form")
                or FeedbackForm(
                    initial={"text": feedback.text, "show_statistics": feedback.show_statistics}
                    if feedback
                    else {"show_statistics": True}
                ),
                "error": kwargs.get("error"),
                "may_publish": now >= survey.closes_at,
            }
        )
        if survey.is_questionnaire:
            answers = Response.objects.filter(survey=survey).values_list("answers", flat=True)
            context["charted"] = charts.charts(
                statistics(questions_of(survey), answers.iterator(chunk_size=1000))
            )
        else:
            failed = kwargs.get("failed")  # (comment pk, bound form) of a decision refused
            rows = []
            for comment in survey.comments.order_by("submitted_at", "pk"):
                if failed and failed[0] == comment.pk:
                    form = failed[1]
                else:
                    form = DecisionForm(
                        prefix=f"c{comment.pk}",
                        initial={
                            "decision": comment.decision if comment.decided_at else "",
                            "reason": comment.reason,
                            "public_text": comment.public_text,
                        },
                    )
                rows.append((comment, form))
            context["comments"] = rows
        return context

    def get(self, request, *args, **kwargs):
        survey = manageable(request, kwargs["pk"])
        if not survey.is_questionnaire and survey.comments.exists():
            audit.record_read(request, survey, "征集意见", count=survey.comments.count())
        return self.render_to_response(self.get_context_data(survey=survey))

    def post(self, request, *args, **kwargs):
        survey = manageable(request, kwargs["pk"])
        action, now = request.POST.get("action"), timezone.now()
        if action == "feedback":
            form = FeedbackForm(request.POST)
            if form.is_valid():
                try:
                    services.publish_feedback(
                        request.user,
                        survey,
                        text=form.cleaned_data["text"],
                        show_statistics=form.cleaned_data["show_statistics"],
                        now=now,
                    )
                except (PermissionDenied, ValidationError) as error:
                    form.apply_error(error)
                else:
                    messages.success(request, "结果反馈已发布。")
                    return redirect(reverse("surveys_admin_detail", args=[survey.pk]))
            context = self.get_context_data(
                survey=survey, feedback_form=form, error="结果反馈未能发布，请更正下面的问题。"
            )
            return self.render_to_response(context, status=400)
        if action == "decide":
            comment = Comment.objects.filter(survey=survey, pk=request.POST.get("comment") or 0).first()
            if comment is None:
                raise Http404("没有找到该意见。")
            form = DecisionForm(request.POST, prefix=f"c{comment.pk}")
            if form.is_valid():
                try:
                    services.decide_comment(
                        request.user,
                        comment,
                        decision=form.cleaned_data["decision"],
                        reason=form.cleaned_data["reason"],
                        public_text=form.cleaned_data["public_text"],
                        now=now,
                    )
                except (PermissionDenied, ValidationError) as error:
                    form.apply_error(error)
                else:
                    messages.success(request, "处理结果已保存。")
                    return redirect(
                        reverse("surveys_admin_detail", args=[survey.pk]) + f"#comment-{comment.pk}"
                    )
            context = self.get_context_data(
                survey=survey, failed=(comment.pk, form), error="处理结果未能保存，请更正下面的问题。"
            )
            return self.render_to_response(context, status=400)
        raise Http404


def export(request, pk: int):
    """The answers (or comments) as XLSX, for the owning unit only; every export is in the audit log."""
    _staff(request)
    survey = manageable(request, pk)
    data, count = services.export_workbook(request.user, survey)
    what = "征集调查答卷" if survey.is_questionnaire else "征集意见"
    audit.record_export(request, survey, what, count=count, fmt="xlsx")
    day = f"{timezone.localtime():%Y%m%d}"
    return attachment(data, f"zjdc-{survey.pk}-{day}.xlsx")
