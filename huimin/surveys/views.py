"""Public views: an activity's page with its answer or comment form (post, redirect, thank-you), its
结果反馈 page, and 我的调查 (the signed-in account's own answers and comments).

Every refusal is a sentence on the page, with the status that says why: 400 for a closed activity, a second
answer or a form with problems (what was typed stays), 403 for an activity that needs sign-in, 429 when the
address or account sent too much.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from huimin.accounts.access import citizen_required, current_account
from huimin.core import throttle
from huimin.sites import queries as site_queries

from . import charts, queries, services
from .enums import DECIDED, Decision, SurveyState
from .forms import AnonymousAnswerForm, AnonymousCommentForm, AnswerForm, CommentForm
from .models import Response
from .questions import questions_of, statistics

STATUS = {services.SignInRequired: 403, services.Throttled: 429}


def _form_class(page, account):
    if page.is_questionnaire:
        return AnswerForm if account is not None else AnonymousAnswerForm
    return CommentForm if account is not None else AnonymousCommentForm


def _new_form(page, account, data=None):
    form_class = _form_class(page, account)
    if page.is_questionnaire:
        return form_class(data, questions=questions_of(page))
    return form_class(data)


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _submit(page, form, account, request, now):
    if page.is_questionnaire:
        return services.submit_response(
            page,
            answers=form.cleaned_answers,
            account=account,
            now=now,
            client_ip=throttle.client_ip(request),
        )
    return services.submit_comment(
        page,
        text=form.cleaned_data["text"],
        name=form.cleaned_data["name"],
        contact=form.cleaned_data["contact"],
        account=account,
        now=now,
        client_ip=throttle.client_ip(request),
    )


def survey_page(page, request, *, thanks: bool = False):
    now = timezone.now()
    account = current_account(request)
    context = page.get_context(request)
    state = page.state(now)
    answered = services.has_answered(page, account) if page.is_questionnaire else None
    may_take_part = (
        state == SurveyState.OPEN and not (page.sign_in_required and account is None) and not answered
    )
    form, problems, status = None, [], 200
    if request.method == "POST":
        if not page.accepts_answers(now):
            problems.append(services.closed_message(page, now))
            status = 400
        elif page.sign_in_required and account is None:
            problems.append("本次征集须以注册用户身份登录后参与。")
            status = 403
        elif answered:
            problems.append("您已提交过本问卷的答卷，每个账号只能提交一次。")
            status = 400
        else:
            form = _new_form(page, account, request.POST)
            status = 400
            if form.is_valid():
                try:
                    _submit(page, form, account, request, now)
                except services.Refused as refusal:
                    problems.append(str(refusal))
                    status = STATUS.get(type(refusal), 400)
                except ValidationError as error:
                    _apply(form, error)
                else:
                    return redirect(page.get_url(request) + "thanks/#survey-sent")
    elif may_take_part and not thanks:
        form = _new_form(page, account)
    context.update(
        {
            "now": now,
            "state": state,
            "account": account,
            "answered": answered,
            "may_take_part": may_take_part,
            "form": form,
            "problems": problems,
            "thanks": thanks,
            "feedback": page.published_feedback(now),
            "closed_message": services.closed_message(page, now) if state != SurveyState.OPEN else "",
            "login_url": f"{reverse('accounts:login')}?{urlencode({'next': page.get_url(request)})}",
            "mine_url": reverse("surveys:mine"),
        }
    )
    return TemplateResponse(request, page.get_template(request), context, status=status)


def results_page(page, request):
    """The 结果反馈: the unit's text, the statistics (questionnaires, when the unit publishes them) and the
    comments with their decisions (consultations). Before it is published, a sentence saying when it is
    due."""
    now = timezone.now()
    context = page.get_context(request)
    feedback = page.published_feedback(now)
    context.update({"now": now, "state": page.state(now), "feedback": feedback, "results": True})
    if feedback is None:
        context["due"] = queries.feedback_due(page) if now >= page.closes_at else None
    elif page.is_questionnaire:
        answers = (
            Response.objects.filter(survey=page).values_list("answers", flat=True).iterator(chunk_size=1000)
        )
        stats = statistics(questions_of(page), answers)
        context["respondents"] = page.responses.count()
        context["charted"] = charts.charts(stats) if feedback.show_statistics else []
    else:
        comments = list(page.comments.filter(decision__in=DECIDED).order_by("submitted_at", "pk"))
        context["comment_total"] = page.comments.count()
        context["adopted"] = [c for c in comments if c.decision == Decision.ADOPTED]
        context["partly"] = [c for c in comments if c.decision == Decision.PARTLY]
        context["not_adopted"] = [c for c in comments if c.decision == Decision.NOT_ADOPTED]
    return TemplateResponse(request, "surveys/results_page.html", context)


@citizen_required
def mine(request):
    """我的调查: the questionnaires this account answered, with its answers, and the comments it sent."""
    account = current_account(request)
    responses = [
        (response, queries.readable_answers(response.survey, response.answers))
        for response in queries.account_responses(account)
    ]
    context = {
        **site_queries.site_chrome(request),
        "responses": responses,
        "comments": list(queries.account_comments(account)),
        "breadcrumbs": [("我的", reverse("accounts:home")), ("我的调查", request.path)],
    }
    response = TemplateResponse(request, "surveys/mine.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
