"""Public views of an interview page: the page with its question form, and the thank-you state (PRG)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from huimin.core import throttle

from . import services
from .forms import QuestionForm


def interview_page(page, request, *, thanks: bool = False):
    context = page.get_context(request)
    status = 200
    form = QuestionForm() if context["accepts_questions"] else None
    problems = []
    if request.method == "POST":
        if not context["accepts_questions"]:
            problems.append("本次访谈的问题征集已经截止，未能提交。")
            status = 400
        else:
            form = QuestionForm(request.POST)
            if form.is_valid():
                try:
                    services.submit_question(
                        page,
                        name=form.cleaned_data["name"],
                        phone=form.cleaned_data["phone"],
                        text=form.cleaned_data["text"],
                        now=timezone.now(),
                        client_ip=throttle.client_ip(request),
                    )
                except (services.QuestionsClosed, services.Throttled) as exc:
                    problems.append(str(exc))
                except ValidationError as exc:
                    problems.extend(exc.messages)
                else:
                    return redirect(page.url + "thanks/#question-sent")
            status = 400
    context.update({"form": form, "problems": problems, "thanks": thanks})
    return TemplateResponse(request, page.get_template(request), context, status=status)
