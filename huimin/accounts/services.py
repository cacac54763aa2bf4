"""Every change to a citizen account's sign-in goes through these functions: sending a code, registering,
signing in (password or code), signing out, resetting the password.

- Nothing tells a stranger whether an address is registered: a code is "sent" for every address (a
  registered address asked to register gets a notice saying so and offering login and reset; an unknown
  address asked for a login or reset code gets nothing), and every refusal reads the same.
- Sending codes is limited per address and per client address (HUIMIN_ACCOUNT_CODES_PER_ADDRESS_HOUR,
  HUIMIN_ACCOUNT_CODES_PER_IP_HOUR) and to one every RESEND_SECONDS per address; wrong passwords per
  account and per client address, with the staff login's numbers (HUIMIN_LOGIN_FAILURES_PER_ACCOUNT,
  HUIMIN_LOGIN_FAILURES_PER_IP, HUIMIN_LOGIN_LOCK_MINUTES) in buckets of their own, so citizens failing from
  a shared address do not lock the staff out.
- Registered, locked and password-reset are written to the audit log (on the user) and to the
  `huimin.accounts` logger with the address masked; sign-in and sign-out are written by core.login's
  receivers like any login. Never a password or a code.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, login, logout, password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail import hooks
from wagtail.log_actions import log

from huimin.core import throttle
from huimin.core.login import IDLE_EXEMPT
from huimin.core.notify import EmailChannel, Notice, SmsChannel

from . import codes, sso, tags, validators
from .enums import AccountKind, CodeChannel, CodePurpose, TagSource
from .models import Account, AccountTag

logger = logging.getLogger("huimin.accounts")

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
REGISTERED = "huimin.accounts.register"
LOCKED_OUT = "huimin.accounts.login_locked"
PASSWORD_RESET = "huimin.accounts.password_reset"  # noqa: S105 - an action name
LOG_ACTIONS = {
    REGISTERED: ("用户注册", "注册了用户账号"),
    LOCKED_OUT: ("用户登录锁定", "因登录失败次数过多被暂停登录"),
    PASSWORD_RESET: ("用户重设密码", "用验证码重设了密码"),
}

CODE_ADDRESS_BUCKET = "account-code-address"
CODE_IP_BUCKET = "account-code-ip"
LOGIN_ACCOUNT_BUCKET = "citizen-login-account"
LOGIN_IP_BUCKET = "citizen-login-ip"
HOUR = timedelta(hours=1)
RESEND_SECONDS = getattr(settings, "HUIMIN_ACCOUNT_CODE_RESEND_SECONDS", 60)
MAX_PASSWORD = 128

PURPOSE_WORDS = {
    CodePurpose.REGISTER: "注册",
    CodePurpose.LOGIN: "登录",
    CodePurpose.RESET: "找回密码",
    CodePurpose.CHANGE: "更换手机或邮箱",
}
WRONG_LOGIN = "手机号码（或邮箱）或密码不正确。"
LOCKED = (
    "登录失败次数过多，为保护账号安全，暂停密码登录 {minutes} 分钟。"
    "您可以改用验证码登录，或通过“忘记密码”重设密码。"
)
STAFF = "这是工作人员的账号，请从管理后台登录（/admin/login/）。本页面供公众注册用户登录。"
TOO_MANY_CODES = "获取验证码过于频繁，请一小时后再试。"
WAIT = "验证码已发送，请 {seconds} 秒后再重新获取。"
NOT_SENT = "验证码发送失败，请稍后重试。"
TAKEN = "该手机号码或邮箱已经注册，请直接登录；如忘记密码，请使用“忘记密码”重设。"
CREDIT_TAKEN = "该统一社会信用代码已注册账号。如需使用，请用注册时的手机号码或邮箱登录或找回密码。"


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


# --- reading ---------------------------------------------------------------------------------------------


def account_for(address: str) -> Account | None:
    """The account whose mobile number or e-mail address is `address` (already normalised)."""
    if not address:
        return None
    query = (
        Account.objects.filter(email__iexact=address)
        if "@" in address
        else Account.objects.filter(mobile=address)
    )
    return query.select_related("user").first()


def password_rules() -> list[str]:
    """What a password must be, in Chinese, from the project's validators."""
    return password_validation.password_validators_help_texts()


