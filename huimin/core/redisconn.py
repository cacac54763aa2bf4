"""The process's Redis client for REDIS_URL, for what Django's cache API cannot say (rate limits' sorted sets
in throttle.py, the replica's fence in dbrouter.py); None when REDIS_URL is not set."""

from __future__ import annotations

import functools

from django.conf import settings


@functools.cache
def _client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)


def client():
    url = getattr(settings, "REDIS_URL", "")
    return _client(url) if url else None
