"""Staff second factor (decision 0012): TOTP devices and one-time backup codes from django-otp, and the
middleware that keeps the admin closed until the second step is passed.

- After the password, a person with a confirmed device is sent from every admin URL to the second step
  (`SecondFactorMiddleware`), and counts as nobody outside the admin, until a code from their authenticator
  app or a backup code is accepted; the session is then verified (django-otp's session key) while it lasts.
- A person for whom the predicate named by HUIMIN_SECOND_FACTOR_REQUIRED says so (a dotted path: core imports
  no app) and who has no device is sent to enrolment instead, and reaches nothing else in the admin first.
- Wrong codes are throttled per device by django-otp (1, 2, 4, 8 … seconds before the next try), and
  written to the audit log on the user (`huimin.otp.failed`) and to the `huimin.login` logger.
- Backup codes are shown once and stored only as keyed hashes in django-otp's static tokens.
- `remove_devices` is how an administrator helps a person who lost their phone (`huimin otp-reset`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

import django_otp
import django_otp.middleware
import segno
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from . import throttle

logger = logging.getLogger("huimin.login")

VERIFY = "verify"  # the person has a device: the second step
ENROL = "enrol"  # the person must have a device and has none: enrolment
RESET = "reset"  # an administrator removed a person's devices
DISABLE = "disable"  # a person for whom it is optional turned it off
STEP_VIEWS = {VERIFY: "huimin_otp_verify", ENROL: "huimin_otp_setup"}
# Admin URLs a person between the password and the second step may still open.
OPEN_VIEWS = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}

BACKUP_CODE_COUNT = 10
BACKUP_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/i/l to misread from paper
TOTP_CODE = re.compile(r"[0-9]{6}")
BACKUP_CODE = re.compile(r"[0-9a-z]{10}")
LONGEST_INPUT = 64
ENROLMENT_WINDOW = timedelta(hours=1)  # an unconfirmed secret is replaced after this long

WRONG = "验证码不正确，请核对后重试。"
THROTTLED = "验证码尝试过于频繁，请 {seconds} 秒后再试。"
NO_ENROLMENT = "绑定已过期，请重新扫描二维码。"
REQUIRED = "你的账号必须使用两步验证，不能停用。如更换了手机，请在本页重新绑定。"


@dataclass
class Enrolment:
    device: TOTPDevice
    backup_codes: list[str]


def enabled() -> bool:
    return settings.HUIMIN_SECOND_FACTOR


@functools.cache
def _predicate(path: str):
    return import_string(path)


def is_required(user) -> bool:
    """Whether the person must sign in to the admin with a second factor (superusers when no predicate is
    named)."""
    if not user.is_authenticated:
        return False
    path = getattr(settings, "HUIMIN_SECOND_FACTOR_REQUIRED", "")
    return bool(_predicate(path)(user)) if path else user.is_superuser


def has_device(user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


@dataclass
class Status:
    device: TOTPDevice | None  # the authenticator app's device, if any
    enrolled: bool  # any confirmed device (an app or backup codes)
    required: bool
    backup_codes_left: int


def status(user) -> Status:
    """What the person's 两步验证 page shows."""
    return Status(
        device=TOTPDevice.objects.devices_for_user(user, confirmed=True).first(),
        enrolled=has_device(user),
        required=is_required(user),
        backup_codes_left=StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
    )


def pending_step(user) -> str | None:
    """What a signed-in person must still do before the admin is theirs: VERIFY, ENROL or None."""
    if not enabled() or not user.is_authenticated:
        return None
    is_verified = getattr(user, "is_verified", None)  # installed by django-otp's OTPMiddleware
    if is_verified is not None and is_verified():
        return None
    if has_device(user):
        return VERIFY
    if is_required(user):
        return ENROL
    return None


def normalize_code(value: str) -> str | None:
    """A code as typed (full-width digits from a Chinese input method, spaces, dashes, any case) in its
    canonical form: six digits or a ten-character backup code; None for anything else."""
    if not isinstance(value, str) or len(value) > LONGEST_INPUT:
        return None
    text = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value)).lower()
    return text if TOTP_CODE.fullmatch(text) or BACKUP_CODE.fullmatch(text) else None


