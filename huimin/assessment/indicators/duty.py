"""值班读网 in the score sheet: the working days of the year on which no one recorded reading one of the
unit's sites (huimin/operations), listed month by month under 日常监管 · 市级检查 and deducted as
`data/duty_reading.json` says (points per day, a cap for the year). A site counts from its first day on the
duty roster; a site that never had one gets a note, not a deduction (there is no day it was due)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.urls import reverse

from huimin.operations import queries as duty_queries

from . import Context, RowResult

RULES = Path(__file__).resolve().parents[1] / "data" / "duty_reading.json"


def rules() -> tuple[str, float, float]:
    """(row source, points per missed day, cap), checked: both amounts are numbers at least 0."""
    data = json.loads(RULES.read_text(encoding="utf-8"))
    each, cap = data.get("each"), data.get("cap")
    for name, value in (("each", each), ("cap", cap)):
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ValueError(f"duty_reading.json: {name} must be a number >= 0")
    return str(data.get("row_source", "city_checks")), float(each), float(cap)


def _days(days) -> str:
    return "、".join(f"{day.month}月{day.day}日" for day in days)


def missed_reading(ctx: Context, result: RowResult, source: str) -> None:
    """Add the unit's missed duty days to the row's evidence, deducted up to the cap."""
    row_source, each, cap = rules()
    if source != row_source or not ctx.sites:
        return
    start = ctx.start.date()
    end = (ctx.end - timedelta(microseconds=1)).date()
    ids = [site.pk for site in ctx.sites]
    missed = duty_queries.missed_days(ids, start, end, ctx.now)
    names = duty_queries.site_names(ids)
    left = cap
    for site_id in ids:
        name = names[site_id]
        if site_id not in missed:
            result.note(f"{name}：尚未安排值班读网，本年度无值班记录可查")
            continue
        days = missed[site_id]
        if not days:
            result.note(
                f"{name}：本年度值班读网没有漏记的工作日", reverse("operations_duty_site", args=[site_id])
            )
            continue
        months: dict[tuple[int, int], list] = {}
        for day in days:
            months.setdefault((day.year, day.month), []).append(day)
        for (year, month), in_month in months.items():
            url = f"{reverse('operations_duty_site', args=[site_id])}?month={year:04d}-{month:02d}"
            text = f"{name} {year}年{month}月值班读网未记录 {len(in_month)} 个工作日：{_days(in_month)}"
            amount = min(each * len(in_month), left)
            if amount > 0:
                left -= amount
                result.deduct(
                    round(amount, 2), f"{text}（每个工作日扣 {each:g} 分，全年最多扣 {cap:g} 分）", url
                )
            else:
                reason = "已达全年扣分上限" if each > 0 else "不扣分"
                result.note(f"{text}（{reason}）", url)
