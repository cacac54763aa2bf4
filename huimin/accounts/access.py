"""Who is the citizen behind a request, and the door of every personal page.

`current_account(request)` is the signed-in citizen's Account, or None (anonymous visitors and staff
without an account). `citizen_required` guards a personal view: an anonymous visitor on a host that has not
asked the hub lately is sent to ask it first (signed in on another host of the group: back here signed in,
without typing anything), then to the login page, and comes back to the page; a signed-in user with no
citizen account (staff) gets 403.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import sso
from .models import Account

NOT_A_CITIZEN = "本页面仅供注册用户使用。工作人员请通过管理后台办理业务。"


def current_account(request) -> Account | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff or user.is_superuser:
        return None
    try:
        return user.citizen
    except Account.DoesNotExist:
        return None


def login_redirect(request, next_path: str | None = None, *, now=None):
    """Send an anonymous visitor to sign in and come back to `next_path` (this page by default): through the
    hub's check when this host has not asked it lately, else straight to the login page."""
    now = now or timezone.now()
    target = sso.Destination("", next_path or request.get_full_path())
    if sso.needs_check(request, now=now):
        return redirect(sso.check_url(request, target, now=now))
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target.path})}")


def citizen_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            next_path = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
            return login_redirect(request, next_path)
        if current_account(request) is None:
            raise PermissionDenied(NOT_A_CITIZEN)
        return view(request, *args, **kwargs)

    return wrapped
