"""Sign-up, sign-in, sign-out and password reset, on every host of the group (/accounts/…).

Each step that sends a code has two screens and works without JavaScript: the first takes the address and
sends the code (发送验证码); the second takes the code and the rest, with a 重新获取验证码 button in the same
form (after the main button, so Enter never resends). A sign-in (or sign-up) on a host other than the hub
ends on a short page that moves the browser on through the hub (`sso`), because a form post may not be
redirected to another host under the pages' Content-Security-Policy.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.models import Site

from huimin.core import throttle
from huimin.sites import queries as site_queries
from huimin.sites.models import SiteIdentity

from .. import services, sso, validators
from ..access import current_account
from ..enums import CodeChannel, CodePurpose
from ..forms import CodeForm, PasswordLoginForm, RegisterForm, ResetForm, StartForm, Step, StepToken

TERMS = Path(__file__).resolve().parent.parent / "data" / "terms.json"
STEP_EXPIRED = "这一步已过期或页面已失效，请重新获取验证码。"
KEEP_ON_RESEND = ("password1", "password2", "code", "token", "step", "csrfmiddlewaretoken", "next")
CODE_PAGES = {
    CodePurpose.REGISTER: "accounts/register.html",
    CodePurpose.LOGIN: "accounts/login.html",
    CodePurpose.RESET: "accounts/reset.html",
}


# --- shared ------------------------------------------------------------------------------------------------


def _target(request) -> sso.Destination:
    raw = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    return sso.destination(request, raw, default=reverse("accounts:home"))


def _page(request, template: str, context: dict, status: int = 200):
    context = {**site_queries.site_chrome(request), **context}
    context.setdefault("login_url", reverse("accounts:login"))
    return TemplateResponse(request, template, context, status=status)


def _site_name(request) -> str:
    site = Site.find_for_request(request)
    name = (
        SiteIdentity.objects.filter(site=site).values_list("site_name", flat=True).first() if site else None
    )
    return name or settings.WAGTAIL_SITE_NAME


def _with_next(url: str, target: sso.Destination, request, **extra) -> str:
    params = {"next": target.url(request), **extra}
    return f"{url}?{urlencode({k: v for k, v in params.items() if v})}"


def _continue(request, url: str):
    """A short page that moves the browser on to `url` (another host) at once, with a link as well."""
    return _page(request, "accounts/continue.html", {"url": url})


def _signed_in(request, target: sso.Destination, *, now):
    """Where a fresh sign-in goes: on the hub, to the page (through that host's login page for another
    host); elsewhere, first to the hub, which takes the session over and sends the browser back."""
    local = _with_next(reverse("accounts:login"), target, request) if target.host else target.path
    if sso.is_hub(request):
        return _continue(request, sso.landing(request, target)) if target.host else redirect(local)
    return _continue(request, sso.check_url(request, sso.Destination("", local), now=now, push=True))


def _code_context(step: Step, token: str, target, request, *, now, notice: str = "", problems=()) -> dict:
    last = services.codes.last_sent(step.address, step.purpose)
    wait = 0 if last is None else max(0, services.RESEND_SECONDS - int((now - last).total_seconds()))
    return {
        "step": step,
        "token": token,
        "masked": validators.mask(step.address),
        "sent": _sent_notice(step),
        "by_sms": step.channel == CodeChannel.SMS,
        "minutes": settings.HUIMIN_ACCOUNT_CODE_MINUTES,
        "per_hour": settings.HUIMIN_ACCOUNT_CODES_PER_ADDRESS_HOUR,
        "wait": wait,
        "notice": notice,
        "problems": list(problems),
        "next": target.url(request),
    }


def _send(request, purpose: str, address: str, *, now) -> tuple[str, str]:
    """Send a code; (notice, problem): what the second screen says, or why the first is shown again."""
    try:
        services.send_code(
            address=address,
            purpose=purpose,
            site_name=_site_name(request),
            client_ip=throttle.client_ip(request),
            now=now,
        )
    except ValidationError as error:
        if getattr(error, "code", "") == "wait":
            return f"验证码已发送，请查收。{error.messages[0].removeprefix('验证码已发送，')}", ""
        return "", " ".join(error.messages)
    return "sent", ""


def _sent_notice(step: Step) -> str:
    """What the second screen says was sent. A login or reset code goes only to a registered address, and the
    screen may not say which addresses are registered: so it says "if"."""
    where = "短信" if step.channel == CodeChannel.SMS else "邮件"
    minutes = settings.HUIMIN_ACCOUNT_CODE_MINUTES
    masked = validators.mask(step.address)
    if step.purpose == CodePurpose.REGISTER:
        return f"验证码已通过{where}发送到 {masked}，{minutes} 分钟内有效。"
    what = "这个号码" if step.channel == CodeChannel.SMS else "这个邮箱"
    return f"如果 {masked} 已注册账号，验证码已通过{where}发送到{what}，{minutes} 分钟内有效。"


def _start_step(request, start: StartForm, purpose: str, *, now, kind: str = ""):
    """The first screen's post: a code sent and the second screen, or the first screen with its errors."""
    address = start.cleaned_data["address"]
    try:
        channel, normalised = validators.parse_address(address)
    except ValidationError as error:
        start.add_error("address", error)
        return None
    notice, problem = _send(request, purpose, address, now=now)
    if problem:
        start.add_error(None, problem)
        return None
    step = Step(address=normalised, channel=channel, purpose=purpose, kind=kind or Step.kind)
    return step, (_sent_notice(step) if notice == "sent" else notice)


