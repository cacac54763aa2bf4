"""我的: the signed-in citizen's own pages on every site of the group.

- `home` (/accounts/): who is signed in, and the way to each personal page.
- `letters` and `applications`: the account's letters and 依申请公开 applications, each opened on the public
  follow page without its password (`?open=<id>`: only the account's own, put into this session's list of
  opened records, exactly as a correct query code and password would), and a form to claim an older one.
- `tags`: the tags the citizen chooses, per key of the group's vocabularies.
- `data`: the whole of my data as one JSON download, and closing the account.

Every view is behind `citizen_required`: anonymous visitors go to sign in, staff without an account get 403.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from huimin.core import throttle
from huimin.disclosure.views import OPEN_KEY as APPLICATIONS_OPEN
from huimin.letters.views import SESSION_KEY as LETTERS_OPEN
from huimin.sites import queries as site_queries

from ... import mine, personal_data
from ...access import citizen_required
from ...enums import AccountKind
from .forms import ClaimForm, DeleteForm, TagsForm

HOME = ("我的", "/accounts/")
NOTICES = {"claimed": "已认领{what}“{title}”。", "already": "{what}“{title}”已在您的账号中。"}
DELETED_KEY = "huimin_account_deleted"  # what the closed account's holders kept, for the page after
REAUTH = timedelta(minutes=10)  # an account without a password closes within this long of signing in
# The personal pages, in the order 我的 lists them: (label, URL name, what it holds).
SECTIONS = [
    ("我的留言", "accounts:letters", "写过的留言和办理进度；可凭查询码认领以前的留言。"),
    ("我的申请", "accounts:applications", "依申请公开的申请和答复；可凭查询码认领以前的申请。"),
    ("我的订阅", "subscriptions:list", "订阅的政策、栏目和主题，以及推送方式。"),
    ("消息", "subscriptions:inbox", "站内收到的推送消息。"),
    ("我的调查", "surveys:mine", "参加过的问卷调查和意见征集。"),
    ("我的兴趣与推荐", "profiles:mine", "推荐依据的兴趣，可随时更正或清除。"),
    ("我的标签", "accounts:tags", "选择与您相关的行业、人群、区域等标签。"),
    ("我的数据", "accounts:data", "下载我的全部数据，或注销账号。"),
]


def _chrome(request, *trail) -> dict:
    trail = [HOME, *trail] if trail else [(HOME[0], None)]
    return {**site_queries.site_chrome(request), "breadcrumbs": trail}


def _now():
    return timezone.now()


def _remember(request, key: str, pk: int) -> None:
    """Put a record into this session's list of opened records, as its query page does (at most 20)."""
    opened = [p for p in request.session.get(key, []) if p != pk]
    request.session[key] = [*opened, pk][-20:]


# --- 我的 ----------------------------------------------------------------------------------------------


@citizen_required
def home(request):
    account = request.user.citizen
    sections = []
    for label, name, hint in SECTIONS:
        try:
            sections.append({"label": label, "url": reverse(name), "hint": hint})
        except NoReverseMatch:  # a page not served on this deployment
            continue
    context = {
        **_chrome(request),
        "account": account,
        "kind": AccountKind(account.kind).label,
        "sections": sections,
        "letter_count": mine.letters_of(account).count(),
        "application_count": mine.applications_of(account).count(),
    }
    return TemplateResponse(request, "accounts/mine/home.html", context)


# --- 我的留言, 我的申请 -----------------------------------------------------------------------------------

RECORDS = {
    "letters": {
        "title": "我的留言",
        "what": "留言",
        "records": mine.letters_of,
        "one": mine.letter_of,
        "claim": mine.claim_letter,
        "open_key": LETTERS_OPEN,
        "follow": "letter_follow",
        "template": "accounts/mine/letters.html",
    },
    "applications": {
        "title": "我的申请",
        "what": "申请",
        "records": mine.applications_of,
        "one": mine.application_of,
        "claim": mine.claim_application,
        "open_key": APPLICATIONS_OPEN,
        "follow": "disclosure:follow",
        "template": "accounts/mine/applications.html",
    },
}


