"""API keys of the data API: issued by platform administrators, they lift the anonymous rate limit.

A key is shown once, when it is issued; only its SHA-256 digest and its first characters (the prefix, to
recognise it in lists and logs) are stored. `key_for` finds the live key a client sent, or None. Issuing
and revoking are the only writes, each checked, in a transaction and written to the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from .models import ApiKey

PREFIX_LENGTH = 8
KEY_BYTES = 32  # 43 URL-safe characters
MAX_KEY_LENGTH = 100  # anything longer is not one of ours; not even hashed
MAX_HOURLY_LIMIT = 1_000_000
REVOKE_ACTION = "wagtail.edit"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _check_actor(actor) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("只有平台管理员可以管理接口密钥。")


@transaction.atomic
def issue_key(
    name: str, *, contact: str = "", hourly_limit: int, actor=None, now: datetime
) -> tuple[ApiKey, str]:
    """A new key for `name`; returns the key and the raw key, which is never stored and cannot be shown
    again. `actor` None is the system (commands, the demo)."""
    _check_actor(actor)
    name, contact = (name or "").strip(), (contact or "").strip()
    if not name:
        raise ValidationError({"name": "请填写使用单位或应用名称。"})
    if not 1 <= int(hourly_limit) <= MAX_HOURLY_LIMIT:
        raise ValidationError({"hourly_limit": f"每小时请求上限须在 1 到 {MAX_HOURLY_LIMIT} 之间。"})
    while True:  # prefixes are unique; a clash among 64**8 is improbable but costs only a retry
        raw = secrets.token_urlsafe(KEY_BYTES)
        if not ApiKey.objects.filter(prefix=raw[:PREFIX_LENGTH]).exists():
            break
    key = ApiKey(
        name=name,
        contact=contact,
        hourly_limit=int(hourly_limit),
        prefix=raw[:PREFIX_LENGTH],
        key_hash=_digest(raw),
        created_at=now,
        created_by=actor,
    )
    key.full_clean()
    key.save()
    log(instance=key, action="wagtail.create", user=actor, data={"prefix": key.prefix})
    return key, raw


@transaction.atomic
def revoke_key(key: ApiKey, *, actor=None, now: datetime) -> ApiKey:
    """Stop a key from working, from now on. Revoking a revoked key changes nothing."""
    _check_actor(actor)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = now
        key.save(update_fields=["revoked_at"])
        log(instance=key, action=REVOKE_ACTION, user=actor, data={"revoked": True, "prefix": key.prefix})
    return key


def key_for(raw: str | None) -> ApiKey | None:
    """The live (not revoked) key whose raw value is `raw`, or None."""
    raw = (raw or "").strip()
    if len(raw) < PREFIX_LENGTH or len(raw) > MAX_KEY_LENGTH:
        return None
    key = ApiKey.objects.filter(prefix=raw[:PREFIX_LENGTH], revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.key_hash, _digest(raw)):
        return None
    return key