def _resend(request, step: Step, *, now) -> tuple[str, list[str]]:
    notice, problem = _send(request, step.purpose, step.address, now=now)
    if problem:
        return "", [problem]
    return (_sent_notice(step).replace("已通过", "已重新通过") if notice == "sent" else notice), []


def _kept(request, form_class, **kwargs):
    """The second screen's form again after a resend, with what was typed (but no password or code)."""
    initial = {k: v for k, v in request.POST.items() if k not in KEEP_ON_RESEND}
    if "agree" in initial:
        initial["agree"] = True
    return form_class(initial=initial, **kwargs)


# --- sign-up -----------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    now, target = timezone.now(), _target(request)
    if current_account(request) is not None:
        return redirect(sso.landing(request, target))
    page = CODE_PAGES[CodePurpose.REGISTER]
    base = {
        "next": target.url(request),
        "login_link": _with_next(reverse("accounts:login"), target, request),
        "restart": _with_next(reverse("accounts:register"), target, request),
    }
    action = request.POST.get("step", "") if request.method == "POST" else ""
    if action in ("", "send"):
        initial = {"kind": request.GET.get("kind", "person")}
        start = StartForm(request.POST or None, initial=initial, with_kind=True)
        if request.method == "GET":
            return _page(request, page, {**base, "start": start})
        if start.is_valid():
            sent = _start_step(request, start, CodePurpose.REGISTER, now=now, kind=start.cleaned_data["kind"])
            if sent is not None:
                step, notice = sent
                context = _code_context(step, StepToken.dumps(step), target, request, now=now, notice=notice)
                return _page(request, page, {**base, **context, "form": RegisterForm(kind=step.kind)})
        return _page(request, page, {**base, "start": start}, status=400)
    token = request.POST.get("token", "")
    step = StepToken.loads(token, CodePurpose.REGISTER)
    if step is None:
        start = StartForm(with_kind=True)
        return _page(request, page, {**base, "start": start, "problems": [STEP_EXPIRED]}, status=400)
    if action == "resend":
        notice, problems = _resend(request, step, now=now)
        form = _kept(request, RegisterForm, kind=step.kind)
        context = _code_context(step, token, target, request, now=now, notice=notice, problems=problems)
        return _page(request, page, {**base, **context, "form": form}, status=400 if problems else 200)
    form = RegisterForm(request.POST, kind=step.kind)
    if form.is_valid():
        try:
            account = services.register(
                form.registration(step),
                site=Site.find_for_request(request),
                client_ip=throttle.client_ip(request),
                now=now,
            )
        except ValidationError as error:
            form.apply_error(error)
        else:
            services.log_in(request, account, now=now, method="register")
            return _signed_in(request, target, now=now)
    context = _code_context(step, token, target, request, now=now)
    return _page(request, page, {**base, **context, "form": form}, status=400)


