"""The dictionary as data: its categories (`data/categories.json`), the shipped list (`data/terms.tsv`), the
file format both the shipped list and imports use, and the database's state for the engine's cache.

A terms file is tab-separated, one entry a line, blank lines and lines starting with # skipped:

    term<TAB>suggestion<TAB>category<TAB>severity<TAB>note

Only the term is required. The severity is `veto`/`warn` (or 禁止发布/否决, 提醒确认/提醒; empty: warn), the
category a category's name (empty: 其他表述), which decides whether the term is a wrong expression or a
harmful term. The old two-or-three-column list of the inspection (`wrong<TAB>right[<TAB>veto]`) reads the
same way: a third column "veto" is the severity. A first line 词条<TAB>正确写法… is taken as a header.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from .enums import Severity

DEFAULT_CATEGORY = "其他表述"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 20
TERM_MAX, SUGGESTION_MAX, NOTE_MAX = 100, 200, 500  # as the model's fields
SEVERITY_WORDS = {
    "": Severity.WARN,
    "warn": Severity.WARN,
    "提醒": Severity.WARN,
    "提醒确认": Severity.WARN,
    "警告": Severity.WARN,
    "veto": Severity.VETO,
    "否决": Severity.VETO,
    "禁止发布": Severity.VETO,
    "一票否决": Severity.VETO,
}
HEADER_WORDS = {"词条", "term", "错误写法", "wrong"}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Entry:
    term: str
    kind: str  # "expression" | "harmful"
    severity: str  # "veto" | "warn"
    suggestion: str = ""
    category: str = ""
    note: str = ""


@dataclass(frozen=True)
class Category:
    name: str
    kind: str
    order: int
    description: str = ""


class TermsFileError(ValueError):
    """A terms file that cannot be used; `errors` lists the reasons in Chinese, by line."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        shown = errors[:MAX_ERRORS]
        more = f"；另有 {len(errors) - MAX_ERRORS} 处错误" if len(errors) > MAX_ERRORS else ""
        super().__init__("；".join(shown) + more)


@cache
def shipped_categories() -> tuple[Category, ...]:
    raw = json.loads(files("huimin.safety").joinpath("data/categories.json").read_text(encoding="utf-8"))
    return tuple(Category(c["name"], c["kind"], int(c["order"]), c.get("description", "")) for c in raw)


def decode_terms_file(data: bytes) -> str:
    """The text of an uploaded terms file: at most 5 MB, UTF-8 (with or without BOM) or GBK/GB 18030."""
    from huimin.core.encodings import UndecodableText, decode_text

    if len(data) > MAX_FILE_BYTES:
        raise TermsFileError(["词表文件过大：不能超过 5 MB。"])
    if not data.strip():
        raise TermsFileError(["词表文件是空的。"])
    try:
        text, _encoding = decode_text(data, declared=("gb18030",))
    except UndecodableText:
        raise TermsFileError(["无法识别词表文件的编码，请保存为 UTF-8 或 GBK 编码的文本文件。"]) from None
    return text


def parse_terms(text: str, categories: dict[str, str]) -> list[tuple[int, Entry]]:
    """(line number, entry) for each entry of a terms file; `categories` maps a category's name to its check.
    Every problem is collected with its line number and raised together: nothing of a bad file is used."""
    from .engine import normalise, term_key

    errors: list[str] = []
    found: list[tuple[int, Entry]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.lstrip("\ufeff").rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [field.strip() for field in line.split("\t")]
        if number == 1 and fields[0].lower() in HEADER_WORDS:
            continue
        fields += [""] * (5 - len(fields))
        term, suggestion, category, severity, note = fields[:5]
        where = f"第 {number} 行："
        if len(fields) > 5 and any(fields[5:]):
            errors.append(f"{where}列数过多，应为“词条、正确写法、类别、处理方式、备注”五列，用制表符分隔。")
            continue
        if CONTROL.search(line.replace("\t", "")):
            errors.append(f"{where}含有控制字符，请删除后再导入。")
            continue
        if category.lower() == "veto" and not severity:  # the old format: wrong<TAB>right<TAB>veto
            category, severity = "", "veto"
        category = category or DEFAULT_CATEGORY
        if not term:
            errors.append(f"{where}缺少词条。")
            continue
        if len(term) > TERM_MAX or len(suggestion) > SUGGESTION_MAX or len(note) > NOTE_MAX:
            errors.append(
                f"{where}内容过长：词条不超过 {TERM_MAX} 字，正确写法不超过 {SUGGESTION_MAX} 字，"
                f"备注不超过 {NOTE_MAX} 字。"
            )
            continue
        if len(normalise(term)) < 2:
            errors.append(f"{where}词条“{term[:20]}”过短：至少 2 个字，单字会误报大量正常内容。")
            continue
        if category not in categories:
            errors.append(f"{where}类别“{category[:20]}”不存在，可用的类别：{'、'.join(categories)}。")
            continue
        level = SEVERITY_WORDS.get(severity.lower())
        if level is None:
            errors.append(
                f"{where}处理方式“{severity[:20]}”无法识别，应为“禁止发布”或“提醒确认”（veto 或 warn）。"
            )
            continue
        kind = categories[category]
        key = (term_key(term), kind)
        if key in seen:
            errors.append(f"{where}词条“{term}”与第 {seen[key]} 行重复。")
            continue
        if suggestion and term_key(suggestion) == key[0]:
            errors.append(f"{where}词条“{term}”与其正确写法相同。")
            continue
        seen[key] = number
        found.append((number, Entry(term, kind, level.value, suggestion, category, note)))
    if errors:
        raise TermsFileError(errors)
    return found


@cache
def shipped_entries() -> tuple[Entry, ...]:
    """The shipped list, `data/terms.tsv` (what the data migration loads, and the fallback without a
    database)."""
    text = files("huimin.safety").joinpath("data/terms.tsv").read_text(encoding="utf-8")
    categories = {c.name: c.kind for c in shipped_categories()}
    return tuple(entry for _number, entry in parse_terms(text, categories))


def database_state() -> tuple[object, Callable[[], list[Entry]]] | None:
    """(version, loader of the active entries) of the database's dictionary; None when the database cannot be
    read here (no tables yet, no database access in this context) or holds no term at all yet. The version
    (one aggregate query) moves with every added, changed, removed, switched on or off term; the services also
    drop the cached automaton themselves."""
    from django.db import DatabaseError
    from django.db.models import Count, Max, Q, Sum

    from .models import Term, TermCategory

    try:
        active = Q(active=True)
        terms = Term.objects.aggregate(
            n=Count("id"),
            last=Max("updated_at"),
            top=Max("id"),
            on=Count("id", filter=active),
            ids=Sum("id", filter=active),
        )
        if not terms["n"]:
            return None
        kinds = TermCategory.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    except (DatabaseError, RuntimeError):  # RuntimeError: database access not allowed (pure checks, tests)
        return None
    version = (*terms.values(), kinds["n"], kinds["last"])

    def load() -> list[Entry]:
        rows = Term.objects.filter(active=True).values_list(
            "term", "kind", "severity", "suggestion", "category__name", "note"
        )
        return [Entry(*row) for row in rows.iterator(chunk_size=2000)]

    return version, load
