"""The display mode of a request, and the links that switch it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .enums import MODE_COOKIE, Mode


def mode_of(request) -> Mode:
    value = request.COOKIES.get(MODE_COOKIE, "")
    return Mode(value) if value in Mode.values else Mode.STANDARD


def safe_next(request, candidate: str | None) -> str:
    """Where to go back to after switching: a path on this host, never another site."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def switch_url(mode: Mode, next_path: str) -> str:
    return f"{reverse('accessibility:mode', args=[mode.value])}?{urlencode({'next': next_path})}"
