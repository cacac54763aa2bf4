"""The public pages of 政府信息公开 under /zfxxgk/ on every site: the home, the 公开目录, the application
form (form, review, result) and the follow-up page with its downloads.

The application keeps its uploads as letters' form does: a valid form does not submit, it becomes a
*pending application* shown back for review (请核对您的申请), its values in the session and its files in the
private disclosure storage under `pending/` (named "<created>-<token>-<random><ext>"), for
`PENDING_MAX_AGE`; 返回修改 shows the form again with the files kept (each with a box to remove it), 确认提交
submits it through `services.submit`. The human check is answered once, on the form."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from huimin.accounts.access import current_account
from huimin.accounts.enums import AccountKind
from huimin.core import throttle
from huimin.core.pending import PendingSubmissions, Upload, now_seconds
from huimin.letters import attachments as checked_files
from huimin.sites import queries as site_queries
from huimin.sites.catalogue import by_code, categories
from huimin.sites.page_tags import ViewColumn

from . import answers, catalogue, identity, services
from .enums import (
    ANSWER_DAYS,
    MAX_EXTENSION_DAYS,
    OPEN_STATES,
    ApplicantType,
    Delivery,
    FileRole,
    IdType,
    OrgKind,
    State,
)
from .forms import SERVICE_FIELDS, ApplicationForm, CorrectionForm, QueryForm, WithdrawForm
from .models import AnnualReportPage, Application, ApplicationFile

PAGE_SIZE = 20
OPEN_KEY = "huimin_disclosure_open"  # the applications this browser opened with code and password
PENDING_KEY = "huimin_disclosure_pending"
DONE_KEY = "huimin_disclosure_done"
PENDING_MAX_AGE = 60 * 60  # seconds
QUERY_FAILURES = "disclosure-query"
HOUR = timedelta(hours=1)
PROBLEMS = {
    "missing": "无法确认提交：这份申请的核对信息已失效，或不是在本浏览器中填写的。申请没有提交，请重新填写。",
    "expired": f"您的申请填写后超过 {PENDING_MAX_AGE // 60} 分钟没有确认提交，为保护您的信息已失效，"
    "材料已删除。申请没有提交：填写的内容已保留，请重新选择材料、回答验证问题后再提交。",
    "files": "材料已失效，申请没有提交。填写的内容已保留，请重新选择材料、回答验证问题后再提交。",
}
# What the applicant is told of each step (internal steps such as drafting are not shown).
PUBLIC_ACTIONS = {
    "submit": "收到申请",
    "register": "已登记，正在办理",
    "ask_correction": "请您补正申请",
    "correct": "已收到您的补正",
    "extend": "答复期限延长",
    "sign_off": "已答复",
    "withdraw": "您已撤回申请",
    "abandon": "逾期未补正，视为放弃申请",
}
HOME_COLUMN = ViewColumn(
    "政府信息公开",
    "政府信息公开指南、公开制度、法定主动公开内容、政府信息公开工作年度报告和依申请公开。",
    "政府信息公开,公开指南,公开目录,年度报告,依申请公开",
    "信息公开指南",
)
CATALOGUE_COLUMN = ViewColumn(
    "法定主动公开内容",
    "按单位和类别列出的主动公开的政府信息，含索引号和发布日期。",
    "政府信息公开目录,主动公开,索引号",
    "信息公开目录",
)
APPLY_COLUMN = ViewColumn(
    "依申请公开",
    "在线提交政府信息公开申请，凭查询码和查询密码查询办理进度和答复。",
    "依申请公开,政府信息公开申请,查询",
    "依法申请公开",
)
TRAIL_HOME = ("政府信息公开", "/zfxxgk/")
TRAIL_APPLY = ("依申请公开", "/zfxxgk/ysqgk/")


def _chrome(request, column: ViewColumn, *trail) -> dict:
    return {**site_queries.site_chrome(request), "column": column, "breadcrumbs": list(trail)}


# --- the home and the catalogue ----------------------------------------------------------------------


def _annual_reports(site, portal: bool, request) -> list[AnnualReportPage]:
    pages = AnnualReportPage.objects.live().public().select_related("unit").order_by("-year", "path")
    if not portal:
        pages = pages.descendant_of(site.root_page)
    return [page for page in pages if page.get_url(request)]


def home(request):
    chrome = _chrome(request, HOME_COLUMN, (TRAIL_HOME[0], None))
    site = chrome["site"]
    built = catalogue.build(site)
    context = {
        **chrome,
        "guides": catalogue.own_pages(built, "gkzn")[:10],
        "rules": catalogue.own_pages(built, "gkzd")[:10],
        "unit_counts": catalogue.unit_counts(built),
        "portal": built.is_portal,
        "reports": _annual_reports(site, built.is_portal, request),
        "answer_days": ANSWER_DAYS,
        "extension_days": MAX_EXTENSION_DAYS,
    }
    return TemplateResponse(request, "disclosure/public/home.html", context)


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def catalogue_view(request):
    chrome = _chrome(request, CATALOGUE_COLUMN, TRAIL_HOME, (CATALOGUE_COLUMN.name, None))
    built = catalogue.build(chrome["site"])
    counts = catalogue.unit_counts(built)
    known_units = {item.unit.pk: item.unit for item in counts} | {unit.pk: unit for unit in built.units}
    notes = []
    raw_unit, raw_category, raw_page = (request.GET.get(k, "") for k in ("unit", "category", "page"))
    unit_id = _int(raw_unit)
    if raw_unit and unit_id not in known_units:
        notes.append("所选单位不存在或不属于本网站，已显示全部单位的信息。")
        unit_id = None
    category = raw_category if raw_category in by_code() else ""
    if raw_category and not category:
        notes.append("所选类别不存在，已显示全部类别的信息。")
    entries = catalogue.filtered(built, unit_id=unit_id, category=category)
    paginator = Paginator(entries, PAGE_SIZE)
    number = _int(raw_page)
    if raw_page and (number is None or not 1 <= number <= paginator.num_pages):
        notes.append("页码无效，已显示第 1 页。")
        number = 1
    page = paginator.get_page(number or 1)
    query = {k: v for k, v in (("unit", unit_id), ("category", category)) if v}
    context = {
        **chrome,
        "page": None,
        "results": page,
        "unit_counts": counts,
        "units": [known_units[pk] for pk in known_units],
        "unit": known_units.get(unit_id),
        "category": by_code().get(category),
        "categories": categories(),
        "notes": notes,
        "filter_query": "&".join(f"{k}={v}" for k, v in query.items()),
        # A filtered or later page is a view of the one catalogue: it names the catalogue as canonical.
        "canonical_url": request.build_absolute_uri(request.path) if request.GET else "",
        "portal": built.is_portal,
    }
    return TemplateResponse(request, "disclosure/public/catalogue.html", context, status=200)


# --- the application: form, review, result -----------------------------------------------------------


def _storage():
    return ApplicationFile._meta.get_field("file").storage


PENDING = PendingSubmissions(PENDING_KEY, _storage, PENDING_MAX_AGE)


def _units(site) -> list:
    return catalogue.site_units(site) if site else []


def _form(request, chrome, *args, pending=None, human_checked=False, **kwargs) -> ApplicationForm:
    units = chrome["units"]
    return ApplicationForm(
        *args,
        units=units,
        site=chrome["site"],
        kept=pending["files"] if pending else (),
        human_checked=human_checked,
        **kwargs,
    )


def _apply_chrome(request, *trail) -> dict:
    chrome = _chrome(request, APPLY_COLUMN, TRAIL_HOME, *trail)
    chrome["units"] = _units(chrome["site"])
    return chrome


def _initial(chrome, request=None) -> dict:
    units = chrome["units"]
    initial = {
        "applicant_type": ApplicantType.CITIZEN,
        "delivery": Delivery.ONLINE,
        "id_type": IdType.ID_CARD,
        "unit": units[0].pk if units else None,
    }
    return {**initial, **_applicant_of(request)} if request is not None else initial


def _applicant_of(request) -> dict:
    """The signed-in citizen's name, mobile and e-mail (a legal person's name and credit code), to prefill
    the form; nothing for anyone else."""
    account = current_account(request)
    if account is None:
        return {}
    values = {"phone": account.mobile, "email": account.email}
    if account.kind == AccountKind.LEGAL:
        values.update(
            applicant_type=ApplicantType.ORGANISATION,
            name=account.org_name,
            contact_person=account.display_name,
            id_type=IdType.CREDIT_CODE,
            id_number=account.credit_code,
        )
    else:
        values["name"] = account.display_name
    return {name: value for name, value in values.items() if value}


def _form_page(request, chrome, form, *, pending=None, problems=(), status=400):
    context = {
        **chrome,
        "form": form,
        "pending": pending,
        "problems": list(problems),
        "answer_days": ANSWER_DAYS,
    }
    return TemplateResponse(request, "disclosure/public/apply.html", context, status=status)


def _keep_pending(request, form: ApplicationForm, previous: dict | None, now: int) -> dict:
    uploads = [
        Upload(upload, kind, checked_files.KINDS[kind].extensions[0], checked_files.clean_name(upload.name))
        for upload, kind in form.checked_uploads
    ]
    values = {name: form.cleaned_data.get(name, "") for name in SERVICE_FIELDS}
    removed = set(form.removed()) if previous is not None else set()
    return PENDING.keep(request, previous=previous, values=values, uploads=uploads, removed=removed, now=now)


def _review_page(request, chrome, pending, *, problems=(), status=200):
    data = pending["data"]
    unit = next((u for u in chrome["units"] if u.pk == data.get("unit")), None)
    rows = [
        ("申请人类型", ApplicantType(data["applicant_type"]).label),
        ("姓名或名称", data["name"]),
    ]
    if data["applicant_type"] == ApplicantType.ORGANISATION:
        rows += [("组织类别", OrgKind(data["org_kind"]).label), ("联系人", data["contact_person"])]
    rows += [
        (
            "证件",
            f"{IdType(data['id_type']).label} {identity.masked_id(identity.normalise(data['id_number']))}",
        ),
        ("联系电话", identity.masked_phone(data["phone"])),
        ("电子邮箱", data["email"] or "未填写"),
        ("通信地址", data["address"] or "未填写"),
        ("邮政编码", data["postcode"] or "未填写"),
        ("所需信息的内容描述", data["description"]),
        ("用途", data["purpose"] or "未填写"),
        ("获取信息的方式", Delivery(data["delivery"]).label),
        ("申请的行政机关", unit.name if unit else ""),
    ]
    context = {
        **chrome,
        "pending": pending,
        "rows": rows,
        "problems": list(problems),
        "minutes": PENDING_MAX_AGE // 60,
    }
    return TemplateResponse(request, "disclosure/public/review.html", context, status=status)


def _result_page(request, chrome, application, password, *, repeated=False):
    context = {**chrome, "application": application, "password": password, "repeated": repeated}
    return TemplateResponse(request, "disclosure/public/submitted.html", context)


def _remember_opened(request, application) -> None:
    opened = request.session.get(OPEN_KEY, [])
    if application.pk not in opened:
        request.session[OPEN_KEY] = [*opened, application.pk][-20:]


@require_http_methods(["GET", "POST"])
def apply(request):
    """The form; a valid form (human check answered) becomes a pending application shown for review."""
    chrome = _apply_chrome(request, (TRAIL_APPLY[0], None))
    if request.method == "GET":
        form = _form(request, chrome, initial=_initial(chrome, request))
        return _form_page(request, chrome, form, status=200)
    now = now_seconds()
    PENDING.sweep(now)
    pending, problem = None, ""
    if request.POST.get("pending"):  # the form shown again from the review page (返回修改)
        pending, problem = PENDING.get(request, request.POST["pending"], now)
        pending = None if problem else pending
    form = _form(request, chrome, request.POST, request.FILES, pending=pending, human_checked=bool(pending))
    problems = [PROBLEMS[problem]] if problem else []
    if form.is_valid() and not problem:
        if form.cleaned_data["website"]:  # a robot: nothing is kept, and it is not told why
            form.add_error(None, "提交未成功，请刷新页面后重试。")
        else:
            return _review_page(request, chrome, _keep_pending(request, form, pending, now))
    return _form_page(request, chrome, form, pending=pending, problems=problems)


def _form_data(pending: dict) -> dict:
    return {k: v for k, v in pending["data"].items() if v is not None}


@require_http_methods(["GET", "POST"])
def confirm(request):
    """The review page's buttons: 返回修改 (the form again, everything kept) or 确认提交."""
    if request.method == "GET":
        return redirect("disclosure:apply")
    chrome = _apply_chrome(request, TRAIL_APPLY, ("确认提交", None))
    now = now_seconds()
    PENDING.sweep(now)
    token = request.POST.get("pending", "")
    done = {t: r for t, r in request.session.get(DONE_KEY, {}).items() if now - r["at"] <= PENDING_MAX_AGE}
    request.session[DONE_KEY] = done
    if token and token in done:  # a second confirm (double click, reload): the same application, once
        application = Application.objects.filter(pk=done[token]["application"]).first()
        if application is not None:
            return _result_page(request, chrome, application, done[token]["password"], repeated=True)
    pending, problem = PENDING.get(request, token, now)
    if problem:
        initial = _form_data(pending) if pending else _initial(chrome)
        return _form_page(
            request, chrome, _form(request, chrome, initial=initial), problems=[PROBLEMS[problem]]
        )
    if request.POST.get("action") == "back":
        form = _form(request, chrome, initial=_form_data(pending), pending=pending, human_checked=True)
        return _form_page(request, chrome, form, pending=pending, status=200)
    if request.POST.get("action") != "confirm":
        return _review_page(request, chrome, pending)
    form = _form(request, chrome, _form_data(pending), pending=pending, human_checked=True)
    if not form.is_valid():  # e.g. the unit was removed meanwhile
        return _form_page(request, chrome, form, pending=pending)
    storage, files = _storage(), []
    try:
        files = [File(storage.open(f["path"], "rb"), name=f["name"]) for f in pending["files"]]
        application, password = services.submit(
            form.data_for_service(
                client_ip=throttle.client_ip(request),
                attachments=files,
                intake_key=token,
                author=request.user if current_account(request) is not None else None,
            )
        )
    except services.TooManyApplications as error:
        return _review_page(request, chrome, pending, problems=error.messages, status=400)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)
        return _form_page(request, chrome, form, pending=pending)
    except OSError:  # a pending file is gone
        PENDING.discard(request, pending)
        return _form_page(
            request, chrome, _form(request, chrome, initial=_form_data(pending)), problems=[PROBLEMS["files"]]
        )
    finally:
        for file in files:
            file.close()
    PENDING.discard(request, pending)
    request.session[DONE_KEY] = {
        **done,
        token: {"application": application.pk, "password": password, "at": now},
    }
    _remember_opened(request, application)
    return _result_page(
        request, chrome, application, password, repeated=getattr(application, "repeated", False)
    )


