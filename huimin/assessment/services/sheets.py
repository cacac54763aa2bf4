"""What assessors write on a sheet: manual findings with their evidence, outside results, quarterly
bulletin scores; saving a computation, closing (freezing) a sheet and reopening it. Assessors only; a closed
sheet's unit and year take no new record until it is reopened."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from wagtail.log_actions import log

from huimin.sites.models import OrgUnit

from .. import sheets
from ..enums import Basis, BulletinSource, RowKind, SheetState
from ..models import Indicator, ManualFinding, OutsideResult, QuarterBulletin, ScoreSheet
from ..queries import is_assessor

LOG_ACTIONS = {
    "huimin_assessment.finding": ("记录人工抽查", "记录人工抽查"),
    "huimin_assessment.result": ("录入外部结果", "录入外部结果"),
    "huimin_assessment.bulletin": ("录入季度通报得分", "录入季度通报得分"),
    "huimin_assessment.close": ("评分表定稿", "评分表定稿"),
    "huimin_assessment.reopen": ("评分表重新打开", "评分表重新打开"),
    "huimin_assessment.save": ("保存评分表计算结果", "保存评分表计算结果"),
}
SCREENSHOT_TYPES = {"png": b"\x89PNG", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff"}
SCREENSHOT_MAX = 5 * 1024 * 1024


def _require_assessor(actor) -> None:
    if not is_assessor(actor):
        raise PermissionDenied("只有考核人员可以录入和定稿年度考核。")


def _require_open(unit: OrgUnit, year: int) -> None:
    if ScoreSheet.objects.filter(unit=unit, year=year, state=SheetState.CLOSED).exists():
        raise ValidationError(f"{unit.name} {year} 年的评分表已定稿，请先重新打开。")


def _amount(value, label: str, high: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({label: f"“{value}”不是数字。"}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({label: "应为不小于 0 的数字。"})
    if high is not None and number > high:
        raise ValidationError({label: f"不能超过 {high:g} 分。"})
    return number.quantize(Decimal("0.01"))


def _row(indicator: Indicator, year: int) -> Indicator:
    if indicator.table.year != year:
        raise ValidationError(f"指标“{indicator.name}”不属于 {year} 年的指标表。")
    return indicator


def check_screenshot(upload: UploadedFile | None) -> None:
    if upload is None:
        return
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in SCREENSHOT_TYPES:
        raise ValidationError({"screenshot": "截图只接受 PNG 或 JPEG 图片。"})
    if upload.size > SCREENSHOT_MAX:
        raise ValidationError({"screenshot": "截图不能超过 5 MB。"})
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(SCREENSHOT_TYPES[extension]):
        raise ValidationError({"screenshot": "文件内容不是它的扩展名所说的图片格式。"})


@transaction.atomic
def record_finding(
    *,
    unit: OrgUnit,
    indicator: Indicator,
    year: int,
    item: str,
    deduction,
    actor,
    now: datetime,
    url: str = "",
    note: str = "",
    screenshot: UploadedFile | None = None,
) -> ManualFinding:
    """One item an assessor sampled for a manual row, with its evidence and deduction (0 if right)."""
    _require_assessor(actor)
    _row(indicator, year)
    sheets.unit_class(unit)
    if indicator.basis != Basis.MANUAL:
        raise ValidationError(f"“{indicator.name}”不是人工抽查指标。")
    _require_open(unit, year)
    if not item.strip():
        raise ValidationError({"item": "请写明抽查的事项。"})
    check_screenshot(screenshot)
    finding = ManualFinding(
        indicator=indicator,
        unit=unit,
        year=year,
        item=item.strip(),
        url=url.strip(),
        note=note.strip(),
        deduction=_amount(deduction, "deduction", indicator.points),
        assessor=actor,
        checked_at=now,
    )
    if screenshot is not None:
        finding.screenshot.save(f"{unit.pk}/{year}/{screenshot.name}", screenshot, save=False)
    finding.full_clean()
    finding.save()
    log(
        finding,
        "huimin_assessment.finding",
        user=actor,
        data={
            "unit": unit.name,
            "year": year,
            "indicator": indicator.name,
            "deduction": str(finding.deduction),
        },
    )
    return finding


@transaction.atomic
def record_result(
    *,
    unit: OrgUnit,
    indicator: Indicator,
    year: int,
    amount,
    happened_on: date,
    note: str,
    actor,
    now: datetime,
    url: str = "",
) -> OutsideResult:
    """An outside result for a row: a bonus or deduction case, a veto condition, an outside-basis score."""
    _require_assessor(actor)
    _row(indicator, year)
    sheets.unit_class(unit)
    if indicator.kind == RowKind.INDICATOR and indicator.basis != Basis.OUTSIDE:
        raise ValidationError(f"“{indicator.name}”不是录入外部结果的指标。")
    _require_open(unit, year)
    if not note.strip():
        raise ValidationError({"note": "请写明依据（如通报文号、抽查名次）。"})
    if happened_on.year != year:
        raise ValidationError({"happened_on": f"发生日期应在 {year} 年内。"})
    high = indicator.points if indicator.kind in (RowKind.BONUS, RowKind.INDICATOR) else None
    result = OutsideResult(
        indicator=indicator,
        unit=unit,
        year=year,
        amount=_amount(amount, "amount", high),
        happened_on=happened_on,
        note=note.strip(),
        url=url.strip(),
        entered_by=actor,
        entered_at=now,
    )
    result.full_clean()
    result.save()
    log(
        result,
        "huimin_assessment.result",
        user=actor,
        data={"unit": unit.name, "year": year, "indicator": indicator.name, "amount": str(result.amount)},
    )
    return result


@transaction.atomic
def record_bulletin(
    *,
    unit: OrgUnit,
    year: int,
    quarter: int,
    score,
    actor,
    now: datetime,
    note: str = "",
    source: str = BulletinSource.ENTERED,
) -> QuarterBulletin:
    """A unit's score in a quarterly bulletin; entering a quarter again replaces its score."""
    _require_assessor(actor)
    sheets.unit_class(unit)
    _require_open(unit, year)
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": "季度应为 1 到 4。"})
    bulletin, _ = QuarterBulletin.objects.update_or_create(
        unit=unit,
        year=year,
        quarter=quarter,
        defaults={
            "score": _amount(score, "score", Decimal(100)),
            "note": note.strip(),
            "source": source,
            "entered_by": actor,
            "entered_at": now,
        },
    )
    log(
        bulletin,
        "huimin_assessment.bulletin",
        user=actor,
        data={"unit": unit.name, "year": year, "quarter": quarter, "score": str(bulletin.score)},
    )
    return bulletin