def _records(request, kind: str):
    spec = RECORDS[kind]
    account = request.user.citizen
    if "open" in request.GET:  # the public follow page, without the password: only for the account's own
        record = spec["one"](account, request.GET["open"])
        if record is None:
            raise Http404("没有这件记录，或它不属于您的账号。")
        _remember(request, spec["open_key"], record.pk)
        return redirect(f"{reverse(spec['follow'])}?id={record.pk}")
    form = ClaimForm(request.POST if request.method == "POST" else None, what=spec["what"])
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                claimed = spec["claim"](
                    account,
                    form.cleaned_data["code"],
                    form.cleaned_data["password"],
                    address=throttle.client_ip(request),
                    now=_now(),
                )
            except mine.ClaimError as error:
                form.add_error(None, error.messages)
                status = 429 if error.code == "throttled" else 400
            else:
                answer = "claimed" if claimed.new else "already"
                return redirect(f"{request.path}?{answer}={claimed.record.pk}")
        else:
            status = 400
    notice = ""
    for answer, sentence in NOTICES.items():
        record = spec["one"](account, request.GET.get(answer, ""))
        if record is not None:
            title = getattr(record, "title", "") or record.query_code
            notice = sentence.format(what=spec["what"], title=title)
    context = {
        **_chrome(request, (spec["title"], None)),
        "title": spec["title"],
        "what": spec["what"],
        "records": list(spec["records"](account)),
        "form": form,
        "notice": notice,
    }
    return TemplateResponse(request, spec["template"], context, status=status)


@citizen_required
@require_http_methods(["GET", "POST"])
def letters(request):
    return _records(request, "letters")


@citizen_required
@require_http_methods(["GET", "POST"])
def applications(request):
    return _records(request, "applications")


# --- 我的标签 ----------------------------------------------------------------------------------------------


@citizen_required
@require_http_methods(["GET", "POST"])
def tags(request):
    account = request.user.citizen
    groups = mine.tag_choices(account)
    form = TagsForm(request.POST if request.method == "POST" else None, groups=groups)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                mine.save_tags(account, form.chosen(), now=_now())
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    form.add_error(key if key in form.fields else None, messages)
            else:
                return redirect(f"{request.path}?saved=1")
        status = 400
    context = {
        **_chrome(request, ("我的标签", None)),
        "form": form,
        "registered": [g for g in groups if g.registered],
        "legal": account.kind == AccountKind.LEGAL,
        "saved": request.GET.get("saved") == "1" and not form.is_bound,
        "chosen": [(g.label, g.chosen) for g in groups if g.chosen],
    }
    return TemplateResponse(request, "accounts/mine/tags.html", context, status=status)


# --- 我的数据 ----------------------------------------------------------------------------------------------


def data(request):
    """My data; after the account was closed, the page saying what was kept (for this browser only)."""
    if not request.user.is_authenticated and request.session.get(DELETED_KEY) is not None:
        chrome = {**site_queries.site_chrome(request), "breadcrumbs": [("账号已注销", None)]}
        context = {**chrome, "kept": request.session[DELETED_KEY]}
        return TemplateResponse(request, "accounts/mine/deleted.html", context)
    return _data(request)


def _may_close_without_password(user, now) -> bool:
    return bool(user.last_login and now - user.last_login <= REAUTH)


@citizen_required
@require_http_methods(["GET", "POST"])
def _data(request):
    account = request.user.citizen
    user = request.user
    now = _now()
    with_password = user.has_usable_password()
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "export":
        exported = mine.export_data(account, address=throttle.client_ip(request), now=now)
        body = json.dumps(exported, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"my-data-{timezone.localtime(now):%Y%m%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, private"
        return response
    form = DeleteForm(request.POST if action == "delete" else None, with_password=with_password)
    status = 200
    if form.is_bound:
        status = 400
        if mine.delete_attempts_exceeded(account, now=now):
            form.add_error(None, "确认失败次数过多，请一小时后再试。")
            status = 429
        elif form.is_valid():
            if with_password and not user.check_password(form.cleaned_data["password"]):
                mine.count_delete_failure(account, now=now)
                form.add_error("password", "登录密码不正确。")
            elif not with_password and not _may_close_without_password(user, now):
                form.add_error(None, "为确认是您本人操作，请先退出并重新登录，然后在 10 分钟内注销账号。")
            else:
                kept = mine.delete_account(account, address=throttle.client_ip(request), now=now)
                request.session.flush()  # the one session of the group's hosts: signed out everywhere
                request.user = AnonymousUser()
                request.session[DELETED_KEY] = [{"label": k.label, "reason": k.reason} for k in kept]
                return redirect("accounts:data")
    context = {
        **_chrome(request, ("我的数据", None)),
        "account": account,
        "form": form,
        "with_password": with_password,
        "holders": [h.label for h in personal_data.holders()],
    }
    response = TemplateResponse(request, "accounts/mine/data.html", context, status=status)
    add_never_cache_headers(response)
    return response
