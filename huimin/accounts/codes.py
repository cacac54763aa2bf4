"""Verification codes (验证码): six digits sent to a mobile number or an e-mail address to prove it is the
person's own, for registering, signing in without a password and resetting a password.

- Only a keyed hash of a code is stored (HMAC-SHA256 under the secret key, bound to the address and the
  purpose), so a copy of the table gives no code away and a code for one purpose is no use for another.
- A code lasts HUIMIN_ACCOUNT_CODE_MINUTES and is spent by one use or by HUIMIN_ACCOUNT_CODE_TRIES wrong
  tries; a newer code for the same address and purpose replaces the older ones at once.
- `check` returns its outcome instead of raising, so a wrong try is committed with the caller's transaction
  (or its own): a caller refuses a wrong code after its transaction ends, never by raising inside it, or the
  guesser would get the try back.
- How many codes may be sent, and how often, is decided by the caller (`services.send_code`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from .models import VerificationCode

LENGTH = 6

OK = "ok"
WRONG = "wrong"
MISSING = "missing"
SPENT = "spent"

MESSAGES = {
    MISSING: "验证码已失效或尚未获取，请重新获取验证码。",
    SPENT: "验证码输错次数过多，已经失效，请重新获取验证码。",
}


@dataclass(frozen=True)
class Outcome:
    result: str
    tries_left: int = 0

    @property
    def ok(self) -> bool:
        return self.result == OK

    @property
    def message(self) -> str:
        if self.result == WRONG:
            return f"验证码不正确，还可以再试 {self.tries_left} 次。"
        return MESSAGES.get(self.result, "")


def lifetime() -> timedelta:
    return timedelta(minutes=settings.HUIMIN_ACCOUNT_CODE_MINUTES)


def _digest(address: str, purpose: str, code: str) -> str:
    message = f"huimin.accounts.code:{purpose}:{address}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def normalize(code: str) -> str:
    """A code as typed (full-width digits, spaces) as six ASCII digits, or "" when it is not one."""
    if not isinstance(code, str) or len(code) > 32:
        return ""
    text = "".join(unicodedata.normalize("NFKC", code).split())
    return text if len(text) == LENGTH and text.isascii() and text.isdigit() else ""


def issue(*, address: str, channel: str, purpose: str, now: datetime) -> str:
    """A new code for `address` and `purpose` (older unspent ones stop working); returns the code itself,
    which is never stored."""
    code = f"{secrets.randbelow(10**LENGTH):0{LENGTH}d}"
    with transaction.atomic():
        VerificationCode.objects.filter(
            address=address, purpose=purpose, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        VerificationCode.objects.create(
            channel=channel,
            address=address,
            purpose=purpose,
            code_hash=_digest(address, purpose, code),
            created_at=now,
            expires_at=now + lifetime(),
        )
    return code


def last_sent(address: str, purpose: str) -> datetime | None:
    return (
        VerificationCode.objects.filter(address=address, purpose=purpose)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )


def check(*, address: str, purpose: str, code: str, now: datetime) -> Outcome:
    """Try `code` against the newest code sent to `address` for `purpose`: spent on success, a wrong try
    counted otherwise."""
    tries = settings.HUIMIN_ACCOUNT_CODE_TRIES
    typed = normalize(code)
    with transaction.atomic():
        row = (
            VerificationCode.objects.select_for_update()
            .filter(address=address, purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None or row.used_at is not None or row.expires_at <= now:
            return Outcome(MISSING)
        if row.attempts >= tries:
            return Outcome(SPENT)
        if typed and hmac.compare_digest(row.code_hash, _digest(address, purpose, typed)):
            row.used_at = now
            row.save(update_fields=["used_at"])
            return Outcome(OK)
        row.attempts += 1
        row.save(update_fields=["attempts"])
        left = tries - row.attempts
        return Outcome(WRONG, left) if left > 0 else Outcome(SPENT)


def cleanup(*, now: datetime) -> int:
    """Delete the codes that can no longer be used (expired, spent or used); how many were deleted."""
    deleted, _ = VerificationCode.objects.filter(expires_at__lte=now).delete()
    used, _ = VerificationCode.objects.filter(used_at__isnull=False).delete()
    spent, _ = VerificationCode.objects.filter(attempts__gte=settings.HUIMIN_ACCOUNT_CODE_TRIES).delete()
    return deleted + used + spent
