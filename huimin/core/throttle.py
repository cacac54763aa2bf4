"""Rate limits shared by every process, kept in the database (no cache server is needed).

`hit` records one attempt and says whether it is within the limit; `exceeded` only looks. Keys are
HMAC-hashed with the secret key, so the table holds no address or number in the clear. Each new attempt
deletes the bucket's rows that have left the window, so the table stays small without a cleaning job.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import Attempt


def _hash(key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()


def _recent(bucket: str, key_hash: str, window: timedelta, now: datetime):
    return Attempt.objects.filter(bucket=bucket, key_hash=key_hash, at__gt=now - window)


def exceeded(bucket: str, key: str, *, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Whether `key` already used its `limit` attempts in the last `window`."""
    if not key:
        return False
    now = now or timezone.now()
    return _recent(bucket, _hash(key), window, now).count() >= limit


def hit(bucket: str, key: str, *, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Count one attempt by `key`; False (and nothing counted) when it already used its limit."""
    if not key:
        return True
    now = now or timezone.now()
    key_hash = _hash(key)
    Attempt.objects.filter(bucket=bucket, at__lte=now - window).delete()
    if _recent(bucket, key_hash, window, now).count() >= limit:
        return False
    Attempt.objects.create(bucket=bucket, key_hash=key_hash, at=now)
    return True


def clear(bucket: str, key: str) -> int:
    """Forget every attempt of `key` in `bucket` (an administrator lifting a lock); how many there were."""
    if not key:
        return 0
    deleted, _ = Attempt.objects.filter(bucket=bucket, key_hash=_hash(key)).delete()
    return deleted


def client_ip(request: HttpRequest) -> str:
    """The address the request came from. `X-Forwarded-For` is believed only when the direct peer is one of
    HUIMIN_TRUSTED_PROXIES, and then its right-most address that is not itself a trusted proxy is taken."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.HUIMIN_TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    for candidate in reversed(forwarded):
        if candidate and candidate not in trusted:
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote  # a forged or broken header: count the proxy itself
    return remote
