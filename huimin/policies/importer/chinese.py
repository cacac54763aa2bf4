"""Chinese text folding shared by the importer stages: traditional → simplified (OpenCC) and spacing."""

from __future__ import annotations

import re
from functools import cache

import opencc

# Ideographic and no-break spaces count as spacing; they are common in pasted government documents.
SPACE_RE = re.compile(r"[\s\u3000\u00a0\ufeff]+")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters folded to simplified ones; simplified text comes back unchanged."""
    return _converter().convert(text) if text else text


def squeeze(text: str) -> str:
    """Trimmed, with every run of spacing made one ordinary space."""
    return SPACE_RE.sub(" ", text).strip()


def strip_spaces(text: str) -> str:
    """Without any spacing at all (for labels written as 索 引 号)."""
    return SPACE_RE.sub("", text)
