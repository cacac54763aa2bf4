"""Rate limits shared by every process: in the database (no cache server is needed), or in Redis when
REDIS_URL is set, so that several app servers count together without a database write for each attempt.

`hit` records one attempt and says whether it is within the limit; `exceeded` only looks; `clear` forgets a
key (an administrator lifting a lock). Keys are HMAC-hashed with the secret key, so neither store holds an
address or a number in the clear. In the database each new attempt deletes the bucket's rows that have left
the window, so the table stays small without a cleaning job. In Redis each key is a sorted set of its
attempts' times, trimmed and checked in one script (atomic, so two app servers cannot both take the last
attempt) and expiring with its window; unlike a row, an attempt counted there stays counted when the
caller's transaction rolls back, and a restart of Redis without persistence forgets the counts.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from . import redisconn
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
    if _redis_url():
        return _redis_count(bucket, _hash(key), window, now) >= limit
    return _recent(bucket, _hash(key), window, now).count() >= limit


def hit(bucket: str, key: str, *, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Count one attempt by `key`; False (and nothing counted) when it already used its limit."""
    if not key:
        return True
    now = now or timezone.now()
    key_hash = _hash(key)
    if _redis_url():
        return _redis_hit(bucket, key_hash, limit, window, now)
    Attempt.objects.filter(bucket=bucket, at__lte=now - window).delete()
    if _recent(bucket, key_hash, window, now).count() >= limit:
        return False
    Attempt.objects.create(bucket=bucket, key_hash=key_hash, at=now)
    return True


def clear(bucket: str, key: str) -> int:
    """Forget every attempt of `key` in `bucket` (an administrator lifting a lock); how many there were."""
    if not key:
        return 0
    if _redis_url():
        return _redis_clear(bucket, _hash(key))
    deleted, _ = Attempt.objects.filter(bucket=bucket, key_hash=_hash(key)).delete()
    return deleted


# --- Redis ------------------------------------------------------------------------------------------------
REDIS_PREFIX = "huimin:throttle"
# KEYS[1] the key's set; ARGV: now and the window's start (seconds), the limit, the expiry (ms), a member.
_HIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
    return 0
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""


def _redis_url() -> str:
    return getattr(settings, "REDIS_URL", "")


_scripts: dict = {}


def _hit_script():
    client = redisconn.client()
    if client not in _scripts:
        _scripts[client] = client.register_script(_HIT)
    return _scripts[client]


def _redis_key(bucket: str, key_hash: str) -> str:
    return f"{REDIS_PREFIX}:{bucket}:{key_hash}"


def _redis_hit(bucket: str, key_hash: str, limit: int, window: timedelta, now: datetime) -> bool:
    stamp, seconds = now.timestamp(), window.total_seconds()
    member = f"{stamp:.6f}:{secrets.token_hex(4)}"
    expiry_ms = int(seconds * 1000) + 1000
    allowed = _hit_script()(
        keys=[_redis_key(bucket, key_hash)], args=[stamp, stamp - seconds, limit, expiry_ms, member]
    )
    return bool(allowed)


def _redis_count(bucket: str, key_hash: str, window: timedelta, now: datetime) -> int:
    start = now.timestamp() - window.total_seconds()
    return redisconn.client().zcount(_redis_key(bucket, key_hash), f"({start}", "+inf")


def _redis_clear(bucket: str, key_hash: str) -> int:
    key = _redis_key(bucket, key_hash)
    with redisconn.client().pipeline() as pipe:  # MULTI … EXEC
        count, _ = pipe.zcard(key).delete(key).execute()
    return count


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
