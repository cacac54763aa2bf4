"""Sensitive words (as data): a letter that contains one is flagged for review, never dropped."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from django.conf import settings

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "sensitive_words.txt"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


@lru_cache(maxsize=4)
def _words(path: str) -> tuple[str, ...]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return tuple(sorted({_fold(line.strip()) for line in lines if line.strip() and not line.startswith("#")}))


def words() -> tuple[str, ...]:
    return _words(str(getattr(settings, "HUIMIN_SENSITIVE_WORDS_FILE", "") or DEFAULT_FILE))


def found_in(*texts: str) -> list[str]:
    """The sensitive words the texts contain."""
    folded = " ".join(_fold(text) for text in texts)
    return [word for word in words() if word in folded]
