"""The score sheet of a unit and year, at a moment `now` (the 监测时间点): the 评测 part from the year's
indicator table (automatic rows computed, manual rows from the assessors' findings, outside results entered),
the 内容保障 part from 信息报送 and 采用, each part weighted by the unit's class.

The shape is the `huimin assessment --json` contract (docs/assessment.md); every number carries the evidence
behind it. A closed sheet is served as it was frozen.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Sum
from django.urls import reverse
from wagtail.models import Site

from huimin.sites.models import OrgUnit, SiteIdentity
from huimin.workdays.working_time import SHANGHAI

from . import indicators
from .enums import CLASS_OF_KIND, Basis, RowKind, SheetState, SubmissionKind, SubmissionState
from .indicators import Context, Evidence, RowResult
from .models import Indicator, IndicatorTable, ManualFinding, OutsideResult, ScoreSheet, Submission


class AssessmentError(ValueError):
    """The sheet cannot be computed (no table for the year, a unit not assessed); the message is Chinese."""


def _round(value) -> float:
    return round(float(value) + 1e-9, 2)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def year_bounds(year: int, now: datetime) -> tuple[datetime, datetime]:
    start = datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = min(now.astimezone(SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI))
    return start, end


def table_for(year: int) -> IndicatorTable:
    table = IndicatorTable.objects.filter(year=year).prefetch_related("indicators").first()
    if table is None:
        raise AssessmentError(f"{year} 年尚无考核指标表：请先在“年度考核 → 指标表”中从上一年复制或导入。")
    return table


def assessed_units(unit_ids=None):
    units = OrgUnit.objects.filter(kind__in=list(CLASS_OF_KIND)).order_by("sort_order", "name")
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    return list(units)


def unit_class(unit: OrgUnit) -> str:
    try:
        return str(CLASS_OF_KIND[unit.kind])
    except KeyError:
        raise AssessmentError(f"“{unit.name}”不属于年度考核的单位类型（县区、功能区、市级部门）。") from None


def sites_of(unit: OrgUnit) -> list[Site]:
    return [
        identity.site
        for identity in SiteIdentity.objects.filter(org_unit=unit).select_related("site").order_by("site_id")
    ]


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --- the 评测 part ---------------------------------------------------------------------------------------


def _manual(row: Indicator, findings: list[ManualFinding]) -> tuple[RowResult, bool]:
    result = RowResult(indicators.points(row))
    for finding in findings:
        text = f"{finding.item}：{finding.note}" if finding.note else finding.item
        if finding.screenshot:
            text += "（附截图）"
        result.score -= float(finding.deduction)
        result.evidence.append(
            Evidence(
                text,
                finding.url or reverse("assessment_finding", args=[finding.pk]),
                float(finding.deduction),
                by=_person(finding.assessor),
                at=finding.checked_at.astimezone(SHANGHAI).isoformat(),
            )
        )
    if not findings:
        result.note("尚未抽查，暂按满分计")
    return result, bool(findings)


def _outside_evidence(result: OutsideResult, amount: float | None) -> Evidence:
    return Evidence(
        f"{result.happened_on:%Y-%m-%d} {result.note}",
        result.url or reverse("assessment_result", args=[result.pk]),
        amount,
        by=_person(result.entered_by),
        at=result.entered_at.astimezone(SHANGHAI).isoformat(),
    )


def _row_dict(row: Indicator, result: RowResult, checked: bool = True) -> dict:
    high = indicators.points(row)
    return {
        "indicator": row.name,
        "group": row.group,
        "points": _round(high),
        "score": _round(_clamp(result.score, 0.0, high)),
        "basis": row.basis,
        "checked": checked,
        "evidence": [item.as_dict() for item in result.evidence],
    }


def _evaluation(ctx: Context, findings, results) -> tuple[dict, bool, list[dict]]:
    calculators = indicators.load()
    rows, adjustments, veto_findings = [], [], []
    bonus = deduction = 0.0
    zeroed = vetoed = False
    for row in ctx.table.indicators.all():
        mine = results.get(row.pk, [])
        if row.kind == RowKind.INDICATOR:
            if row.basis == Basis.AUTO:
                calculator = calculators.get(row.source)
                if calculator is None:
                    result = RowResult(0.0, [Evidence(f"未知的自动计分来源“{row.source}”，请在指标表中更正")])
                else:
                    result = calculator(ctx, row)
                rows.append(_row_dict(row, result))
            elif row.basis == Basis.MANUAL:
                result, checked = _manual(row, findings.get(row.pk, []))
                rows.append(_row_dict(row, result, checked))
            else:
                latest = mine[-1] if mine else None
                result = RowResult(float(latest.amount) if latest else indicators.points(row))
                if latest:
                    result.evidence.append(_outside_evidence(latest, None))
                else:
                    result.note("尚未录入，暂按满分计")
                rows.append(_row_dict(row, result, latest is not None))
            continue
        if row.kind == RowKind.VETO:
            if row.basis == Basis.AUTO and row.source in calculators:
                result = calculators[row.source](ctx, row)
            else:
                result = RowResult(0.0, [_outside_evidence(r, None) for r in mine], veto=bool(mine))
            if result.veto:
                vetoed = True
                veto_findings.extend(item.as_dict() for item in result.evidence)
            adjustments.append(
                {
                    "indicator": row.name,
                    "kind": row.kind,
                    "amount": 0.0,
                    "applies": result.veto,
                    "evidence": [item.as_dict() for item in result.evidence],
                }
            )
            continue
        # bonus and deduction cases, entered from outside
        if row.kind == RowKind.BONUS:
            amounts = [min(float(r.amount), indicators.points(row)) for r in mine]
            amount = max(amounts, default=0.0)  # several rankings: the best one, not added up
            bonus += amount
        else:
            amounts = [float(r.amount) or indicators.each(row, 0.0) for r in mine]
            amount = sum(amounts)
            if row.zeroes and mine:
                zeroed = True
            else:
                deduction += amount
        evidence = [_outside_evidence(r, a).as_dict() for r, a in zip(mine, amounts, strict=True)]
        adjustments.append(
            {
                "indicator": row.name,
                "kind": row.kind,
                "amount": _round(amount),
                "applies": bool(mine),
                "zeroes": row.zeroes,
                "evidence": evidence,
            }
        )
    cap = float(ctx.table.evaluation_cap)
    raw = sum(r["score"] for r in rows) + bonus - deduction
    score = 0.0 if (vetoed or zeroed) else _clamp(raw, 0.0, cap)
    part = {
        "rows": rows,
        "adjustments": adjustments,
        "bonus": _round(bonus),
        "deduction": _round(deduction),
        "zeroed": zeroed,
        "raw": _round(raw),
        "score": _round(score),
    }
    return part, vetoed, veto_findings


# --- the 内容保障 part -------------------------------------------------------------------------------------


def adoption_points_by_unit(year: int, now: datetime) -> dict[int, float]:
    """Every unit's 采用积分 of the year, decided by `now`."""
    start, end = year_bounds(year, now)
    rows = (
        Submission.objects.filter(state=SubmissionState.ADOPTED, decided_at__gte=start, decided_at__lt=end)
        .values("unit_id")
        .annotate(total=Sum("points"))
    )
    return {row["unit_id"]: float(row["total"] or 0) for row in rows}


