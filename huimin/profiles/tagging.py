"""Tags of what a citizen reads, downloads, searches or asks, in the keys the profile keeps.

- `describe(page)`: a published item's tags and kind, from `huimin.accounts.content_tags` (the same
  description subscriptions match against), as sorted (key, value) pairs;
- `text_tags(text)`: the tags a query or a question names: a vocabulary value written out, one of its parts
  (“水利” names the topic “农业、林业、水利”), or one of its synonyms (“养老” names 人群 “老年人”).
"""

from __future__ import annotations

import re
import threading
import time

from huimin.accounts import tags as vocabularies
from huimin.accounts.content_tags import content_tags

from .rules import rules

VOCABULARY_SECONDS = 300  # the vocabularies come partly from the database: reread at most this often
PART_SEPARATORS = re.compile(r"[、，,；;/\s]+")
MIN_PART = 2

_lock = threading.Lock()
_cached: tuple[float, list[tuple[str, str, tuple[str, ...]]]] | None = None


def describe(page) -> tuple[list[tuple[str, str]], str]:
    """A page's tags in the profile's keys, as sorted (key, value) pairs, and its kind (policy, news …)."""
    keys = rules().profile_keys
    found = content_tags(page)
    pairs = sorted((key, value) for key in keys for value in found.get(key, ()) if value)
    return pairs, min(found.get("kind", ()), default="")


def _words() -> list[tuple[str, str, tuple[str, ...]]]:
    """(key, value, the words that name it in a text) for every value of every profile key."""
    global _cached
    with _lock:
        if _cached is not None and time.monotonic() - _cached[0] < VOCABULARY_SECONDS:
            return _cached[1]
    keys = set(rules().profile_keys)
    words = []
    for key in vocabularies.keys():  # noqa: SIM118 - a function of the module, not a dict
        if key.key not in keys:
            continue
        for value in key.values:
            parts = [part for part in PART_SEPARATORS.split(value) if len(part) >= MIN_PART]
            named = {value, *(parts if len(parts) > 1 else ()), *key.synonyms.get(value, ())}
            words.append((key.key, value, tuple(sorted(word for word in named if word))))
    with _lock:
        _cached = (time.monotonic(), words)
    return words


def forget_vocabulary() -> None:
    """Reread the vocabularies next time (tests, or after an editor changed them)."""
    global _cached
    with _lock:
        _cached = None


def text_tags(text: str) -> list[tuple[str, str]]:
    if not text:
        return []
    return sorted({(key, value) for key, value, words in _words() if any(word in text for word in words)})
