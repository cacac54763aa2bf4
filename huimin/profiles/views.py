"""我的兴趣与推荐 (/accounts/interests/): consent, the profile with its corrections, clearing it; and the read
beacon every content page sends.

The personal views see only the signed-in citizen's own profile: no URL names an account, so there is no
other profile to ask for. The beacon (`beacon`) records a read for a consenting citizen, after Django's CSRF
check (the token is on the page for them); for everybody else it only adds to the site's anonymous view
counts, which needs no token: nothing personal is written.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Site

from huimin.accounts.access import citizen_required, current_account
from huimin.core import throttle
from huimin.sites import queries as site_queries

from . import popularity, queries, recommender, services
from .enums import InteractionKind
from .forms import ConsentForm, CorrectionForm
from .models import Interaction, Interest, Item
from .rules import rules

MAX_BEACON_BYTES = 512
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
PAGE_ID = re.compile(r"\A[0-9]{1,12}\Z")
NOTICES = {
    "on": "个性化推荐已开启。从现在起，您登录后阅读、搜索、下载和提问的内容会用于为您推荐。",
    "off": "个性化推荐已关闭，从现在起不再记录。已记录的内容仍然保存，您可以在下方清空。",
    "corrected": "兴趣标签已修改，推荐随之更新。",
    "cleared": "兴趣画像和浏览记录已全部清空。",
}


def _now():
    return timezone.now()


def _account(request):
    return request.user.citizen


def _mine_url(status: str, anchor: str = "") -> str:
    return f"{reverse('profiles:mine')}?status={status}{anchor}"


def _trail(*last: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("我的", reverse("accounts:home")), *last]


def _render_mine(request, *, errors=(), status=200):
    account = _account(request)
    now = _now()
    groups, blocked = queries.profile_groups(account, now=now)
    counts = queries.activity_counts(account)
    site = Site.find_for_request(request)
    preview = (
        recommender.recommend(account, site.pk, now=now)
        if site is not None and account.profiling_consent
        else []
    )
    notice = NOTICES.get(request.GET.get("status", "")) if not errors else None
    context = {
        **site_queries.site_chrome(request),
        "account": account,
        "groups": groups,
        "blocked": blocked,
        "activity": queries.recent_activity(account),
        "counts": counts,
        "recorded": sum(counts.values()),
        "has_profile": bool(groups or blocked),
        "preview": preview,
        "notice": notice,
        "errors": list(errors),
        "half_life": rules().half_life_days,
        "kind_labels": dict(InteractionKind.choices),
        "breadcrumbs": _trail(("我的兴趣与推荐", None)),
    }
    return TemplateResponse(request, "profiles/mine.html", context, status=status)


@citizen_required
@require_http_methods(["GET", "HEAD"])
def mine(request):
    return _render_mine(request)


@citizen_required
@require_POST
def consent(request):
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _render_mine(request, errors=form.messages(), status=400)
    on = form.cleaned_data["consent"] == "on"
    services.set_consent(_account(request), on, actor=request.user, now=_now())
    return HttpResponseRedirect(_mine_url("on" if on else "off", "#consent-title"))


@citizen_required
@require_POST
def correct(request):
    form = CorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.correct(
                _account(request), data["what"], data["key"], data["value"], actor=request.user, now=_now()
            )
        except (ValidationError, PermissionDenied) as error:
            form.apply_error(error)
    if form.errors:
        return _render_mine(request, errors=form.messages(), status=400)
    return HttpResponseRedirect(_mine_url("corrected", "#interests-title"))


@citizen_required
@require_http_methods(["GET", "HEAD", "POST"])
def clear(request):
    account = _account(request)
    if request.method == "POST":
        services.clear_profile(account, actor=request.user, now=_now())
        return HttpResponseRedirect(_mine_url("cleared"))
    context = {
        **site_queries.site_chrome(request),
        "account": account,
        "interests": Interest.objects.filter(account=account).count(),
        "interactions": Interaction.objects.filter(account=account).count(),
        "breadcrumbs": _trail(("我的兴趣与推荐", reverse("profiles:mine")), ("清空", None)),
    }
    return TemplateResponse(request, "profiles/clear.html", context)


# --- the beacon ---------------------------------------------------------------------------------------------


def _refuse(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"recorded": False, "error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _csrf_failure(request) -> str:
    """Django's own CSRF check, run here rather than by the middleware (the view is exempt so that an
    anonymous view count needs no token); the reason it failed, or ""."""

    def _checked(request):  # a view the middleware does not see as exempt
        return None

    middleware = CsrfViewMiddleware(lambda req: None)
    response = middleware.process_view(request, _checked, (), {})
    return "" if response is None else "请求来源校验失败，请刷新页面后重试。"


@csrf_exempt
@require_POST
def beacon(request):
    """`POST page=<id>`: the page was read. 200 {"recorded": true|false}; 400 for a malformed body, 413 for
    an oversized one, 404 for a page that is no item of this site, 403 for a consenting citizen's beacon
    without a valid CSRF token (nothing is recorded or counted then)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BEACON_BYTES + 1
    if length > MAX_BEACON_BYTES:
        return _refuse("请求过大。", 413)
    if request.content_type not in FORM_TYPES:
        return _refuse("请求格式不正确。", 400)
    raw = request.POST.get("page", "")
    if not PAGE_ID.match(raw):
        return _refuse("页面编号不正确。", 400)
    site = Site.find_for_request(request)
    item = (
        Item.objects.filter(pk=int(raw), site=site).only("pk", "site_id").first()
        if site is not None
        else None
    )
    if item is None:
        return _refuse("没有这个页面。", 404)
    now = _now()
    account = current_account(request) if request.user.is_authenticated else None
    recorded = False
    if account is not None and account.profiling_consent:
        failure = _csrf_failure(request)
        if failure:
            return _refuse(failure, 403)
        recorded = services.record_page_read(account, item.pk, now=now) is not None
    visitor = request.session.session_key or throttle.client_ip(request)
    popularity.count_view(item.pk, item.site_id, visitor, now=now)
    return JsonResponse({"recorded": recorded})
