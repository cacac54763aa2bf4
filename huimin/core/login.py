"""Staff login and sessions: lockout after repeated failures, every login, logout and failure audited,
an idle timeout and an absolute session lifetime, and a password policy.

- Failures are counted per account and per client address in `throttle` (HMAC-keyed, nothing in the clear).
  With HUIMIN_LOGIN_FAILURES_PER_ACCOUNT failures of one account, or HUIMIN_LOGIN_FAILURES_PER_IP from one
  address, within HUIMIN_LOGIN_LOCK_MINUTES, the login form refuses that account (or address), even with the
  right password, until the oldest failure is that old; `huimin login-unlock` lifts it at once.
- `user_logged_in`, `user_logged_out` and `user_login_failed` are written to the audit log (an entry on the
  user's history, action `huimin.login` …) and to the `huimin.login` logger, with the client address.
- `IdleTimeoutMiddleware` logs a person out after HUIMIN_SESSION_IDLE_MINUTES without a request;
  SESSION_COOKIE_AGE (HUIMIN_SESSION_MAX_HOURS) ends every session, however busy.
- Passwords: at least HUIMIN_PASSWORD_MIN_LENGTH characters of three classes, and none of the last
  HUIMIN_PASSWORD_HISTORY (`PasswordHistoryValidator`, hashes kept in `PreviousPassword`).
- The second step after the password (TOTP, backup codes) is `core.otp`.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, logout, password_validation
from django.contrib.auth.hashers import check_password
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from wagtail.admin.forms.auth import LoginForm
from wagtail.log_actions import log

from . import throttle
from .models import PreviousPassword

logger = logging.getLogger("huimin.login")
ACCOUNT_BUCKET = "login-account"
ADDRESS_BUCKET = "login-ip"
LOCKED = (
    "登录失败次数过多，为保护账号安全，暂停登录 {minutes} 分钟。"
    "如需立即解锁，请联系平台管理员（huimin login-unlock）。"
)
LAST_SEEN = "huimin_last_seen"
# A session marked with this key (a citizen's, kept for days) is not logged out when idle.
IDLE_EXEMPT = "huimin_idle_exempt"


def _window() -> timedelta:
    return timedelta(minutes=settings.HUIMIN_LOGIN_LOCK_MINUTES)


def _account(username: str) -> str:
    return (username or "").strip().lower()


def is_locked(username: str, address: str, *, now=None) -> bool:
    """Whether the account or the address has used up its failures in the window."""
    window = _window()
    return throttle.exceeded(
        ACCOUNT_BUCKET,
        _account(username),
        limit=settings.HUIMIN_LOGIN_FAILURES_PER_ACCOUNT,
        window=window,
        now=now,
    ) or throttle.exceeded(
        ADDRESS_BUCKET, address, limit=settings.HUIMIN_LOGIN_FAILURES_PER_IP, window=window, now=now
    )


def unlock(username: str = "", address: str = "") -> int:
    """Forget the failures of an account and/or an address; returns how many were forgotten."""
    removed = 0
    if username:
        removed += throttle.clear(ACCOUNT_BUCKET, _account(username))
    if address:
        removed += throttle.clear(ADDRESS_BUCKET, address)
    return removed


class StaffLoginForm(LoginForm):
    """Wagtail's login form, refusing a locked account or address before any password is checked."""

    def clean(self):
        username = self.cleaned_data.get("username", "")
        address = throttle.client_ip(self.request) if self.request else ""
        if is_locked(username, address):
            logger.warning("login refused, locked: account=%r address=%s", _account(username), address)
            raise ValidationError(LOCKED.format(minutes=settings.HUIMIN_LOGIN_LOCK_MINUTES), code="locked")
        return super().clean()


def _address(request) -> str:
    return throttle.client_ip(request) if request is not None else ""


@receiver(user_login_failed, dispatch_uid="huimin_login_failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    username = _account(credentials.get("username", ""))
    address = _address(request)
    window = _window()
    throttle.hit(ACCOUNT_BUCKET, username, limit=settings.HUIMIN_LOGIN_FAILURES_PER_ACCOUNT, window=window)
    throttle.hit(ADDRESS_BUCKET, address, limit=settings.HUIMIN_LOGIN_FAILURES_PER_IP, window=window)
    logger.warning("login failed: account=%r address=%s", username, address)
    user = get_user_model().objects.filter(username__iexact=username).first() if username else None
    if user is not None:
        log(instance=user, action="huimin.login_failed", user=None, data={"address": address})


@receiver(user_logged_in, dispatch_uid="huimin_logged_in")
def _record_login(sender, request, user, **kwargs):
    address = _address(request)
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
    logger.info("login: account=%r address=%s", user.get_username(), address)
    log(instance=user, action="huimin.login", user=user, data={"address": address})


@receiver(user_logged_out, dispatch_uid="huimin_logged_out")
def _record_logout(sender, request, user, **kwargs):
    if user is None:
        return
    address = _address(request)
    idle = bool(getattr(request, "huimin_idle_logout", False))
    logger.info("logout: account=%r address=%s idle=%s", user.get_username(), address, idle)
    log(instance=user, action="huimin.logout", user=user, data={"address": address, "idle": idle})


class IdleTimeoutMiddleware:
    """Log out a person who made no request for HUIMIN_SESSION_IDLE_MINUTES (after AuthenticationMiddleware).
    The time of the last request is written at most once a minute, not on every request. Sessions marked
    `IDLE_EXEMPT` (citizens', which last HUIMIN_ACCOUNT_SESSION_DAYS) are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.session.get(IDLE_EXEMPT):
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.HUIMIN_SESSION_IDLE_MINUTES * 60:
                request.huimin_idle_logout = True
                logout(request)
            elif last is None or now - last >= 60:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in Chinese (Django's own translation of it does not apply)."""

    def get_error_message(self):
        return f"密码太短：至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """A password mixes at least `classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password, user=None):
        kinds = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(kinds) < self.classes:
            raise ValidationError(self.get_help_text(), code="password_classes")

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.classes} 种。"


class PasswordHistoryValidator:
    """None of a person's last `count` passwords again. Each password set is recorded (its hash, as stored on
    the user) when the user is saved (Django calls `password_changed`); only the newest `count` are kept.
    Accounts made with `create_user` (createsuperuser, scripts) record nothing at first, so the first time a
    new password is checked for a person with no history, their current password is recorded first."""

    def __init__(self, count: int = 5):
        self.count = count

    def _newest(self, user):
        return PreviousPassword.objects.filter(user=user).order_by("-set_at", "-pk")

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = list(self._newest(user)[: self.count].values_list("password", flat=True))
        if not hashes and user.has_usable_password():
            PreviousPassword.objects.create(user=user, password=user.password, set_at=timezone.now())
            hashes = [user.password]
        elif user.has_usable_password() and user.password not in hashes:
            hashes = [user.password, *hashes[: self.count - 1]]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(self.get_error_message(), code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not user.has_usable_password():
            return
        with transaction.atomic():
            PreviousPassword.objects.create(user=user, password=user.password, set_at=timezone.now())
            stale = list(self._newest(user)[self.count :].values_list("pk", flat=True))
            PreviousPassword.objects.filter(pk__in=stale).delete()

    def get_error_message(self):
        return f"不能使用最近 {self.count} 次用过的密码，请换一个新密码。"

    def get_help_text(self):
        return f"不能与最近 {self.count} 次用过的密码相同。"
