"""The categories of the 政府信息公开目录 (data: `data/disclosure_categories.json`). Pages (articles and
policies) store a category code in `disclosure_category`; a page that names none falls in the category of its
column's type, if any."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

DATA = Path(__file__).parent / "data" / "disclosure_categories.json"


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    column_types: tuple[str, ...]


@cache
def categories() -> tuple[Category, ...]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))["categories"]
    found = tuple(Category(row["code"], row["name"], tuple(row.get("column_types", ()))) for row in rows)
    codes = [category.code for category in found]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{DATA.name}: a category code appears twice")
    return found


def category_choices() -> list[tuple[str, str]]:
    """The choices of a page's `disclosure_category` (a callable, so the migration does not copy the list)."""
    return [(category.code, category.name) for category in categories()]


def by_code() -> dict[str, Category]:
    return {category.code: category for category in categories()}


def name_of(code: str) -> str:
    category = by_code().get(code)
    return category.name if category else ""


def for_column_type(column_type_name: str) -> str:
    """The category code of pages in a column of this type that name no category themselves ("" if none)."""
    for category in categories():
        if column_type_name in category.column_types:
            return category.code
    return ""


def validate_category(value: str) -> None:
    if value and value not in by_code():
        raise ValidationError(f"“{value}”不是公开目录中的分类。")


def category_field():
    """The `disclosure_category` field of a page that can be listed in the 公开目录."""
    from django.db import models

    return models.CharField(
        "公开目录分类",
        max_length=20,
        blank=True,
        choices=category_choices,
        validators=[validate_category],
        help_text="列入政府信息公开目录的分类。不选则按所在栏目的类型归类（如“通知公告”栏目归入通知公告）。",
    )