def _backup_digest(code: str) -> str:
    """What is stored for a backup code: an HMAC of it under the secret key, cut to the token column."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"otp-backup:{code}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def _new_backup_code() -> str:
    return "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(10))


def format_backup_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def secret_base32(device: TOTPDevice) -> str:
    """The device's secret for typing into an app by hand, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// URI as a QR code, inline SVG drawn here (nothing is fetched, no script)."""
    code = segno.make(device.config_url, error="m")
    svg = code.svg_inline(scale=4, omitsize=True, dark="#000", light="#fff", title="两步验证二维码")
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the URI is drawn as modules, not text


def _person(user):
    """The user model instance behind `request.user` (lazy, and wrapped again by django-otp): Wagtail's audit
    log finds the log model by the instance's class, and would silently skip a lazy object."""
    while isinstance(user, LazyObject):
        user.pk  # noqa: B018 - evaluates the lazy object
        user = user._wrapped
    return user


def _record_failure(user, *, stage: str, method: str, throttled: bool, address: str) -> None:
    logger.warning(
        "second factor failed: account=%r address=%s stage=%s method=%s throttled=%s",
        user.get_username(),
        address,
        stage,
        method,
        throttled,
    )
    log(
        instance=user,
        action="huimin.otp.failed",
        user=user,
        data={"address": address, "stage": stage, "method": method, "throttled": throttled},
    )


def _refusal(device, token: str, now: datetime) -> str | None:
    """Check one token against one device (django-otp counts a failure and throttles); None when accepted,
    else the Chinese reason."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        locked_until = (info or {}).get("locked_until")
        seconds = max(1, int((locked_until - now).total_seconds() + 0.999)) if locked_until else 1
        return THROTTLED.format(seconds=seconds)
    return None if device.verify_token(token) else WRONG


def _replace_backup_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "备用码", "confirmed": True})
    device.token_set.all().delete()
    codes = [_new_backup_code() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_backup_digest(c)) for c in codes)
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return [format_backup_code(code) for code in codes]


def start_enrolment(user, *, now: datetime | None = None) -> TOTPDevice:
    """The person's unconfirmed TOTP device, whose secret the enrolment screen shows: the same one on every
    visit, replaced once it is older than ENROLMENT_WINDOW. Nothing is audited until it is confirmed."""
    now = now or timezone.now()
    pending = TOTPDevice.objects.filter(user=user, confirmed=False)
    pending.filter(created_at__lt=now - ENROLMENT_WINDOW).delete()
    return pending.order_by("pk").first() or TOTPDevice.objects.create(
        user=user, name="身份验证器", confirmed=False
    )


def confirm_enrolment(user, code: str, *, address: str = "", now: datetime | None = None) -> Enrolment:
    """Confirm the person's new device with a code it shows: it replaces any device they had, new backup
    codes are made (returned once, stored hashed), and the enrolment is audited. A wrong code is counted,
    audited and refused."""
    now, user = now or timezone.now(), _person(user)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        refusal = _refusal(device, code, now) if device is not None else NO_ENROLMENT
        if refusal is None:
            TOTPDevice.objects.filter(user=user, confirmed=True).delete()  # the old phone, if any
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_backup_codes(user)
            log(instance=user, action="huimin.otp.enrol", user=user, data={"address": address})
    if refusal is not None:  # outside the transaction, so the counted failure stays counted
        if device is not None:
            _record_failure(user, stage=ENROL, method="totp", throttled=refusal != WRONG, address=address)
        raise ValidationError(refusal, code="otp_refused")
    logger.info("second factor enrolled: account=%r address=%s", user.get_username(), address)
    return Enrolment(device=device, backup_codes=codes)


def verify(user, code: str, *, address: str = "", now: datetime | None = None):
    """The second step: the device that accepts `code` (six digits: the authenticator app; ten characters: a
    backup code, used up). A refusal is counted against the device, audited and raised in Chinese."""
    now, user = now or timezone.now(), _person(user)
    method = "totp" if TOTP_CODE.fullmatch(code) else "backup"
    model, token = (TOTPDevice, code) if method == "totp" else (StaticDevice, _backup_digest(code))
    accepted, refusal = None, WRONG
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            refusal = _refusal(device, token, now)
            if refusal is None:
                accepted = device
                break
        if accepted is not None:
            data = {"address": address, "method": method}
            if method == "backup":
                data["backup_codes_left"] = accepted.token_set.count()
            log(instance=user, action="huimin.otp.verify", user=user, data=data)
    if accepted is None:
        _record_failure(user, stage=VERIFY, method=method, throttled=refusal != WRONG, address=address)
        raise ValidationError(refusal, code="otp_refused")
    logger.info("second factor passed: account=%r address=%s method=%s", user.get_username(), address, method)
    return accepted


def new_backup_codes(user, *, actor) -> list[str]:
    """Replace the person's backup codes with ten new ones (returned once, stored hashed)."""
    user, actor = _person(user), _person(actor)
    with transaction.atomic():
        codes = _replace_backup_codes(user)
        log(instance=user, action="huimin.otp.backup_codes", user=actor)
    return codes