def class_max_points(year: int, now: datetime) -> dict[str, float]:
    """The highest 采用积分 in each class of unit (the denominator of 信息采用得分)."""
    points = adoption_points_by_unit(year, now)
    best: dict[str, float] = defaultdict(float)
    for unit in assessed_units():
        best[unit_class(unit)] = max(best[unit_class(unit)], points.get(unit.pk, 0.0))
    return dict(best)


def _assurance(ctx: Context, unit_points: float, class_max: float) -> dict:
    table = ctx.table
    reports = (
        Submission.objects.filter(
            unit=ctx.unit, kind=SubmissionKind.INFO, submitted_at__gte=ctx.start, submitted_at__lt=ctx.end
        )
        .exclude(state=SubmissionState.WITHDRAWN)
        .count()
    )
    base = int(table.base_counts.get(ctx.unit_class, 0) or 0)
    report_points = float(table.assurance_points.get("report", 30))
    adoption_points = float(table.assurance_points.get("adoption", 70))
    report_score = report_points if base == 0 else min(reports / base, 1.0) * report_points
    adoption_score = unit_points / class_max * adoption_points if class_max > 0 else 0.0
    listing = reverse("assessment_submissions")
    return {
        "reports": reports,
        "base": base,
        "report_score": _round(report_score),
        "adoption_points": _round(unit_points),
        "class_max_points": _round(class_max),
        "adoption_score": _round(adoption_score),
        "score": _round(report_score + adoption_score),
        "links": {
            "reports": f"{listing}?unit={ctx.unit.pk}&year={ctx.year}&kind={SubmissionKind.INFO}",
            "adoptions": f"{listing}?unit={ctx.unit.pk}&year={ctx.year}&state={SubmissionState.ADOPTED}",
        },
        "interviews": _interviews(ctx),
    }


def assurance(
    unit: OrgUnit, year: int, now: datetime, *, table=None, unit_points=None, class_max=None
) -> dict:
    """A unit's 内容保障 part alone, as the sheet computes it (for the 信息报送 progress)."""
    table = table or table_for(year)
    ctx = _context(unit, year, now, table)
    if unit_points is None:
        unit_points = adoption_points_by_unit(year, now).get(unit.pk, 0.0)
    if class_max is None:
        class_max = class_max_points(year, now).get(ctx.unit_class, 0.0)
    return _assurance(ctx, unit_points, class_max)