# --- sign-in -----------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    now, target = timezone.now(), _target(request)
    if current_account(request) is not None:
        return redirect(sso.landing(request, target))
    page = CODE_PAGES[CodePurpose.LOGIN]
    base = {
        "next": target.url(request),
        "register_link": _with_next(reverse("accounts:register"), target, request),
        "reset_link": _with_next(reverse("accounts:reset"), target, request),
        "code_link": _with_next(reverse("accounts:login"), target, request, method="code"),
        "password_link": _with_next(reverse("accounts:login"), target, request),
        "done": request.GET.get("done", ""),
        "direct": request.GET.get(sso.DIRECT) == "1",
    }
    base["restart"] = base["code_link"]
    if request.method == "GET":
        anonymous = not request.user.is_authenticated
        recheck = request.GET.get(sso.RECHECK) == "1" and not sso.is_hub(request)
        direct = request.GET.get(sso.DIRECT) == "1"
        if anonymous and not direct and (recheck or sso.needs_check(request, now=now)):
            here = _with_next(
                reverse("accounts:login"), target, request, method=request.GET.get("method", "")
            )
            return redirect(sso.check_url(request, sso.Destination("", here), now=now))
        if request.GET.get("method") == "code":
            return _page(request, page, {**base, "method": "code", "start": StartForm()})
        return _page(request, page, {**base, "method": "password", "form": PasswordLoginForm()})
    action = request.POST.get("step", "")
    if action == "password":
        form = PasswordLoginForm(request.POST)
        if form.is_valid():
            try:
                account = services.authenticate(
                    form.cleaned_data["login"],
                    form.cleaned_data["password"],
                    client_ip=throttle.client_ip(request),
                    now=now,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                services.log_in(request, account, now=now, method="password")
                return _signed_in(request, target, now=now)
        return _page(request, page, {**base, "method": "password", "form": form}, status=400)
    if action == "send":
        start = StartForm(request.POST)
        if start.is_valid():
            sent = _start_step(request, start, CodePurpose.LOGIN, now=now)
            if sent is not None:
                step, notice = sent
                context = _code_context(step, StepToken.dumps(step), target, request, now=now, notice=notice)
                return _page(request, page, {**base, **context, "method": "code", "form": CodeForm()})
        return _page(request, page, {**base, "method": "code", "start": start}, status=400)
    token = request.POST.get("token", "")
    step = StepToken.loads(token, CodePurpose.LOGIN)
    if step is None:
        context = {**base, "method": "code", "start": StartForm(), "problems": [STEP_EXPIRED]}
        return _page(request, page, context, status=400)
    if action == "resend":
        notice, problems = _resend(request, step, now=now)
        context = _code_context(step, token, target, request, now=now, notice=notice, problems=problems)
        return _page(request, page, {**base, **context, "method": "code", "form": CodeForm()})
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            account = services.authenticate_with_code(step.address, form.cleaned_data["code"], now=now)
        except ValidationError as error:
            form.apply_error(error)
        else:
            services.log_in(request, account, now=now, method="code")
            return _signed_in(request, target, now=now)
    context = _code_context(step, token, target, request, now=now)
    return _page(request, page, {**base, **context, "method": "code", "form": form}, status=400)


# --- sign-out ----------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def logout(request):
    """GET: a button to sign out (or the word that one is signed out); POST (with the CSRF token): signed
    out on every host of the group, and back here to say so."""
    raw = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    target = sso.destination(request, raw, default="/")
    back = target.path if not target.host else "/"
    if request.method == "POST":
        if request.user.is_authenticated:
            services.log_out(request)
        return redirect(f"{reverse('accounts:logout')}?{urlencode({'done': '1', 'next': back})}")
    context = {
        "next": back,
        "signed_in": request.user.is_authenticated,
        "done": request.GET.get("done") == "1",
    }
    return _page(request, "accounts/logout.html", context)


# --- password reset ----------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def reset(request):
    now, target = timezone.now(), _target(request)
    page = CODE_PAGES[CodePurpose.RESET]
    base = {
        "next": target.url(request),
        "login_link": _with_next(reverse("accounts:login"), target, request),
        "restart": _with_next(reverse("accounts:reset"), target, request),
    }
    action = request.POST.get("step", "") if request.method == "POST" else ""
    if action in ("", "send"):
        start = StartForm(request.POST or None)
        if request.method == "GET":
            return _page(request, page, {**base, "start": start})
        if start.is_valid():
            sent = _start_step(request, start, CodePurpose.RESET, now=now)
            if sent is not None:
                step, notice = sent
                context = _code_context(step, StepToken.dumps(step), target, request, now=now, notice=notice)
                return _page(request, page, {**base, **context, "form": ResetForm()})
        return _page(request, page, {**base, "start": start}, status=400)
    token = request.POST.get("token", "")
    step = StepToken.loads(token, CodePurpose.RESET)
    if step is None:
        return _page(request, page, {**base, "start": StartForm(), "problems": [STEP_EXPIRED]}, status=400)
    if action == "resend":
        notice, problems = _resend(request, step, now=now)
        context = _code_context(step, token, target, request, now=now, notice=notice, problems=problems)
        return _page(request, page, {**base, **context, "form": ResetForm()}, status=400 if problems else 200)
    form = ResetForm(request.POST)
    if form.is_valid():
        try:
            services.reset_password(
                address=step.address,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
                client_ip=throttle.client_ip(request),
                now=now,
            )
        except ValidationError as error:
            form.apply_error(error)
        else:
            return redirect(_with_next(reverse("accounts:login"), target, request, done="reset"))
    context = _code_context(step, token, target, request, now=now)
    return _page(request, page, {**base, **context, "form": form}, status=400)


# --- terms ---------------------------------------------------------------------------------------------


@cache
def _terms() -> dict:
    return json.loads(TERMS.read_text(encoding="utf-8"))


def terms_text(version: str | None = None) -> dict:
    """The text of the terms of `version` (the current one, HUIMIN_ACCOUNT_TERMS_VERSION, by default)."""
    version = version or settings.HUIMIN_ACCOUNT_TERMS_VERSION
    texts = _terms()["versions"]
    if version not in texts:
        raise Http404("没有这个版本的用户服务协议。")
    return {"version": version, **texts[version]}


@require_GET
def terms(request):
    return _page(request, "accounts/terms.html", {"terms": terms_text()})