def remove_devices(user, *, actor, reason: str = RESET, address: str = "") -> int:
    """Remove every device of the person: an administrator's reset (a lost phone), or the person turning an
    optional second factor off. Returns how many devices there were; audited either way."""
    user, actor = _person(user), _person(actor)
    if reason == DISABLE and is_required(user):
        raise PermissionDenied(REQUIRED)
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            removed += model.objects.filter(user=user).count()
            model.objects.filter(user=user).delete()
        log(
            instance=user,
            action=f"huimin.otp.{reason}",
            user=actor,
            data={"devices": removed, "address": address},
        )
    logger.warning("second factor %s: account=%r devices=%d", reason, user.get_username(), removed)
    return removed


def provision_totp(user, *, secret: bytes, name: str, actor=None) -> TOTPDevice:
    """Give a person a confirmed TOTP device with a known secret (the demo's documented one); idempotent."""
    user, actor, key = _person(user), _person(actor), secret.hex()
    device = TOTPDevice.objects.filter(user=user, key=key, confirmed=True).first()
    if device is None:
        with transaction.atomic():
            device = TOTPDevice.objects.create(user=user, name=name, key=key, confirmed=True)
            log(instance=user, action="huimin.otp.enrol", user=actor, data={"provisioned": True})
    return device


def mark_verified(request, device) -> None:
    """The session passed the second step with `device`: a new session key (the privilege changed), and
    django-otp's record of the device in the session."""
    request.session.cycle_key()
    django_otp.login(request, device)


def client_address(request) -> str:
    return throttle.client_ip(request)


def step_url(step: str, next_url: str = "") -> str:
    url = reverse(STEP_VIEWS[step])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class OTPMiddleware(django_otp.middleware.OTPMiddleware):
    """django-otp's middleware (`request.user.otp_device`, `request.user.is_verified()`), with `request.user`
    one lazy object around the user, not around Django's own lazy user: Wagtail's audit log looks through one
    lazy object only, and silently skips an entry for anything else (`log(request.user, …)`)."""

    def _verify_user_sync(self, request, user):
        return super()._verify_user_sync(request, _person(user))


async def _anonymous():
    return AnonymousUser()


class SecondFactorMiddleware:
    """Keep the admin closed to a session that has not passed the second step (after django-otp's
    OTPMiddleware): every admin URL but the login, the logout, the step itself and the admin's script
    catalogue and icons redirects to the step; anywhere else the session counts as nobody."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if enabled() and SESSION_KEY in request.session:
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse(self, request):
        step = pending_step(request.user)
        if step is None:
            return None
        if not request.path.startswith(reverse("wagtailadmin_home")):
            request.user = AnonymousUser()
            request.auser = _anonymous
            return None
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = ""
        if name in OPEN_VIEWS or name.startswith("wagtailadmin_password_reset") or name == STEP_VIEWS[step]:
            return None
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else ""
        return redirect(step_url(step, "" if next_url == reverse("wagtailadmin_home") else next_url))
