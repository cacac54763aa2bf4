"""日常监管 · 市级检查: each quarter's bulletin score × 5 %, from an entered score or Huimin's own
季度通报."""

from __future__ import annotations

from django.urls import reverse

from huimin.inspection.models import PeriodReport, Target

from ..models import QuarterBulletin
from . import Context, RowResult, calculator, points

SHARE = 0.05


@calculator("city_checks")
def city_checks(ctx: Context, row) -> RowResult:
    high = points(row)
    result = RowResult(0.0)
    entered = {
        b.quarter: b
        for b in QuarterBulletin.objects.filter(unit=ctx.unit, year=ctx.year, entered_at__lte=ctx.now)
    }
    urls = set(Target.objects.filter(site__in=ctx.sites).values_list("url", flat=True))
    reports = {
        r.period: r
        for r in PeriodReport.objects.filter(
            kind=PeriodReport.Kind.QUARTERLY, period__startswith=f"{ctx.year}Q", created__lte=ctx.now
        )
    }
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
        report = reports.get(f"{ctx.year}Q{quarter}")
        found = [r for r in (report.rows if report else []) if r.get("url") in urls]
        if found:
            score = sum(r["average"] for r in found) / len(found)
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
    return result
