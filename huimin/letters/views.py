"""Public pages of netizen messages: write a letter (the form, a review step, then the letter), and follow it
with the query code and password."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from huimin.accounts.access import current_account
from huimin.core import throttle
from huimin.core.pending import PendingSubmissions, Upload, now_seconds
from huimin.sites import queries as site_queries
from huimin.sites.models import OrgUnit

from . import attachments, masking, services
from .enums import Channel, Kind, State
from .forms import LetterForm, QueryForm, RatingForm, SupplementForm
from .models import Attachment, Letter

SESSION_KEY = "huimin_letters_open"
QUERY_FAILURES = "letter-query"
HOUR = timedelta(hours=1)
PENDING_KEY = "huimin_letter_pending"  # the submission waiting for confirmation
DONE_KEY = "huimin_letter_done"  # confirmed review tokens: letter and password, for repeated confirms
PENDING_MAX_AGE = 60 * 60  # seconds
EXTERNAL_PREFIX = "web-form:"
PROBLEMS = {
    "missing": "无法确认提交：这份留言的核对信息已失效，或不是在本浏览器中填写的。留言没有提交，请重新填写。",
    "lost": "这份留言的核对信息已失效，附件没有保留。留言没有提交：请检查下面的内容，重新选择附件、"
    "回答验证问题后再提交。",
    "expired": f"您的留言填写后超过 {PENDING_MAX_AGE // 60} 分钟没有确认提交，为保护您的信息已失效，"
    "附件已删除。留言没有提交：填写的内容已保留，请重新选择附件、回答验证问题后再提交。",
    "files": "附件已失效，留言没有提交。填写的内容已保留，请重新选择附件、回答验证问题后再提交。",
}
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
    "refer": "承办单位已告知其他反映渠道，审核中",
    "redact": "已依规删除部分内容",
    "send_back": "答复审核未通过，重新办理",
    "approve": "答复已审核",
    "invalid": "认定为无效留言",
    "duplicate": "认定为重复留言",
    "rate": "您已评价",
    "reopen": "重新交办",
}


# --- writing a letter: the form, a review step, then the letter -------------------------------------
#
# A valid form does not submit: it becomes a pending submission (`huimin.core.pending`), shown back on a
# review page (请核对您的留言) with 返回修改 and 确认提交. The human check is answered once, on the form;
# the hourly limits apply at confirm.

PENDING = PendingSubmissions(PENDING_KEY, attachments.storage, PENDING_MAX_AGE)


def _form_data(pending: dict) -> dict:
    """The pending values as the form would post them."""
    data = {k: v for k, v in pending["data"].items() if k != "may_publish"}
    if pending["data"]["may_publish"]:
        data["may_publish"] = "on"
    return data


def _keep_pending(request, form: LetterForm, previous: dict | None, now: int) -> dict:
    """Store a valid form as the session's pending submission, with its new files and without the kept files
    the visitor ticked for removal."""
    data = form.cleaned_data
    uploads = [
        Upload(upload, kind, attachments.KINDS[kind].extensions[0], attachments.clean_name(upload.name))
        for upload, kind in form.checked_uploads
    ]
    values = {
        "kind": data["kind"],
        "chosen_unit": str(data["chosen_unit"].pk) if data["chosen_unit"] else "",
        "title": data["title"],
        "content": data["content"],
        "contact_name": data["contact_name"],
        "contact_phone": data["contact_phone"],
        "contact_email": data["contact_email"],
        "may_publish": bool(data["may_publish"]),
    }
    removed = set(form.removed()) if previous is not None else set()
    return PENDING.keep(request, previous=previous, values=values, uploads=uploads, removed=removed, now=now)


def _form_page(request, chrome, form, *, pending=None, problems=(), status=400):
    context = {**chrome, "form": form, "pending": pending, "problems": list(problems)}
    return TemplateResponse(request, "letters/write.html", context, status=status)


def _review_page(request, chrome, pending, *, problems=(), notice="", status=200):
    data = pending["data"]
    unit = OrgUnit.objects.filter(pk=data["chosen_unit"]).first() if data["chosen_unit"] else None
    context = {
        **chrome,
        "pending": pending,
        "problems": list(problems),
        "notice": notice,
        "minutes": PENDING_MAX_AGE // 60,
        "expires_at": datetime.fromtimestamp(pending["created"] + PENDING_MAX_AGE, tz=UTC),
        "kind": Kind(data["kind"]).label,
        "unit": unit.name if unit else "不确定，由平台分办",
        "data": data,
        "phone": masking.MOBILE.sub(r"\1****\2", data["contact_phone"]),
    }
    return TemplateResponse(request, "letters/review.html", context, status=status)


def _submitted_page(request, chrome, letter, password, *, repeated=False):
    context = {**chrome, "letter": letter, "password": password, "repeated": repeated}
    return TemplateResponse(request, "letters/submitted.html", context)


def _remember_opened(request, letter) -> None:
    opened = request.session.get(SESSION_KEY, [])
    if letter.pk not in opened:
        request.session[SESSION_KEY] = [*opened, letter.pk][-20:]


def _already_submitted(request, token: str, now: int):
    """(letter, password) when this session already confirmed the submission `token`, else None. The
    password is kept in the session for `PENDING_MAX_AGE`, so a repeated confirm (double click, back button,
    reload) shows it again to the same browser; after that, or if it is lost, it is "" ."""
    done = {t: r for t, r in request.session.get(DONE_KEY, {}).items() if now - r["at"] <= PENDING_MAX_AGE}
    if done != request.session.get(DONE_KEY, {}):
        request.session[DONE_KEY] = done
    if not token:
        return None
    if token in done:
        letter = Letter.objects.filter(pk=done[token]["letter"]).first()
        if letter is not None:
            return letter, done[token]["password"]
    letter = Letter.objects.filter(
        channel=Channel.WEB, external_id=EXTERNAL_PREFIX + token, pk__in=request.session.get(SESSION_KEY, [])
    ).first()
    return (letter, "") if letter is not None else None


def _contact_of(request) -> dict:
    """The signed-in citizen's name, mobile and e-mail, to prefill the form (nothing for anyone else)."""
    account = current_account(request)
    if account is None:
        return {}
    contact = {
        "contact_name": account.display_name or account.org_name,
        "contact_phone": account.mobile,
        "contact_email": account.email,
    }
    return {name: value for name, value in contact.items() if value}


