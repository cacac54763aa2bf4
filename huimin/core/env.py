"""Strict readers for settings that come from environment variables.

Every reader names the variable in its error, so a bad deployment stops at start-up with a message an
operator can act on instead of failing later in some request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_NOT_SET = object()

DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str, default: Any) -> Any:
        value = self.environ.get(name)
        if value is None:
            if default is _NOT_SET:
                raise ImproperlyConfigured(f"{name} must be set.")
            return default
        return value.strip()

    def str(self, name: str, default: Any = _NOT_SET) -> str:
        return self._raw(name, default)

    def required(self, name: str, *, reject: set[str] = frozenset()) -> str:
        value = self._raw(name, _NOT_SET)
        if not value or value in reject:
            raise ImproperlyConfigured(f"{name} must be set to a real value.")
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        value = self._raw(name, None)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, not {value!r}.")

    def int(self, name: str, default: int | None = None, *, minimum: int | None = None) -> int | None:
        value = self._raw(name, None)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
        return number

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self._raw(name, None)
        if value is None:
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def pairs(self, name: str) -> dict[str, str]:
        """'key=value,key2=value2' as a dict; a malformed item stops the start with the variable named."""
        pairs = {}
        for item in self.list(name):
            key, sep, value = item.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise ImproperlyConfigured(
                    f"{name} must be a list of key=value pairs, e.g. app=secret1,hotline=secret2."
                )
            pairs[key.strip()] = value.strip()
        return pairs

    def path(self, name: str, default: Path) -> Path:
        value = self._raw(name, None)
        return Path(value).expanduser().resolve() if value else default

    def database(self, name: str, default: str) -> dict[str, Any]:
        url = self._raw(name, None) or default
        return parse_database_url(url, name)


def parse_database_url(url: str, name: str = "DATABASE_URL") -> dict[str, Any]:
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must start with sqlite:// or postgres://, not {url.split('://', 1)[0]!r}."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database.")
    if config["ENGINE"].endswith("sqlite3"):
        # WAL lets readers and a writer work at once (web processes beside a task worker);
        # IMMEDIATE transactions take the write lock up front instead of failing on upgrade.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
        }
    return config