def _may_sign_in(account: Account | None) -> bool:
    """An active citizen who is not staff (staff sign in to the admin, never here)."""
    if account is None:
        return False
    user = account.user
    return user.is_active and not user.is_staff and not user.is_superuser


def _usable(account: Account | None) -> bool:
    """… and who has a password to sign in with (an account made through the province's identity service
    may have none until it sets one with a reset code)."""
    return _may_sign_in(account) and account.user.has_usable_password()


def _printable(value: str, limit: int) -> str:
    text = " ".join((value or "").split())
    return "".join(c for c in text if c.isprintable())[:limit]


# --- codes -----------------------------------------------------------------------------------------------


def _deliver(channel: str, notice: Notice) -> None:
    (SmsChannel() if channel == CodeChannel.SMS else EmailChannel()).send(notice)


def _code_notice(address: str, purpose: str, code: str, site_name: str) -> Notice:
    words, minutes = PURPOSE_WORDS[purpose], settings.HUIMIN_ACCOUNT_CODE_MINUTES
    body = f"您的{words}验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人；如非本人操作，请忽略。"
    body += f"（{site_name}）"
    return Notice(to=[address], subject=f"{site_name}{words}验证码", body=body)


def _registered_notice(address: str, site_name: str) -> Notice:
    what = "邮箱" if "@" in address else "手机号码"
    body = (
        f"有人用您的{what}申请注册{site_name}的用户账号，但这个{what}已经注册过，无需再次注册。"
        "请在网站登录页直接登录；如忘记密码，请选择“忘记密码”用验证码重设。如非本人操作，请忽略。"
    )
    return Notice(to=[address], subject=f"{site_name}：您已注册过账号", body=body)


def send_code(
    *, address: str, purpose: str, site_name: str, client_ip: str, now: datetime
) -> tuple[str, str]:
    """Send a code for `purpose` to the mobile number or e-mail address typed as `address`; returns
    (channel, normalised address). The answer is the same whether the address is registered or not."""
    try:
        channel, address = validators.parse_address(address)
    except ValidationError as error:
        raise ValidationError({"address": error.messages}) from None
    last = codes.last_sent(address, purpose)
    if last is not None and (now - last).total_seconds() < RESEND_SECONDS:
        wait = RESEND_SECONDS - int((now - last).total_seconds())
        raise ValidationError(WAIT.format(seconds=max(wait, 1)), code="wait")
    per_ip = settings.HUIMIN_ACCOUNT_CODES_PER_IP_HOUR
    per_address = settings.HUIMIN_ACCOUNT_CODES_PER_ADDRESS_HOUR
    if throttle.exceeded(CODE_IP_BUCKET, client_ip, limit=per_ip, window=HOUR, now=now) or throttle.exceeded(
        CODE_ADDRESS_BUCKET, address, limit=per_address, window=HOUR, now=now
    ):
        logger.warning("code refused, too many: to=%s address=%s", validators.mask(address), client_ip)
        raise ValidationError(TOO_MANY_CODES, code="throttled")
    throttle.hit(CODE_IP_BUCKET, client_ip, limit=per_ip, window=HOUR, now=now)
    throttle.hit(CODE_ADDRESS_BUCKET, address, limit=per_address, window=HOUR, now=now)
    # A code is made for every address, sent or not, so a guess meets the same answers either way.
    code = codes.issue(address=address, channel=channel, purpose=purpose, now=now)
    registered = account_for(address) is not None
    if purpose == CodePurpose.REGISTER:
        notice = (
            _registered_notice(address, site_name)
            if registered
            else _code_notice(address, purpose, code, site_name)
        )
    else:
        notice = _code_notice(address, purpose, code, site_name) if registered else None
    if notice is not None:
        try:
            _deliver(channel, notice)
        except Exception:
            logger.exception("code not sent: to=%s purpose=%s", validators.mask(address), purpose)
            raise ValidationError(NOT_SENT, code="not_sent") from None
    logger.info(
        "code: purpose=%s to=%s address=%s delivered=%s",
        purpose,
        validators.mask(address),
        client_ip,
        notice is not None,
    )
    return channel, address


# --- registering -----------------------------------------------------------------------------------------