def _interviews(ctx: Context) -> dict:
    """在线访谈 of a key department (重点民生部门): at least one a year."""
    from huimin.interviews.models import InterviewPage

    held = InterviewPage.objects.live().filter(
        host_unit=ctx.unit, start_at__gte=ctx.start, start_at__lt=ctx.end
    )
    return {
        "key_department": ctx.unit.key_livelihood,
        "required": 1 if ctx.unit.key_livelihood else 0,
        "held": held.count(),
    }


# --- the sheet ------------------------------------------------------------------------------------------


def _context(unit: OrgUnit, year: int, now: datetime, table: IndicatorTable) -> Context:
    start, end = year_bounds(year, now)
    return Context(unit, unit_class(unit), sites_of(unit), year, now.astimezone(SHANGHAI), start, end, table)


def _by_row(queryset, stamp: str, now: datetime) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for item in queryset.filter(**{f"{stamp}__lte": now}).order_by(stamp, "pk"):
        grouped[item.indicator_id].append(item)
    return grouped


def compute(unit: OrgUnit, year: int, now: datetime, *, table=None, class_max=None, unit_points=None) -> dict:
    """A unit's sheet at `now`: frozen if closed, computed otherwise. Nothing is saved."""
    sheet = ScoreSheet.objects.filter(unit=unit, year=year, state=SheetState.CLOSED).first()
    if sheet is not None:
        return sheet.data
    table = table or table_for(year)
    ctx = _context(unit, year, now, table)
    findings = _by_row(
        ManualFinding.objects.filter(unit=unit, year=year).select_related("assessor"), "checked_at", now
    )
    results = _by_row(
        OutsideResult.objects.filter(unit=unit, year=year).select_related("entered_by"), "entered_at", now
    )
    evaluation, vetoed, veto_findings = _evaluation(ctx, findings, results)
    if unit_points is None:
        unit_points = adoption_points_by_unit(year, now).get(unit.pk, 0.0)
    if class_max is None:
        class_max = class_max_points(year, now).get(ctx.unit_class, 0.0)
    assurance = _assurance(ctx, unit_points, class_max)
    weights = table.weights.get(ctx.unit_class, {"evaluation": 1.0, "assurance": 0.0})
    total = evaluation["score"] * weights["evaluation"] + assurance["score"] * weights["assurance"]
    return {
        "unit": unit.name,
        "unit_id": unit.pk,
        "unit_class": ctx.unit_class,
        "state": SheetState.OPEN.value,
        "veto": vetoed,
        "veto_findings": veto_findings,
        "evaluation": evaluation,
        "assurance": assurance,
        "weights": {"evaluation": weights["evaluation"], "assurance": weights["assurance"]},
        "total": _round(total),
        "sites": [site.hostname for site in ctx.sites],
    }


def compute_year(year: int, now: datetime, unit_ids=None) -> dict:
    """Every assessed unit's sheet (or the named ones), the contract's whole document."""
    table = table_for(year)
    points = adoption_points_by_unit(year, now)
    best = class_max_points(year, now)
    units = []
    for unit in assessed_units(unit_ids):
        units.append(
            compute(
                unit,
                year,
                now,
                table=table,
                class_max=best.get(unit_class(unit), 0.0),
                unit_points=points.get(unit.pk, 0.0),
            )
        )
    return {"year": year, "at": now.astimezone(SHANGHAI).isoformat(timespec="minutes"), "units": units}


def rankings(document: dict) -> dict[str, list[dict]]:
    """Units ranked by total within each class: [{rank, unit, total, evaluation, assurance, veto}, ...]."""
    by_class: dict[str, list[dict]] = defaultdict(list)
    for sheet in document["units"]:
        by_class[sheet["unit_class"]].append(sheet)
    ranked = {}
    for klass, sheets in by_class.items():
        sheets.sort(key=lambda s: (-s["total"], s["unit"]))
        ranked[klass] = []
        for place, sheet in enumerate(sheets, start=1):
            tied = ranked[klass] and ranked[klass][-1]["total"] == sheet["total"]
            ranked[klass].append(
                {
                    "rank": ranked[klass][-1]["rank"] if tied else place,
                    "unit": sheet["unit"],
                    "unit_id": sheet["unit_id"],
                    "total": sheet["total"],
                    "evaluation": sheet["evaluation"]["score"],
                    "assurance": sheet["assurance"]["score"],
                    "veto": sheet["veto"],
                }
            )
    return ranked
