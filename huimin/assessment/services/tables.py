"""The indicator table of a year: seeded from the method in `data/tables/<year>.json`, copied from one year
to the next, and checked whenever it is saved."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from ..enums import Basis, RowKind, SubmissionKind, UnitClass
from ..models import Indicator, IndicatorTable
from ..queries import is_assessor

DATA = Path(__file__).resolve().parent.parent / "data" / "tables"
SEED_YEAR = 2022
ROW_FIELDS = (
    "kind",
    "group",
    "group_points",
    "name",
    "points",
    "rule",
    "basis",
    "source",
    "sample_size",
    "each",
    "record_hint",
    "zeroes",
)
LOG_ACTIONS = {
    "huimin_assessment.table_seed": ("导入考核指标表", "导入考核指标表"),
    "huimin_assessment.table_copy": ("复制考核指标表", "从上一年复制考核指标表"),
}


def _decimal(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{where}应为数字，而不是“{value}”。") from None
    if number < 0 or number > 1000:
        raise ValidationError(f"{where}应在 0 到 1000 之间。")
    return number


def check_settings(weights, base_counts, adoption_points, assurance_points) -> list[str]:
    """Problems with a table's part weights, base counts and points, in Chinese; empty when right."""
    problems = []
    classes = {str(c): c.label for c in UnitClass}
    if not isinstance(weights, dict):
        return ["各类单位两部分权重应为 JSON 对象。"]
    for key, label in classes.items():
        pair = weights.get(key)
        if not isinstance(pair, dict) or set(pair) != {"evaluation", "assurance"}:
            problems.append(f"权重缺少“{label}”（{key}）的 evaluation 与 assurance。")
            continue
        try:
            total = float(pair["evaluation"]) + float(pair["assurance"])
        except (TypeError, ValueError):
            problems.append(f"“{label}”的权重应为数字。")
            continue
        if abs(total - 1.0) > 1e-6 or min(float(pair["evaluation"]), float(pair["assurance"])) < 0:
            problems.append(f"“{label}”两部分权重之和应为 1（现为 {total:g}）。")
    if not isinstance(base_counts, dict):
        problems.append("信息报送基准条数应为 JSON 对象。")
    else:
        for key, label in classes.items():
            value = base_counts.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                problems.append(f"“{label}”的信息报送基准条数应为正整数。")
    if not isinstance(adoption_points, dict):
        problems.append("采用积分应为 JSON 对象。")
    else:
        for kind in SubmissionKind:
            table = adoption_points.get(str(kind))
            if not isinstance(table, dict):
                problems.append(f"采用积分缺少“{kind.label}”。")
                continue
            for adoption, value in table.items():
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    problems.append(f"“{kind.label}”的“{adoption}”积分应为非负数。")
    pair = assurance_points if isinstance(assurance_points, dict) else {}
    if not all(
        isinstance(pair.get(k), int | float) and not isinstance(pair.get(k), bool) and pair.get(k) >= 0
        for k in ("report", "adoption")
    ):
        problems.append('内容保障两项分值应为 {"report": 30, "adoption": 70} 这样的对象。')
    return problems


def check_rows(rows: list[dict]) -> list[str]:
    """Problems with a table's rows, in Chinese: unknown kinds, bases or sources, and 一级指标 whose rows do
    not add up to their points."""
    from ..indicators import load

    sources = set(load())
    problems, groups = [], {}
    for number, row in enumerate(rows, start=1):
        where = f"第 {number} 行（{row.get('name') or '未命名'}）"
        if row.get("kind") not in RowKind.values:
            problems.append(f"{where}：类别无效。")
        if row.get("basis") not in Basis.values:
            problems.append(f"{where}：计分方式无效。")
        if row.get("basis") == Basis.AUTO and row.get("source") not in sources:
            problems.append(f"{where}：自动计分来源“{row.get('source', '')}”不存在。")
        if not row.get("name") or not row.get("rule"):
            problems.append(f"{where}：缺少名称或评分细则。")
        if row.get("kind") == RowKind.INDICATOR and row.get("group"):
            group = groups.setdefault(row["group"], [Decimal(str(row.get("group_points", 0))), Decimal(0)])
            group[1] += Decimal(str(row.get("points", 0)))
    for name, (declared, total) in groups.items():
        if declared != total:
            problems.append(f"一级指标“{name}”的二级指标分值合计 {total:g}，与其分值 {declared:g} 不符。")
    return problems


def seed_data(year: int = SEED_YEAR) -> dict:
    return json.loads((DATA / f"{year}.json").read_text(encoding="utf-8"))


@transaction.atomic
def create_table(
    year: int, data: dict, *, actor=None, action: str = "huimin_assessment.table_seed"
) -> IndicatorTable:
    """A table for `year` from a method document (the seed's shape). Refused if the year has one already or
    the document has problems."""
    if IndicatorTable.objects.filter(year=year).exists():
        raise ValidationError(f"{year} 年已有考核指标表。")
    rows = list(data.get("indicators", []))
    problems = check_settings(
        data.get("weights"),
        data.get("base_counts"),
        data.get("adoption_points"),
        data.get("assurance_points"),
    ) + check_rows(rows)
    if problems:
        raise ValidationError(problems)
    table = IndicatorTable.objects.create(
        year=year,
        title=data.get("title", "政府网站年度综合考评"),
        source=data.get("source", ""),
        evaluation_cap=_decimal(data.get("evaluation_cap", 100), "评测部分满分"),
        weights=data["weights"],
        base_counts=data["base_counts"],
        adoption_points=data["adoption_points"],
        assurance_points=data["assurance_points"],
    )
    for order, row in enumerate(rows):
        values = {key: row[key] for key in ROW_FIELDS if key in row and row[key] is not None}
        for key in ("group_points", "points", "each"):
            if key in values:
                values[key] = _decimal(values[key], f"第 {order + 1} 行的{key}")
        Indicator.objects.create(table=table, sort_order=order, **values)
    log(table, action, user=actor, data={"year": year, "rows": len(rows)})
    return table


def seed_table(year: int, *, actor=None) -> IndicatorTable:
    """The seeded method (2022) as the table of `year`."""
    return create_table(year, seed_data(), actor=actor)


def table_document(table: IndicatorTable) -> dict:
    """A table as a method document (what `create_table` takes)."""
    rows = []
    for row in table.indicators.all():
        item = {}
        for key in ROW_FIELDS:
            value = getattr(row, key)
            if isinstance(value, Decimal):
                value = float(value)
            if value not in (None, ""):
                item[key] = value
        rows.append(item)
    return {
        "title": table.title,
        "source": table.source,
        "evaluation_cap": float(table.evaluation_cap),
        "weights": table.weights,
        "base_counts": table.base_counts,
        "adoption_points": table.adoption_points,
        "assurance_points": table.assurance_points,
        "indicators": rows,
    }


def copy_table(source: IndicatorTable, year: int, *, actor) -> IndicatorTable:
    """The table of `source`'s year copied to `year`, to be edited there. Assessors only."""
    if not is_assessor(actor):
        raise PermissionDenied("只有考核人员可以复制考核指标表。")
    return create_table(year, table_document(source), actor=actor, action="huimin_assessment.table_copy")