@dataclass
class Registration:
    """What a person gives to register. `registration_tags`: (key, value) pairs from the vocabularies (a
    legal person's industry and region); `chosen_tags`: pairs the person chose."""

    address: str
    code: str
    password: str
    kind: str = AccountKind.PERSON
    display_name: str = ""
    org_name: str = ""
    credit_code: str = ""
    registration_tags: list[tuple[str, str]] = field(default_factory=list)
    chosen_tags: list[tuple[str, str]] = field(default_factory=list)


def _new_username() -> str:
    user_model = get_user_model()
    while True:
        username = f"citizen-{secrets.token_hex(8)}"
        if not user_model.objects.filter(username=username).exists():
            return username


def _check_registration(data: Registration, channel: str, address: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.kind not in AccountKind.values:
        errors["kind"] = ["请选择注册类型：自然人或法人。"]
    if data.kind == AccountKind.LEGAL:
        if not _printable(data.org_name, 100):
            errors["org_name"] = ["请填写单位名称（与营业执照或登记证书一致）。"]
        try:
            data.credit_code = validators.validate_credit_code(data.credit_code)
        except ValidationError as error:
            errors["credit_code"] = error.messages
        else:
            if Account.objects.filter(credit_code=data.credit_code).exists():
                errors["credit_code"] = [CREDIT_TAKEN]
        keys = {key for key, _ in data.registration_tags}
        for key, label in (("industry", "所属行业"), ("region", "所在区域")):
            if key not in keys:
                errors[key] = [f"请选择{label}。"]
    for key, value in [*data.registration_tags, *data.chosen_tags]:
        if not tags.is_valid(key, value):
            errors.setdefault(key if key in ("industry", "region") else "tags", []).append("请从列表中选择。")
    if not data.password or len(data.password) > MAX_PASSWORD or "\x00" in data.password:
        errors["password"] = [f"请设置密码（最多 {MAX_PASSWORD} 个字符）。"]
    else:
        probe = get_user_model()(
            username="", email=address if channel == CodeChannel.EMAIL else "", first_name=data.display_name
        )
        try:
            password_validation.validate_password(data.password, probe)
        except ValidationError as error:
            errors["password"] = error.messages
    return errors


def register(
    data: Registration, *, site=None, client_ip: str = "", now: datetime, username: str | None = None
) -> Account:
    """Make an account for a verified address: a Django user that is never staff (a generated username,
    `username` for the demo's accounts), the account with the consent to the current terms, and its
    registration tags. Raises ValidationError by field ("address", "code", "password", …)."""
    try:
        channel, address = validators.parse_address(data.address)
    except ValidationError as error:
        raise ValidationError({"address": error.messages}) from None
    data.display_name = _printable(data.display_name, 60)
    data.org_name = _printable(data.org_name, 100)
    errors = _check_registration(data, channel, address)
    if errors:
        raise ValidationError(errors)
    account, taken = None, False
    with transaction.atomic():
        outcome = codes.check(address=address, purpose=CodePurpose.REGISTER, code=data.code, now=now)
        if outcome.ok:
            try:
                with transaction.atomic():
                    account = _create(data, channel, address, site=site, now=now, username=username)
            except IntegrityError:
                account = None
            taken = account is None
            if account is not None:
                log(
                    instance=account.user,
                    action=REGISTERED,
                    user=account.user,
                    data={
                        "user": account.masked_login(),
                        "kind": account.kind,
                        "site": site.hostname if site else "",
                        "address": client_ip,
                    },
                )
    if not outcome.ok:
        raise ValidationError({"code": [outcome.message]})
    if taken:
        raise ValidationError({"address": [TAKEN]})
    logger.info(
        "registered: account=%s kind=%s login=%s site=%s address=%s",
        account.pk,
        account.kind,
        account.masked_login(),
        site.hostname if site else "",
        client_ip,
    )
    return account


def _create(data: Registration, channel: str, address: str, *, site, now: datetime, username) -> Account:
    if account_for(address) is not None:
        raise IntegrityError("address taken")
    user = get_user_model()(username=username or _new_username(), is_staff=False, is_superuser=False)
    user.set_password(data.password)
    user.save()
    legal = data.kind == AccountKind.LEGAL
    account = Account.objects.create(
        user=user,
        kind=data.kind,
        display_name=data.display_name or (data.org_name if legal else ""),
        mobile=address if channel == CodeChannel.SMS else "",
        mobile_verified_at=now if channel == CodeChannel.SMS else None,
        email=address if channel == CodeChannel.EMAIL else "",
        email_verified_at=now if channel == CodeChannel.EMAIL else None,
        org_name=data.org_name if legal else "",
        credit_code=data.credit_code if legal else "",
        terms_version=settings.HUIMIN_ACCOUNT_TERMS_VERSION,
        terms_accepted_at=now,
        created_at=now,
        registered_site=site,
    )
    pairs = [(k, v, TagSource.REGISTRATION) for k, v in (data.registration_tags if legal else [])]
    pairs += [(k, v, TagSource.CHOSEN) for k, v in data.chosen_tags]
    AccountTag.objects.bulk_create(
        [AccountTag(account=account, key=k, value=v, source=s) for k, v, s in dict.fromkeys(pairs)],
        ignore_conflicts=True,
    )
    return account


# --- signing in and out ----------------------------------------------------------------------------------


def _lock_window() -> timedelta:
    return timedelta(minutes=settings.HUIMIN_LOGIN_LOCK_MINUTES)


def _login_key(identifier: str) -> str:
    """What failures are counted against: the address as normalised, else what was typed, in lower case."""
    try:
        return validators.parse_address(identifier)[1]
    except ValidationError:
        text = identifier if isinstance(identifier, str) else ""
        return "".join(c for c in text.strip().lower() if c.isprintable())[:254]


def is_locked(identifier: str, client_ip: str, *, now: datetime) -> bool:
    window = _lock_window()
    return throttle.exceeded(
        LOGIN_ACCOUNT_BUCKET,
        _login_key(identifier),
        limit=settings.HUIMIN_LOGIN_FAILURES_PER_ACCOUNT,
        window=window,
        now=now,
    ) or throttle.exceeded(
        LOGIN_IP_BUCKET, client_ip, limit=settings.HUIMIN_LOGIN_FAILURES_PER_IP, window=window, now=now
    )


def _count_failure(key: str, account: Account | None, client_ip: str, now: datetime) -> None:
    window = _lock_window()
    per_account, per_ip = settings.HUIMIN_LOGIN_FAILURES_PER_ACCOUNT, settings.HUIMIN_LOGIN_FAILURES_PER_IP
    throttle.hit(LOGIN_ACCOUNT_BUCKET, key, limit=per_account, window=window, now=now)
    throttle.hit(LOGIN_IP_BUCKET, client_ip, limit=per_ip, window=window, now=now)
    shown = validators.mask(key) if key else ""
    logger.warning("citizen login failed: login=%s address=%s", shown, client_ip)
    if is_locked(key, client_ip, now=now):
        logger.warning(
            "citizen login locked for %s minutes: login=%s address=%s",
            settings.HUIMIN_LOGIN_LOCK_MINUTES,
            shown,
            client_ip,
        )
        if account is not None:
            data = {"user": account.masked_login(), "address": client_ip}
            log(instance=account.user, action=LOCKED_OUT, user=None, data=data)


def _staff_user(identifier: str):
    text = (identifier or "").strip()
    if not text or len(text) > 254 or not text.isprintable():  # PostgreSQL refuses NUL in a query
        return None
    user_model = get_user_model()
    user = user_model.objects.filter(username__iexact=text).first()
    if user is None and "@" in text:
        user = user_model.objects.filter(email__iexact=text).first()
    if user is None or (hasattr(user, "citizen") and not (user.is_staff or user.is_superuser)):
        return None
    return user


def authenticate(identifier: str, password: str, *, client_ip: str, now: datetime) -> Account:
    """The account signing in with its mobile number or e-mail address and password. Raises ValidationError:
    locked (too many failures of this login or from this address), staff (a staff user's right password:
    they sign in to the admin), or the one neutral refusal."""
    if is_locked(identifier, client_ip, now=now):
        raise ValidationError(LOCKED.format(minutes=settings.HUIMIN_LOGIN_LOCK_MINUTES), code="locked")
    key = _login_key(identifier)
    password = password if isinstance(password, str) and len(password) <= MAX_PASSWORD else ""
    account = account_for(key)
    if account is not None and account.user.check_password(password):
        if _usable(account):
            return account
        raise ValidationError(STAFF if account.user.is_staff else WRONG_LOGIN, code="refused")
    if account is None:
        staff = _staff_user(identifier)
        if staff is not None and password and staff.check_password(password):
            logger.warning("staff refused at the citizen login: address=%s", client_ip)
            raise ValidationError(STAFF, code="staff")
        if staff is None:
            make_password(password)  # the same work as a real check, so time tells nothing
    _count_failure(key, account, client_ip, now)
    raise ValidationError(WRONG_LOGIN, code="invalid")


def authenticate_with_code(address: str, code: str, *, now: datetime) -> Account:
    """The account signing in with a login code sent to its address. Raises ValidationError on "code"."""
    try:
        _, address = validators.parse_address(address)
    except ValidationError as error:
        raise ValidationError({"address": error.messages}) from None
    outcome = codes.check(address=address, purpose=CodePurpose.LOGIN, code=code, now=now)
    if not outcome.ok:
        raise ValidationError({"code": [outcome.message]})
    account = account_for(address)
    if account is None or not account.user.is_active:
        raise ValidationError({"code": [codes.MESSAGES[codes.MISSING]]})
    if account.user.is_staff or account.user.is_superuser:
        raise ValidationError({"code": [STAFF]})
    return account


def session_seconds() -> int:
    return settings.HUIMIN_ACCOUNT_SESSION_DAYS * 24 * 60 * 60


def log_in(request, account: Account, *, now: datetime, method: str) -> None:
    """Sign the citizen in on this host: a new session key, kept for HUIMIN_ACCOUNT_SESSION_DAYS.

    The staff idle timeout (core.login.IdleTimeoutMiddleware, HUIMIN_SESSION_IDLE_MINUTES) does not apply
    to citizens: their session is marked exempt from it. The session is marked as a citizen's
    (sso.ACCOUNT_KEY)."""
    login(request, account.user, backend=MODEL_BACKEND)
    seconds = session_seconds()
    request.session.set_expiry(seconds)
    request.session[sso.ACCOUNT_KEY] = account.pk
    request.session[IDLE_EXEMPT] = True
    for login_name in (account.mobile, account.email):
        throttle.clear(LOGIN_ACCOUNT_BUCKET, login_name)
    logger.info(
        "citizen login: account=%s method=%s host=%s address=%s",
        account.pk,
        method,
        sso.request_host(request),
        throttle.client_ip(request),
    )


def log_out(request) -> None:
    """Sign out: the session is deleted, so every host of the group that shares it is signed out too."""
    key = request.session.session_key
    logout(request)
    if key:
        sso.forget_tickets(key)


# --- resetting the password ------------------------------------------------------------------------------


def reset_password(*, address: str, code: str, password: str, client_ip: str, now: datetime) -> Account:
    """Set a new password for the account of `address`, proved by a reset code. Every session of the account
    ends (the password is part of each session's hash), and its login lock is lifted. Raises
    ValidationError on "address", "code" or "password"."""
    try:
        _, address = validators.parse_address(address)
    except ValidationError as error:
        raise ValidationError({"address": error.messages}) from None
    account = account_for(address)
    if not password or len(password) > MAX_PASSWORD or "\x00" in password:
        raise ValidationError({"password": [f"请设置新密码（最多 {MAX_PASSWORD} 个字符）。"]})
    try:
        password_validation.validate_password(password, account.user if _may_sign_in(account) else None)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    with transaction.atomic():
        outcome = codes.check(address=address, purpose=CodePurpose.RESET, code=code, now=now)
        if outcome.ok and _may_sign_in(account):
            user = account.user
            user.set_password(password)
            user.save(update_fields=["password"])
            data = {"user": account.masked_login(), "address": client_ip}
            log(instance=user, action=PASSWORD_RESET, user=user, data=data)
    if not outcome.ok:
        raise ValidationError({"code": [outcome.message]})
    if not _may_sign_in(account):
        raise ValidationError({"code": [codes.MESSAGES[codes.MISSING]]})
    throttle.clear(LOGIN_ACCOUNT_BUCKET, address)
    logger.info("password reset: account=%s address=%s", account.pk, client_ip)
    return account