@require_http_methods(["GET", "POST"])
def write(request):
    """The form. A valid form (human check answered) becomes a pending submission shown for review."""
    chrome = site_queries.site_chrome(request)
    if request.method == "GET":
        initial = {"kind": request.GET.get("kind", "consult"), "title": request.GET.get("title", "")[:100]}
        form = LetterForm(initial={**initial, **_contact_of(request)})
        return _form_page(request, chrome, form, status=200)
    now = now_seconds()
    PENDING.sweep(now)
    pending, problem = None, ""
    if request.POST.get("pending"):  # the form shown again from a review page (返回修改)
        pending, problem = PENDING.get(request, request.POST["pending"], now)
        pending = None if problem else pending
    form = LetterForm(
        request.POST, request.FILES, kept=pending["files"] if pending else (), human_checked=bool(pending)
    )
    problems = [PROBLEMS["lost" if problem == "missing" else problem]] if problem else []
    if form.is_valid() and not problem:
        if form.cleaned_data["website"]:  # a robot: nothing is kept, and it is not told why
            form.add_error(None, "提交未成功，请刷新页面后重试。")
        else:
            return _review_page(request, chrome, _keep_pending(request, form, pending, now))
    return _form_page(request, chrome, form, pending=pending, problems=problems)


@require_http_methods(["GET", "POST"])
def confirm(request):
    """The review page's buttons: 返回修改 (the form again, everything kept) or 确认提交 (the letter,
    stored once however often it is confirmed)."""
    if request.method == "GET":
        return redirect("letter_write")
    chrome = site_queries.site_chrome(request)
    now = now_seconds()
    PENDING.sweep(now)
    token = request.POST.get("pending", "")
    earlier = _already_submitted(request, token, now)
    if earlier is not None:
        return _submitted_page(request, chrome, *earlier, repeated=True)
    pending, problem = PENDING.get(request, token, now)
    if problem:
        initial = _form_data(pending) if pending else {"kind": "consult"}
        return _form_page(request, chrome, LetterForm(initial=initial), problems=[PROBLEMS[problem]])
    if request.POST.get("action") == "back":
        form = LetterForm(initial=_form_data(pending), kept=pending["files"], human_checked=True)
        return _form_page(request, chrome, form, pending=pending, status=200)
    if request.POST.get("action") != "confirm" or request.POST.get("revision") != str(pending["revision"]):
        return _review_page(
            request, chrome, pending, notice="留言修改过，以下是最新的内容，请核对后再确认提交。"
        )
    form = LetterForm(_form_data(pending), kept=pending["files"], human_checked=True)
    if not form.is_valid():  # e.g. the unit chosen was removed meanwhile
        return _form_page(request, chrome, form, pending=pending)
    try:
        letter, password = _submit(request, chrome["site"], form.cleaned_data, pending)
    except services.TooManyLetters as error:
        return _review_page(request, chrome, pending, problems=error.messages, status=400)
    except ValidationError as error:
        form.add_error(None, error)
        return _form_page(request, chrome, form, pending=pending)
    except OSError:  # a pending file is gone
        PENDING.discard(request, pending)
        form = LetterForm(initial=_form_data(pending))
        return _form_page(request, chrome, form, problems=[PROBLEMS["files"]])
    repeated = not password
    if repeated:  # stored by a confirm from this browser that raced this one; it may have left the password
        password = _password_left_by_other_request(request, token)
    PENDING.discard(request, pending)
    request.session[DONE_KEY] = {
        **request.session.get(DONE_KEY, {}),
        token: {"letter": letter.pk, "password": password, "at": now},
    }
    _remember_opened(request, letter)
    request.session.save()  # at once, so that a racing confirm from this browser finds the password
    return _submitted_page(request, chrome, letter, password, repeated=repeated)


