"""Signing in through the province's identity service (江苏政务服务网统一身份认证) by OpenID Connect.

mozilla-django-oidc does the protocol (decision 0022): the authorization request with `state`, `nonce` and
PKCE, the code exchanged at the token endpoint, the ID token's signature checked against the provider's keys,
the nonce compared with the one kept in the session. This module adds what a government site group needs:

- `setting(name)`: every OIDC setting with a default, so nothing breaks (and nothing is fetched) when the
  deployment sets only HUIMIN_OIDC_ISSUER and the client's id and secret: each endpoint defaults to the
  issuer's usual path (`ENDPOINT_PATHS`); a province whose paths differ sets each endpoint's variable.
- `AccountOIDCBackend`: the ID token must also come from the configured issuer for this client (`iss`,
  `aud`, `azp`), and the user-info subject must be the token's. The person is found by (issuer, subject) on
  `Account`; a verified mobile number or e-mail address from the province links an existing account that
  has the same verified address and no other subject; otherwise a new account is made. A staff user is never
  signed in this way, whatever the claims say.
- `sign_in_with_claims`: that finding, linking or making, in one transaction, audit-logged.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from wagtail import hooks
from wagtail.log_actions import log

from .enums import AccountKind
from .models import Account

logger = logging.getLogger("huimin.accounts.oidc")

# Each endpoint's default: the issuer and the path most providers built on common OIDC servers use.
ENDPOINT_PATHS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "/oauth2/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "/oauth2/token",
    "OIDC_OP_USER_ENDPOINT": "/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "/jwks",
}
DEFAULTS = {
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid profile phone email",
    "OIDC_USE_NONCE": True,
    "OIDC_USE_PKCE": True,
    "OIDC_TIMEOUT": 10,
    "OIDC_VERIFY_SSL": True,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_CREATE_USER": True,
    # mozilla-django-oidc's URL names live in the accounts namespace here.
    "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:oidc_authentication_callback",
}
_MISSING = object()
# What goes wrong in a sign-in (the provider unreachable or refusing the code, a bad token): a failed login.
REFUSALS = (requests.RequestException, jwt.PyJWTError, SuspiciousOperation, ValueError, KeyError)
LINK = "huimin_accounts.oidc_link"
REGISTER = "huimin_accounts.oidc_register"
LOG_ACTIONS = {
    REGISTER: ("统一身份认证注册", "通过统一身份认证首次登录，创建了账号"),
    LINK: ("关联统一身份认证", "已有账号关联了统一身份认证"),
}
MOBILE = re.compile(r"\A1[3-9][0-9]{9}\Z")
EMAIL = re.compile(r"\A[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,60}\Z")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@hooks.register("register_log_actions")
def register_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


def issuer() -> str:
    return (getattr(settings, "HUIMIN_OIDC_ISSUER", "") or "").rstrip("/")


def configured() -> bool:
    """Whether the deployment signs in through an OIDC provider (an issuer and a client id are set)."""
    return bool(issuer() and getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def label() -> str:
    return getattr(settings, "HUIMIN_OIDC_LABEL", "") or "统一身份认证"


def setting(name: str, *default):
    """An OIDC setting: the deployment's value, else the issuer's usual path for an endpoint, else Huimin's
    default, else `default`."""
    value = getattr(settings, name, _MISSING)
    if value is not _MISSING and value not in ("", None):
        return value
    if name in ENDPOINT_PATHS:  # nothing to call when no issuer is set: the views answer 404 then
        return issuer() + ENDPOINT_PATHS[name] if issuer() else ""
    if name in DEFAULTS:
        return DEFAULTS[name]
    if default:
        return default[0]
    if value is not _MISSING:
        return value
    raise ImproperlyConfigured(f"缺少统一身份认证设置 {name}。")


# --- claims -> account ---------------------------------------------------------------------------------


def _text(value, limit: int) -> str:
    return CONTROL.sub("", str(value or "")).strip()[:limit]


def _mobile(claims: dict) -> str:
    raw = re.sub(r"[\s\-()]", "", _text(claims.get("phone_number"), 40))
    raw = raw.removeprefix("+86").removeprefix("0086")
    return raw if MOBILE.match(raw) else ""


def _email(claims: dict) -> str:
    raw = _text(claims.get("email"), 254).lower()
    return raw if EMAIL.match(raw) else ""


def _verified(claims: dict, name: str) -> bool:
    value = claims.get(f"{name}_verified")
    return value is True or str(value).lower() == "true"


def _username(iss: str, sub: str) -> str:
    return "oidc-" + hashlib.sha256(f"{iss}|{sub}".encode()).hexdigest()[:24]


def _is_staff(user) -> bool:
    return user.is_staff or user.is_superuser


def _title(account: Account) -> str:
    return f"用户账号 {account.pk}"


def _linkable(field: str, value: str) -> Account | None:
    """The one account whose verified `field` is `value`, not bound to another subject, not staff."""
    if not value:
        return None
    verified = {f"{field}_verified_at__isnull": False}
    found = list(
        Account.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(**{field: value}, oidc_subject="", **verified)[:2]
    )
    if len(found) != 1 or _is_staff(found[0].user):
        return None
    return found[0]


def sign_in_with_claims(claims: dict, *, iss: str, now: datetime, site=None):
    """The user to sign in for verified claims from issuer `iss` (`sub` required): its account found by
    (issuer, subject), or linked by a verified mobile number or e-mail address, or made. None for a staff
    user or an inactive one."""
    sub = _text(claims.get("sub"), 255)
    if not sub or not iss:
        raise SuspiciousOperation("统一身份认证未提供用户标识。")
    mobile, email = _mobile(claims), _email(claims)
    mobile_ok, email_ok = mobile and _verified(claims, "phone_number"), email and _verified(claims, "email")
    name = _text(claims.get("name") or claims.get("preferred_username") or claims.get("nickname"), 60)
    with transaction.atomic():
        account = (
            Account.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(oidc_issuer=iss, oidc_subject=sub)
            .first()
        )
        if account is not None:
            if _is_staff(account.user) or not account.user.is_active:
                return None
            if not account.display_name and name:
                account.display_name = name
                account.save(update_fields=["display_name"])
            return account.user
        account = (_linkable("mobile", mobile) if mobile_ok else None) or (
            _linkable("email", email) if email_ok else None
        )
        if account is not None:
            if not account.user.is_active:
                return None
            account.oidc_issuer, account.oidc_subject = iss, sub
            account.save(update_fields=["oidc_issuer", "oidc_subject"])
            log(instance=account, action=LINK, user=account.user, title=_title(account),
                data={"source": iss}, timestamp=now)  # fmt: skip
            return account.user
        account = _new_account(sub, iss, name, mobile, mobile_ok, email, email_ok, now, site)
        log(instance=account, action=REGISTER, user=account.user, title=_title(account),
            data={"source": iss}, timestamp=now)  # fmt: skip
        return account.user


def _new_account(sub, iss, name, mobile, mobile_ok, email, email_ok, now, site) -> Account:
    """A new natural person's account. A mobile number or e-mail address another account uses is left out
    (the province's word does not move it from that account)."""
    if mobile and Account.objects.filter(mobile=mobile).exists():
        mobile = ""
    if email and Account.objects.filter(email=email).exists():
        email = ""
    user = get_user_model().objects.create_user(_username(iss, sub), email="", password=None)
    try:
        with transaction.atomic():
            return Account.objects.create(
                user=user,
                kind=AccountKind.PERSON,
                display_name=name,
                mobile=mobile,
                mobile_verified_at=now if mobile and mobile_ok else None,
                email=email,
                email_verified_at=now if email and email_ok else None,
                terms_version=getattr(settings, "HUIMIN_ACCOUNT_TERMS_VERSION", ""),
                terms_accepted_at=now,
                oidc_issuer=iss,
                oidc_subject=sub,
                created_at=now,
                registered_site=site,
            )
    except IntegrityError:  # an address taken meanwhile: the account without it
        return Account.objects.create(
            user=user, kind=AccountKind.PERSON, display_name=name,
            terms_version=getattr(settings, "HUIMIN_ACCOUNT_TERMS_VERSION", ""), terms_accepted_at=now,
            oidc_issuer=iss, oidc_subject=sub, created_at=now, registered_site=site,
        )  # fmt: skip


# --- the backend ---------------------------------------------------------------------------------------


class AccountOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, bound to citizen accounts. Answers only the callback of an
    authorization it started (the call carries the session's nonce); never signs in a staff user."""

    def __init__(self, *args, **kwargs):
        self.OIDC_OP_TOKEN_ENDPOINT = setting("OIDC_OP_TOKEN_ENDPOINT", "")
        self.OIDC_OP_USER_ENDPOINT = setting("OIDC_OP_USER_ENDPOINT", "")
        self.OIDC_OP_JWKS_ENDPOINT = setting("OIDC_OP_JWKS_ENDPOINT", None)
        self.OIDC_RP_CLIENT_ID = setting("OIDC_RP_CLIENT_ID", "")
        self.OIDC_RP_CLIENT_SECRET = setting("OIDC_RP_CLIENT_SECRET", "")
        self.OIDC_RP_SIGN_ALGO = setting("OIDC_RP_SIGN_ALGO")
        self.OIDC_RP_IDP_SIGN_KEY = setting("OIDC_RP_IDP_SIGN_KEY", None)
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr, *args):
        return setting(attr, *args)

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not configured():
            return None  # a password login, or OIDC not in use: not this backend's business
        try:
            return super().authenticate(request, **kwargs)
        except REFUSALS as error:
            logger.warning("OIDC sign-in refused: %s: %s", type(error).__name__, error)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (user info sent as a JWT is checked by signature only)
            self._check_audience(payload)
        return payload

    def retrieve_matching_jwk(self, token):
        """The provider's key for the token: by its `kid`; a token without one (a provider with a single
        signing key may leave it out) takes the one signing key of its algorithm, or none."""
        header = jwt.get_unverified_header(token)
        if header.get("kid"):
            return super().retrieve_matching_jwk(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=setting("OIDC_VERIFY_SSL"),
            timeout=setting("OIDC_TIMEOUT"),
            proxies=setting("OIDC_PROXY", None),
        )
        response.raise_for_status()
        family = str(header.get("alg", ""))[:2]
        kty = {"RS": "RSA", "PS": "RSA", "ES": "EC"}.get(family)
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("kty") == kty
            and key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("No single signing key for a token without a key id.")
        return jwt.PyJWK(keys[0])

    def _check_audience(self, payload: dict) -> None:
        if str(payload.get("iss", "")).rstrip("/") != issuer():
            raise SuspiciousOperation("ID token from another issuer.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client.")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token authorised for another party.")
        if not payload.get("sub"):
            raise SuspiciousOperation("ID token without a subject.")

    def get_or_create_user(self, access_token, id_token, payload):
        info = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("User info for another subject.")
        claims = {**{k: payload[k] for k in ("name", "phone_number", "email") if k in payload}, **info}
        from wagtail.models import Site

        site = Site.find_for_request(self.request) if self.request is not None else None
        return sign_in_with_claims(claims, iss=issuer(), now=timezone.now(), site=site)

    def filter_users_by_claims(self, claims):  # mozilla's e-mail matching is never used here
        return self.UserModel.objects.none()

    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is None or not self.user_can_authenticate(user) or _is_staff(user):
            return None
        return user