# --- following an application ------------------------------------------------------------------------


def _opened(request, raw_id: str) -> Application | None:
    opened = request.session.get(OPEN_KEY, [])
    pk = _int(raw_id)
    if pk is None or pk not in opened:
        return None
    return Application.objects.filter(pk=pk).select_related("unit").first()


def _downloads(application: Application) -> list[ApplicationFile]:
    if application.state != State.ANSWERED:
        return []
    return list(application.files.filter(role__in=(FileRole.REPLY, FileRole.RELEASED)).order_by("role", "pk"))


@require_http_methods(["GET", "POST"])
def follow(request):
    """Open an application with its query code and password; then its progress, and by its state the
    correction form, the withdraw button, or the answer with its downloads."""
    chrome = _chrome(request, APPLY_COLUMN, TRAIL_HOME, TRAIL_APPLY, ("申请查询", None))
    step = request.POST.get("step", "")
    form = QueryForm(request.POST if step == "open" else None)
    status = 200
    if form.is_bound:
        ip, limit = throttle.client_ip(request), settings.HUIMIN_QUERY_FAILURES_PER_IP_HOUR
        if throttle.exceeded(QUERY_FAILURES, ip, limit=limit, window=HOUR):
            form.add_error(None, "查询错误次数过多，请一小时后再试。")
            status = 429
        elif form.is_valid():
            found = services.check_query(form.cleaned_data["code"], form.cleaned_data["password"])
            if found is None:
                throttle.hit(QUERY_FAILURES, ip, limit=limit, window=HOUR)
                form.add_error(None, "查询码或查询密码不正确。")
                status = 400
            else:
                _remember_opened(request, found)
                return redirect(f"{request.path}?id={found.pk}")
        else:
            status = 400
    application = _opened(request, request.GET.get("id", ""))
    correction_form = withdraw_form = None
    asking_withdraw = False
    if application is not None:
        correction_form = CorrectionForm(
            request.POST if step == "correct" else None, request.FILES if step == "correct" else None
        )
        withdraw_form = WithdrawForm(request.POST if step == "withdraw" else None)
        asking_withdraw = step == "withdraw_ask"
        try:
            if correction_form.is_bound and correction_form.is_valid():
                services.submit_correction(
                    application,
                    correction_form.cleaned_data["correction_text"],
                    uploads=correction_form.cleaned_data["files"],
                )
                return redirect(f"{request.path}?id={application.pk}")
            if withdraw_form.is_bound and withdraw_form.is_valid():
                services.withdraw(application, withdraw_form.cleaned_data["reason"])
                return redirect(f"{request.path}?id={application.pk}")
        except ValidationError as error:
            target = correction_form if correction_form.is_bound else withdraw_form
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    target.add_error(name if name in target.fields else None, messages)
            else:
                target.add_error(None, error.messages)
            asking_withdraw = withdraw_form.is_bound
        if correction_form.errors or withdraw_form.errors:
            status = 400
    context = {**chrome, "form": form, "application": application}
    if application is not None:
        application.refresh_from_db()
        events = list(application.events.all())
        context.update(
            masked_name=identity.masked_name(application.name),
            steps=[(e, PUBLIC_ACTIONS[e.action]) for e in events if e.action in PUBLIC_ACTIONS],
            open=context_open(application),
            correction_form=correction_form if application.state == State.CORRECTION else None,
            withdraw_form=withdraw_form,
            asking_withdraw=asking_withdraw,
            answer_label=answers.label(application.answer, application.answer_ground)
            if application.state == State.ANSWERED
            else "",
            downloads=_downloads(application),
            days_left=services.days_left(application, timezone.now()),
            # A form sent for a step no longer offered (withdrawn meanwhile): its errors shown on their own.
            stale_form=next(
                (
                    f
                    for f, shown in (
                        (correction_form, application.state == State.CORRECTION),
                        (withdraw_form, context_open(application)),
                    )
                    if f.errors and not shown
                ),
                None,
            ),
        )
    return TemplateResponse(request, "disclosure/public/follow.html", context, status=status)


def context_open(application: Application) -> bool:
    return application.state in OPEN_STATES


def download(request, pk: int):
    """A reply letter or released file of an answered application this browser opened."""
    found = (
        ApplicationFile.objects.filter(
            pk=pk,
            application_id__in=request.session.get(OPEN_KEY, []),
            application__state=State.ANSWERED,
            role__in=(FileRole.REPLY, FileRole.RELEASED),
        )
        .select_related("application")
        .first()
    )
    if found is None:
        raise Http404
    return checked_files.download(found)
