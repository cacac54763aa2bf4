"""Cells of a resource: what each column type accepts, converting a cell to it, and inferring a column's type.

The full converters (`CONVERTERS`) accept the spellings found in government tables (thousands separators,
full-width digits, 2026年1月5日, 是/否); the fast ones (`FAST_CONVERTERS`) try the plain spelling first and
fall back to them. A converter raises ValueError (or OverflowError) for a cell that does not fit.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from .enums import ColumnType

NULL_MARKS = frozenset({"", "-", "--", "—", "——", "－", "/", "／", "…", "N/A", "n/a", "NA", "null", "NULL"})
TRUE_WORDS = frozenset({"是", "true", "yes", "y", "对"})
FALSE_WORDS = frozenset({"否", "false", "no", "n", "错"})
DATE_RE = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
INTEGER_RE = re.compile(r"^[+-]?\d+$")
MAX_INTEGER_DIGITS = 15  # longer digit strings are identifiers (ID card, account numbers): text
BIGINT = 2**63


def cell_text(value) -> str:
    """A cell as text, the way it reads in the file (used for hashing and for text columns)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def to_integer(value) -> int | None:
    """An integer from a cell (thousands separators and full-width digits allowed); ValueError if not."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        if -BIGINT <= value < BIGINT:
            return value
        raise ValueError
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        raise ValueError
    if not isinstance(value, str):
        raise ValueError
    text = value.strip()
    if text in NULL_MARKS:
        return None
    if not INTEGER_RE.match(text):
        text = unicodedata.normalize("NFKC", text).replace(" ", "")
        if THOUSANDS_RE.match(text) and "." not in text:
            text = text.replace(",", "")
        if not INTEGER_RE.match(text):
            raise ValueError
    digits = text.lstrip("+-")
    if len(digits) > MAX_INTEGER_DIGITS or (len(digits) > 1 and digits[0] == "0"):
        raise ValueError
    return int(text)


def to_number(value) -> float | None:
    """A finite number from a cell; ValueError if not."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip()
        if text in NULL_MARKS:
            return None
        if "_" in text:
            raise ValueError
        try:
            number = float(text)
        except ValueError:
            text = unicodedata.normalize("NFKC", text).replace(" ", "")
            if THOUSANDS_RE.match(text):
                text = text.replace(",", "")
            number = float(text)
        if text.lstrip("+-")[:1].isalpha():  # inf, nan, infinity
            raise ValueError
        digits = text.lstrip("+-")
        if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
            raise ValueError
        whole = re.split(r"[.eE]", digits, maxsplit=1)[0]
        if len(whole) > MAX_INTEGER_DIGITS:
            raise ValueError
    else:
        raise ValueError
    if not math.isfinite(number):
        raise ValueError
    return number


def to_date(value) -> date | None:
    """A date from a cell: 2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日, or a spreadsheet date."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            raise ValueError
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError
    text = value.strip()
    if text in NULL_MARKS:
        return None
    found = DATE_RE.match(unicodedata.normalize("NFKC", text) if not text.isascii() else text)
    if not found:
        raise ValueError
    return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))


def to_boolean(value) -> bool | None:
    """是/否, true/false, yes/no; ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise ValueError
    text = value.strip()
    if text in NULL_MARKS and text.lower() not in FALSE_WORDS:
        return None
    lowered = text.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError


def to_text(value) -> str | None:
    if value is None:
        return None
    text = cell_text(value)
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text if text.strip() else None


CONVERTERS: dict[str, Callable] = {
    ColumnType.TEXT: to_text,
    ColumnType.INTEGER: to_integer,
    ColumnType.NUMBER: to_number,
    ColumnType.DATE: to_date,
    ColumnType.BOOLEAN: to_boolean,
}
TYPE_WORDS = {
    ColumnType.INTEGER: "整数",
    ColumnType.NUMBER: "数值",
    ColumnType.DATE: "日期",
    ColumnType.BOOLEAN: "是/否",
    ColumnType.TEXT: "文本",
}


def infer_type(values: Iterable) -> str:
    """The narrowest type every non-empty value fits: boolean, integer, number, date, else text."""
    candidates = [ColumnType.BOOLEAN, ColumnType.INTEGER, ColumnType.NUMBER, ColumnType.DATE]
    seen = False
    for value in values:
        if value is None or (isinstance(value, str) and value.strip() in NULL_MARKS):
            continue
        seen = True
        for candidate in list(candidates):
            try:
                CONVERTERS[candidate](value)
            except (ValueError, OverflowError):
                candidates.remove(candidate)
        if not candidates:
            return ColumnType.TEXT
    if not seen:
        return ColumnType.TEXT
    return candidates[0]


# Fast paths for the common spellings of each type; anything else goes through the full converter.
INTEGER_PLAIN = re.compile(r"-?(?:0|[1-9]\d{0,14})").fullmatch
NUMBER_PLAIN = re.compile(r"-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?").fullmatch
DATE_PLAIN = re.compile(r"\d{4}-\d\d-\d\d").fullmatch
BOOLEAN_WORDS = {"是": True, "否": False, "true": True, "false": False, "TRUE": True, "FALSE": False}


def _fast_integer(value):
    if value.__class__ is str and INTEGER_PLAIN(value):
        return int(value)
    return to_integer(value)


def _fast_number(value):
    if value.__class__ is str and NUMBER_PLAIN(value):
        return float(value)
    return to_number(value)


def _fast_date(value):
    if value.__class__ is str and DATE_PLAIN(value):
        return date.fromisoformat(value)
    return to_date(value)


def _fast_boolean(value):
    found = BOOLEAN_WORDS.get(value) if value.__class__ is str else None
    return found if found is not None else to_boolean(value)


def _fast_text(value):
    if value.__class__ is str:
        if "\x00" in value:
            value = value.replace("\x00", "")
        return value if value and not value.isspace() else None
    return to_text(value)


FAST_CONVERTERS: dict[str, Callable] = {
    ColumnType.TEXT: _fast_text,
    ColumnType.INTEGER: _fast_integer,
    ColumnType.NUMBER: _fast_number,
    ColumnType.DATE: _fast_date,
    ColumnType.BOOLEAN: _fast_boolean,
}