def _submit(request, site, data: dict, pending: dict) -> tuple[Letter, str]:
    """Submit the pending letter through `services.submit_letter`, its files read from the pending storage.

    The review token is the letter's external id on the web channel: a second confirm racing the first (a
    double click) gets the letter the first one stored, with an empty password, instead of a second letter;
    if it fails instead (the first letter reached the hourly limit, or took its files), that letter is the
    answer as well."""
    storage, files = attachments.storage(), []
    try:
        files = [File(storage.open(f["path"], "rb"), name=f["name"]) for f in pending["files"]]
        return services.submit_letter(
            services.LetterData(
                site=site,
                kind=data["kind"],
                title=data["title"],
                content=data["content"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                may_publish=data["may_publish"],
                chosen_unit=data["chosen_unit"],
                client_ip=throttle.client_ip(request),
                attachments=files,
                external_id=EXTERNAL_PREFIX + pending["token"],
                author=request.user if current_account(request) is not None else None,
            )
        )
    except (OSError, ValidationError):
        earlier = Letter.objects.filter(channel=Channel.WEB, external_id=EXTERNAL_PREFIX + pending["token"])
        if earlier.exists():
            return earlier.get(), ""
        raise
    finally:
        for file in files:
            file.close()


def _password_left_by_other_request(request, token: str) -> str:
    if request.session.session_key is None:
        return ""
    stored = request.session.__class__(request.session.session_key).get(DONE_KEY, {})
    return stored.get(token, {}).get("password", "")


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
