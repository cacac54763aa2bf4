"""日常监管 · 市级检查: each quarter's bulletin score × 5 %, from an entered score or Huimin's own
季度通报."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from huimin.inspection.models import PeriodReport, Target

from ..models import QuarterBulletin
from . import Context, RowResult, calculator, duty, points

SHARE = 0.05


def quarterly_reports(year: int, now: datetime) -> dict[int, PeriodReport]:
    """Huimin's own 季度通报 of the year made by `now`, by quarter."""
    found = PeriodReport.objects.filter(
        kind=PeriodReport.Kind.QUARTERLY, period__startswith=f"{year}Q", created__lte=now
    )
    return {int(r.period[-1]): r for r in found if r.period[-1] in "1234"}


def quarter_rows(report: PeriodReport | None, sites) -> list[dict]:
    """The rows of a quarterly report for the given sites (a unit's)."""
    if report is None:
        return []
    urls = set(Target.objects.filter(site__in=sites).values_list("url", flat=True))
    return [row for row in report.rows if row.get("url") in urls]


def average(rows: list[dict]) -> float:
    return round(sum(r["average"] for r in rows) / len(rows), 2)


@calculator("city_checks")
def city_checks(ctx: Context, row) -> RowResult:
    high = points(row)
    result = RowResult(0.0)
    entered = {
        b.quarter: b
        for b in QuarterBulletin.objects.filter(unit=ctx.unit, year=ctx.year, entered_at__lte=ctx.now)
    }
    reports = quarterly_reports(ctx.year, ctx.now)
    for quarter in range(1, 5):
        bulletin = entered.get(quarter)
        if bulletin is not None:
            earned = float(bulletin.score) * SHARE
            result.score += earned
            result.note(
                f"第{quarter}季度通报得分 {float(bulletin.score):g}"
                f"（{bulletin.get_source_display()}），计 {earned:g} 分",
                reverse("assessment_bulletins") + f"?year={ctx.year}&unit={ctx.unit.pk}",
            )
            continue
        report = reports.get(quarter)
        found = quarter_rows(report, ctx.sites)
        if found:
            score = average(found)
            earned = score * SHARE
            result.score += earned
            vetoed = "，存在单项否决" if any(r.get("vetoed") for r in found) else ""
            result.note(
                f"第{quarter}季度通报（本平台巡查）平均得分 {score:g}{vetoed}，计 {earned:g} 分",
                reverse("inspection_period", args=[report.pk]) if report else "",
            )
        else:
            result.note(f"第{quarter}季度尚无通报得分，计 0 分")
    result.score = min(result.score, high)
    duty.missed_reading(ctx, result, "city_checks")  # 日巡查: working days without a 值班读网 record
    return result