@transaction.atomic
def close_sheet(*, unit: OrgUnit, year: int, actor, now: datetime, force: bool = False) -> ScoreSheet:
    """Freeze a unit's sheet at `now` with its evidence. Refused while manual rows are unchecked, unless
    `force` (the assessor accepts them at full points)."""
    _require_assessor(actor)
    sheet, _ = ScoreSheet.objects.select_for_update().get_or_create(unit=unit, year=year)
    if sheet.state == SheetState.CLOSED:
        raise ValidationError(f"{unit.name} {year} 年的评分表已定稿。")
    data = sheets.compute(unit, year, now)
    unchecked = [row["indicator"] for row in data["evaluation"]["rows"] if not row["checked"]]
    if unchecked and not force:
        raise ValidationError(f"以下指标尚未抽查或录入：{'、'.join(unchecked)}。请先完成，或确认按满分定稿。")
    data = {
        **data,
        "state": SheetState.CLOSED.value,
        "closed_at": now.isoformat(timespec="minutes"),
        "closed_by": actor.get_full_name() or actor.get_username(),
    }
    sheet.state, sheet.at, sheet.data = SheetState.CLOSED, now, data
    sheet.closed_by, sheet.closed_at = actor, now
    sheet.save()
    log(
        sheet,
        "huimin_assessment.close",
        user=actor,
        data={"unit": unit.name, "year": year, "total": data["total"], "unchecked": unchecked},
    )
    return sheet


@transaction.atomic
def reopen_sheet(*, unit: OrgUnit, year: int, actor, now: datetime, reason: str) -> ScoreSheet:
    _require_assessor(actor)
    if not reason.strip():
        raise ValidationError({"reason": "请写明重新打开的理由。"})
    sheet = ScoreSheet.objects.select_for_update().filter(unit=unit, year=year).first()
    if sheet is None or sheet.state != SheetState.CLOSED:
        raise ValidationError(f"{unit.name} {year} 年的评分表尚未定稿。")
    sheet.state, sheet.closed_by, sheet.closed_at = SheetState.OPEN, None, None
    sheet.save(update_fields=["state", "closed_by", "closed_at"])
    log(
        sheet,
        "huimin_assessment.reopen",
        user=actor,
        data={"unit": unit.name, "year": year, "reason": reason.strip()},
    )
    return sheet


def save_computed(document: dict, *, now: datetime) -> int:
    """Store each open sheet's computation of `document` (from `sheets.compute_year`); closed ones are
    left as frozen. Returns how many were saved. Used by `huimin assessment --save`."""
    saved = 0
    with transaction.atomic():
        for data in document["units"]:
            if data.get("state") == SheetState.CLOSED:
                continue
            sheet, _ = ScoreSheet.objects.get_or_create(unit_id=data["unit_id"], year=document["year"])
            if sheet.state == SheetState.CLOSED:
                continue
            sheet.at, sheet.data = now, data
            sheet.save(update_fields=["at", "data"])
            saved += 1
    return saved
