"""Admin views of the interviews app: the list of manageable interviews and the 文字直播 desk of one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .enums import QuestionStatus
from .forms import LineForm
from .models import InterviewPage, InterviewQuestion, TranscriptLine


class _StaffView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class InterviewListView(_StaffView):
    template_name = "interviews/admin/list.html"
    page_title = "在线访谈"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        rows = [
            (page, page.state(now))
            for page in InterviewPage.objects.select_related("host_unit").order_by("-start_at")
            if services.can_manage(user, page)
        ]
        context["rows"] = rows
        return context


class LiveDeskView(_StaffView):
    """文字直播: the transcript so far, a form that adds a line at once, and the questions to moderate."""

    template_name = "interviews/admin/desk.html"
    page_title = "文字直播"

    def interview(self) -> InterviewPage:
        page = InterviewPage.objects.filter(pk=self.kwargs["pk"]).first()
        if page is None or not services.can_manage(self.request.user, page):
            raise Http404  # another unit's interview is not even confirmed to exist
        return page

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = kwargs.get("interview") or self.interview()
        context.update(
            {
                "interview": page,
                "state": page.state(timezone.now()),
                "lines": page.transcript.select_related("question").order_by("pk"),
                "questions": page.questions.order_by("status", "submitted_at"),
                "form": kwargs.get("form") or LineForm(interview=page),
                "error": kwargs.get("error"),
                "statuses": QuestionStatus.choices,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        page = self.interview()
        action = request.POST.get("action", "post_line")
        now = timezone.now()
        try:
            if action == "post_line":
                form = LineForm(request.POST, interview=page)
                if not form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(interview=page, form=form, error="请更正下面的问题。"),
                        status=400,
                    )
                data = form.cleaned_data
                services.post_line(
                    request.user,
                    page,
                    role=data["role"],
                    speaker=data["speaker"],
                    text=data["text"],
                    question=data["question"],
                    now=now,
                )
                messages.success(request, "已发布。")
            elif action in ("hide", "show", "correct"):
                line = TranscriptLine.objects.filter(interview=page, pk=request.POST.get("line") or 0).first()
                if line is None:
                    raise Http404
                if action == "correct":
                    services.correct_line(request.user, line, text=request.POST.get("text", ""))
                else:
                    services.hide_line(request.user, line, hidden=action == "hide")
                messages.success(request, "已更新。")
            elif action == "moderate":
                question = InterviewQuestion.objects.filter(
                    interview=page, pk=request.POST.get("question") or 0
                ).first()
                if question is None:
                    raise Http404
                services.moderate_question(request.user, question, request.POST.get("status", ""), now=now)
                messages.success(request, "已审核。")
            else:
                raise Http404
        except (PermissionDenied, ValidationError) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            return self.render_to_response(self.get_context_data(interview=page, error=text), status=400)
        return redirect(reverse("interviews_desk", args=[page.pk]))
