"""Public pages of netizen messages: write a letter, and follow it with the query code and password."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from huimin.core import throttle
from huimin.sites import queries as site_queries

from . import attachments, services
from .enums import State
from .forms import LetterForm, QueryForm, RatingForm, SupplementForm
from .models import Attachment, Letter

SESSION_KEY = "huimin_letters_open"
QUERY_FAILURES = "letter-query"
HOUR = timedelta(hours=1)
PUBLIC_ACTIONS = {
    "submit": "收到留言",
    "dispatch": "已分办至承办单位",
    "transfer": "已转办",
    "accept": "承办单位已签收",
    "return": "承办单位退回，重新分办中",
    "request_info": "请您补充材料",
    "supplement": "您已补充材料",
    "extend": "经批准延期答复",
    "reply": "承办单位已答复，审核中",
    "send_back": "答复审核未通过，重新办理",
    "approve": "答复已审核",
    "invalid": "认定为无效留言",
    "duplicate": "认定为重复留言",
    "rate": "您已评价",
    "reopen": "重新交办",
}


@require_http_methods(["GET", "POST"])
def write(request):
    chrome = site_queries.site_chrome(request)
    if request.method == "POST":
        form = LetterForm(request.POST, request.FILES)
        if form.is_valid() and not form.cleaned_data["website"]:
            data = form.cleaned_data
            try:
                letter, password = services.submit_letter(
                    services.LetterData(
                        site=chrome["site"],
                        kind=data["kind"],
                        title=data["title"],
                        content=data["content"],
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        contact_email=data["contact_email"],
                        may_publish=data["may_publish"],
                        chosen_unit=data["chosen_unit"],
                        client_ip=throttle.client_ip(request),
                        attachments=data["attachments"],
                    )
                )
            except services.TooManyLetters as error:
                form.add_error(None, error.messages[0])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), letter.pk][-20:]
                context = {**chrome, "letter": letter, "password": password}
                return TemplateResponse(request, "letters/submitted.html", context)
        elif form.is_valid():
            form.add_error(None, "提交未成功，请刷新页面后重试。")
        status = 400
    else:
        form = LetterForm(initial={"kind": request.GET.get("kind", "consult")})
        status = 200
    return TemplateResponse(request, "letters/write.html", {**chrome, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def follow(request):
    """Open a letter with its query code and password; then see its progress, answer, add what was asked
    for, and rate the answer."""
    chrome = site_queries.site_chrome(request)
    opened = request.session.get(SESSION_KEY, [])
    letter = None
    form = QueryForm(request.POST if request.POST.get("step") == "open" else None)
    status = 200
    if form.is_bound:
        ip, limit = throttle.client_ip(request), settings.HUIMIN_QUERY_FAILURES_PER_IP_HOUR
        if throttle.exceeded(QUERY_FAILURES, ip, limit=limit, window=HOUR):
            form.add_error(None, "查询错误次数过多，请一小时后再试；如忘记查询密码，请拨打 12345 咨询。")
            status = 429
        elif form.is_valid():
            letter = services.check_query(form.cleaned_data["code"], form.cleaned_data["password"])
            if letter is None:
                throttle.hit(QUERY_FAILURES, ip, limit=limit, window=HOUR)
                form.add_error(None, "查询码或查询密码不正确。")
                status = 400
            else:
                request.session[SESSION_KEY] = [*opened, letter.pk][-20:]
                return redirect(f"{request.path}?id={letter.pk}")
        else:
            status = 400
    letter_id = request.GET.get("id", "")
    if letter_id.isdigit() and int(letter_id) in opened:
        letter = Letter.objects.filter(pk=int(letter_id)).select_related("unit", "reply_unit").first()
    supplement_form = rating_form = None
    if letter is not None:
        supplement_form = SupplementForm(request.POST if request.POST.get("step") == "supplement" else None)
        rating_form = RatingForm(request.POST if request.POST.get("step") == "rate" else None)
        try:
            if supplement_form.is_bound and supplement_form.is_valid():
                services.add_supplement(letter, supplement_form.cleaned_data["supplement"])
                return redirect(f"{request.path}?id={letter.pk}")
            if rating_form.is_bound and rating_form.is_valid():
                services.rate(letter, rating_form.cleaned_data["rating"], rating_form.cleaned_data["comment"])
                return redirect(f"{request.path}?id={letter.pk}")
        except ValidationError as error:
            (supplement_form if supplement_form.is_bound else rating_form).add_error(None, error)
        if supplement_form.errors or rating_form.errors:
            status = 400
    context = {
        **chrome,
        "form": form,
        "letter": letter,
        "steps": [(e, PUBLIC_ACTIONS[e.action]) for e in letter.events.all() if e.action in PUBLIC_ACTIONS]
        if letter
        else [],
        "supplement_form": supplement_form if letter and letter.state == State.AWAITING_INFO else None,
        "rating_form": rating_form
        if letter and letter.state in (State.PUBLISHED, State.CLOSED) and not letter.rating
        else None,
    }
    return TemplateResponse(request, "letters/follow.html", context, status=status)


def attachment(request, pk: int):
    """An attachment of a letter this browser opened with its query code and password."""
    found = Attachment.objects.filter(pk=pk, letter_id__in=request.session.get(SESSION_KEY, [])).first()
    if found is None:
        raise Http404
    return attachments.download(found)
