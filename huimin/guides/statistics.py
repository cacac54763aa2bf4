"""Monthly handling statistics (办事统计): the one door for writing them, the importer, the reads behind the
public page and its CSV download.

`record_month` is the only function that writes a `HandlingStatistic`; the admin form, the importer and the
demo builder call it. The importer records every valid row and reports every refused row with its row number
and column (see docs/services.md, "Handling statistics").
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse
from django.utils import timezone
from wagtail.log_actions import log

from huimin.core.encodings import UndecodableText, decode_text
from huimin.core.exports import safe_cell
from huimin.sites.enums import Role
from huimin.sites.models import Membership, OrgUnit

from .models import HandlingStatistic, HandlingStatisticsPage

FIGURES = ("received", "completed", "online", "on_time")
FIGURE_LABELS = {
    "received": "受理件数",
    "completed": "办结件数",
    "online": "网上办理件数",
    "on_time": "按时办结件数",
}
FIELD_LABELS = {"unit": "单位", "month": "月份", **FIGURE_LABELS}
# Roles whose holders record their own units' figures; a site administrator also covers the units below.
RECORDING_ROLES = (Role.EDITOR, Role.UNIT_LEADER, Role.SITE_ADMIN)
COLUMNS_FILE = Path(__file__).resolve().parent / "data" / "statistics_columns.json"
ALLOWED_EXTENSIONS = ("csv", "xlsx")
MANUAL_SOURCE = "手工录入"
HEADER_SEARCH_ROWS = 10
MAX_FIGURE = 10**9
RECORD_ACTION = "huimin.statistics.record"


# --- permission -----------------------------------------------------------------------------------------


def recordable_units(user):
    """The units whose figures `user` may record: all for a platform administrator, else the units of the
    person's memberships (and, for a site administrator, the units below theirs)."""
    if user is None or user.is_superuser:
        return OrgUnit.objects.all()
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    memberships = Membership.objects.filter(user=user, role__in=RECORDING_ROLES)
    ids = set(memberships.values_list("org_unit_id", flat=True))
    frontier = set(memberships.filter(role=Role.SITE_ADMIN).values_list("org_unit_id", flat=True))
    while frontier:
        children = set(OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= children
        frontier = children
    return OrgUnit.objects.filter(pk__in=ids)


def may_record(user, unit: OrgUnit) -> bool:
    return recordable_units(user).filter(pk=unit.pk).exists()


# --- the one door -----------------------------------------------------------------------------------------


def first_of_month(value: date) -> date:
    return date(value.year, value.month, 1)


def current_month(now: datetime) -> date:
    return first_of_month(timezone.localtime(now).date())


@transaction.atomic
def record_month(
    unit: OrgUnit, month: date, figures: dict, *, actor, source: str = MANUAL_SOURCE, now: datetime
) -> tuple[HandlingStatistic, bool]:
    """Record (create or replace) one unit's figures for one month; returns the row and whether it is new.

    `actor` None is the system; a person must be allowed to record for `unit` (PermissionDenied otherwise).
    Bad figures, a month not on its first day or a month after the current one raise ValidationError.
    """
    if actor is not None and not may_record(actor, unit):
        raise PermissionDenied(f"您没有录入“{unit.name}”办事统计的权限。")
    if month > current_month(now):
        raise ValidationError({"month": "统计月份不能晚于当前月份。"})
    missing = [FIGURE_LABELS[name] for name in FIGURES if figures.get(name) is None]
    if missing:
        raise ValidationError(f"请填写{'、'.join(missing)}。")
    statistic = HandlingStatistic.objects.select_for_update().filter(unit=unit, month=month).first()
    created = statistic is None
    if created:
        statistic = HandlingStatistic(unit=unit, month=month)
    for name in FIGURES:
        setattr(statistic, name, figures[name])
    statistic.source = (source or MANUAL_SOURCE)[:200]
    statistic.updated_at = now
    statistic.updated_by = actor if actor is not None and actor.is_authenticated else None
    statistic.full_clean(validate_unique=False)
    statistic.save()
    log(
        instance=statistic,
        action=RECORD_ACTION,
        user=actor,
        data={"unit": unit.name, "month": f"{month:%Y-%m}", "created": created, "source": statistic.source}
        | {name: figures[name] for name in FIGURES},
    )
    return statistic, created


# --- import -----------------------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    row: int | None  # the spreadsheet's row number (the header is usually row 1); None for the whole file
    column: str  # the column as headed in the file, or "" when the whole row or file is meant
    message: str


@dataclass
class ImportReport:
    filename: str
    created: list[HandlingStatistic] = field(default_factory=list)
    updated: list[HandlingStatistic] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def file_refused(self) -> bool:
        return any(p.row is None for p in self.problems)

    @property
    def recorded(self) -> int:
        return len(self.created) + len(self.updated)

    def refuse(self, message: str) -> ImportReport:
        self.problems.append(ImportProblem(None, "", message))
        return self


def max_import_bytes() -> int:
    return settings.HUIMIN_STATISTICS_IMPORT_MAX_MB * 1024 * 1024


@cache
def header_synonyms() -> dict[str, str]:
    """Normalised header text -> field name, from data/statistics_columns.json (checked when loaded)."""
    columns = json.loads(COLUMNS_FILE.read_text(encoding="utf-8"))["columns"]
    if set(columns) != set(FIELD_LABELS):
        raise ValueError(f"{COLUMNS_FILE.name} must list exactly {sorted(FIELD_LABELS)}")
    found: dict[str, str] = {}
    for name, words in columns.items():
        for word in words:
            key = _header_key(word)
            if not key or found.get(key, name) != name:
                raise ValueError(f"{COLUMNS_FILE.name}: header {word!r} is empty or listed twice")
            found[key] = name
    return found


def _header_key(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    text = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]$", "", text)  # a trailing unit such as （件）
    return re.sub(r"\s+", "", text)


def import_statistics(data: bytes, filename: str, *, actor, now: datetime) -> ImportReport:
    """Read a CSV or XLSX file of monthly figures and record every valid row through `record_month`.

    A file that cannot be read at all (too big, not CSV/XLSX, no header row, a required column missing)
    records nothing. Otherwise each row stands alone: valid rows are recorded, each refused row is reported
    with its row number, column and reason; rows repeating a unit and month within the file are all refused.
    """
    report = ImportReport(filename=filename)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ALLOWED_EXTENSIONS:
        return report.refuse("只能导入 CSV 或 XLSX 文件（旧版 .xls 请先另存为 .xlsx）。")
    if len(data) > max_import_bytes():
        return report.refuse(f"文件过大：不能超过 {settings.HUIMIN_STATISTICS_IMPORT_MAX_MB} MB。")
    if not data.strip():
        return report.refuse("文件是空的。")
    try:
        rows = _read_xlsx(data) if extension == "xlsx" else _read_csv(data)
    except _Unreadable as error:
        return report.refuse(str(error))
    header_at, columns = _find_header(rows)
    if header_at is None:
        return report.refuse(
            "没有找到表头：第一行应包含“单位”“月份”“受理件数”“办结件数”“网上办理件数”“按时办结件数”。"
        )
    missing = [FIELD_LABELS[name] for name in FIELD_LABELS if name not in columns]
    if missing:
        return report.refuse(f"缺少必需的列：{'、'.join(missing)}。")
    headers = {name: str(rows[header_at][1][index]).strip() for name, index in columns.items()}
    units = _unit_lookup()
    allowed = set(recordable_units(actor).values_list("pk", flat=True))
    parsed: list[tuple[int, OrgUnit, date, dict]] = []
    for number, cells in rows[header_at + 1 :]:
        if all(_blank(cell) for cell in cells):
            continue
        row_problems: list[ImportProblem] = []
        values = {}
        for name, index in columns.items():
            cell = cells[index] if index < len(cells) else None
            value, message = _PARSERS[name](cell, units, now)
            if message:
                row_problems.append(ImportProblem(number, headers[name], message))
            values[name] = value
        if not row_problems:
            row_problems = _check_figures(number, values, headers)
        if not row_problems and values["unit"].pk not in allowed:
            row_problems.append(
                ImportProblem(number, headers["unit"], f"您没有录入“{values['unit'].name}”办事统计的权限。")
            )
        if row_problems:
            report.problems.extend(row_problems)
        else:
            parsed.append((number, values["unit"], values["month"], {n: values[n] for n in FIGURES}))
    seen: dict[tuple[int, date], list[int]] = {}
    for number, unit, month, _ in parsed:
        seen.setdefault((unit.pk, month), []).append(number)
    source = f"导入：{filename}"[:200]
    for number, unit, month, figures in parsed:
        numbers = seen[(unit.pk, month)]
        if len(numbers) > 1:
            others = "、".join(str(n) for n in numbers if n != number)
            report.problems.append(
                ImportProblem(
                    number,
                    headers["month"],
                    f"“{unit.name}”{month.year}年{month.month}月的数据与第{others}行重复。",
                )
            )
            continue
        try:
            statistic, created = record_month(unit, month, figures, actor=actor, source=source, now=now)
        except ValidationError as error:
            report.problems.append(ImportProblem(number, "", "；".join(error.messages)))
        except PermissionDenied as error:
            report.problems.append(ImportProblem(number, headers["unit"], str(error)))
        else:
            (report.created if created else report.updated).append(statistic)
    report.problems.sort(key=lambda p: p.row or 0)
    return report


class _Unreadable(ValueError):
    """The file cannot be read as a table; the message says why in Chinese."""


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Unreadable("该文件不是文本格式的 CSV 文件。")
    try:
        text, _ = decode_text(data)
    except UndecodableText as error:
        raise _Unreadable(str(error)) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]
    except csv.Error as error:
        raise _Unreadable(f"CSV 文件格式有误：{error}。") from None


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    """Cell values as last calculated; a formula cell without a stored result is kept as `_Formula`."""
    from openpyxl import load_workbook

    if not data.startswith(b"PK\x03\x04"):
        raise _Unreadable("该文件不是有效的 XLSX 文件。")
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        rows = []
        value_rows = values.worksheets[0].iter_rows(values_only=True)
        formula_rows = formulas.worksheets[0].iter_rows(values_only=True)
        for number, (cached, written) in enumerate(zip(value_rows, formula_rows, strict=False), start=1):
            rows.append(
                (
                    number,
                    [
                        _Formula(w) if c is None and isinstance(w, str) and w.startswith("=") else c
                        for c, w in zip(cached, written, strict=False)
                    ],
                )
            )
        values.close()
        formulas.close()
    except Exception:  # any failure to parse the package means the same to the person
        raise _Unreadable("无法读取该 XLSX 文件，文件可能已损坏。") from None
    return rows


@dataclass(frozen=True)
class _Formula:
    text: str


def _find_header(rows) -> tuple[int | None, dict[str, int]]:
    synonyms = header_synonyms()
    for position, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for index, cell in enumerate(cells):
            name = synonyms.get(_header_key(cell)) if isinstance(cell, str) else None
            if name and name not in columns:
                columns[name] = index
        if "unit" in columns and "month" in columns:
            return position, columns
    return None, {}


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _unit_lookup() -> dict[str, OrgUnit]:
    found: dict[str, OrgUnit] = {}
    for unit in OrgUnit.objects.all():
        for name in (unit.short_name, unit.name):  # full names win over a clashing short name
            if name:
                found[unicodedata.normalize("NFKC", name).strip()] = unit
    return found


FORMULA_MESSAGE = "公式单元格没有计算结果，请在表格软件中打开并保存后再导入，或改填数值。"


def _parse_unit(cell, units, now):
    if isinstance(cell, _Formula):
        return None, FORMULA_MESSAGE
    if _blank(cell):
        return None, "单位不能为空。"
    name = unicodedata.normalize("NFKC", str(cell)).strip()
    unit = units.get(name)
    if unit is None:
        return None, f"未找到单位“{name[:50]}”，请填写组织机构中的单位全称或简称。"
    return unit, ""


MONTH_RE = re.compile(r"^(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月)?(?:\s*(?:[-/.])?\s*\d{1,2}\s*日?)?$")
COMPACT_MONTH_RE = re.compile(r"^(\d{4})(\d{2})$")


def _parse_month(cell, units, now):
    if isinstance(cell, _Formula):
        return None, FORMULA_MESSAGE
    if _blank(cell):
        return None, "月份不能为空。"
    if isinstance(cell, datetime | date):
        month = date(cell.year, cell.month, 1)
    else:
        text = unicodedata.normalize("NFKC", str(cell)).strip()
        if text.endswith(".0"):
            text = text[:-2]
        found = MONTH_RE.match(text) or COMPACT_MONTH_RE.match(text)
        if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
            return None, f"无法识别的月份“{text[:20]}”，请写作 2026-10 或 2026年10月。"
        month = date(int(found.group(1)), int(found.group(2)), 1)
    if month > current_month(now):
        return None, f"月份 {month.year}年{month.month}月 晚于当前月份。"
    return month, ""


def _parse_figure(cell, units, now):
    if isinstance(cell, _Formula):
        return None, FORMULA_MESSAGE
    if _blank(cell):
        return None, "不能为空，没有办件请填 0。"
    if isinstance(cell, bool | datetime | date):
        return None, "须为非负整数。"
    text = unicodedata.normalize("NFKC", str(cell)).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, f"“{text[:20]}”不是数字，须为非负整数。"
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        return None, f"“{text[:20]}”须为非负整数。"
    if number > MAX_FIGURE:
        return None, "数值过大。"
    return int(number), ""


_PARSERS = {
    "unit": _parse_unit,
    "month": _parse_month,
    "received": _parse_figure,
    "completed": _parse_figure,
    "online": _parse_figure,
    "on_time": _parse_figure,
}


def _check_figures(number: int, values: dict, headers: dict) -> list[ImportProblem]:
    rules = (
        ("completed", "received", "办结件数不能大于受理件数。"),
        ("online", "received", "网上办理件数不能大于受理件数。"),
        ("on_time", "completed", "按时办结件数不能大于办结件数。"),
    )
    return [
        ImportProblem(number, headers[part], message)
        for part, whole, message in rules
        if values[part] > values[whole]
    ]


def template_csv() -> HttpResponse:
    """An empty import file with the headers and one example row, for people to fill in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([FIELD_LABELS[name] for name in FIELD_LABELS])
    writer.writerow(["宿迁市水利局", "2026-10", 120, 118, 96, 117])
    return _csv_response(buffer.getvalue(), "办事统计导入模板.csv")


# --- reads ------------------------------------------------------------------------------------------------


def page_units(page: HandlingStatisticsPage):
    """The units a statistics page shows: those chosen on the page, or all units when none is chosen."""
    chosen = page.units.all()
    return chosen if chosen.exists() else OrgUnit.objects.all()


def page_statistics(page: HandlingStatisticsPage):
    return HandlingStatistic.objects.filter(unit__in=page_units(page)).select_related("unit")


def last_updated(page: HandlingStatisticsPage) -> datetime | None:
    """When any of the page's units last recorded figures (the date the page shows as 最近更新)."""
    return page_statistics(page).aggregate(newest=Max("updated_at"))["newest"]


def months_for(page: HandlingStatisticsPage) -> list[date]:
    return list(page_statistics(page).order_by("-month").values_list("month", flat=True).distinct())


def months_behind(page: HandlingStatisticsPage, now: datetime) -> int | None:
    """How many months the newest figures lag behind the month before `now` (0: last month's figures are
    there; None: there are none at all). The assessment wants 0 at every check."""
    months = months_for(page)
    if not months:
        return None
    current = current_month(now)
    return max(0, (current.year - months[0].year) * 12 + current.month - months[0].month - 1)


def rate(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{Decimal(part * 100) / Decimal(whole):.1f}%"


@dataclass
class TableRow:
    label: str
    received: int
    completed: int
    online: int
    on_time: int

    @property
    def completion_rate(self) -> str:
        return rate(self.completed, self.received)

    @property
    def online_rate(self) -> str:
        return rate(self.online, self.received)

    @property
    def on_time_rate(self) -> str:
        return rate(self.on_time, self.completed)


@dataclass
class MonthTable:
    month: date
    rows: list[TableRow]
    total: TableRow
    updated_at: datetime | None

    @property
    def caption(self) -> str:
        return f"{self.month.year}年{self.month.month}月各单位办件情况"


def table_for(page: HandlingStatisticsPage, month_from: date, month_to: date) -> list[MonthTable]:
    """One table per month from `month_from` to `month_to` (newest first): a row per unit with figures,
    and the totals."""
    statistics = page_statistics(page).filter(month__gte=month_from, month__lte=month_to)
    by_month: dict[date, list[HandlingStatistic]] = {}
    for statistic in statistics.order_by("-month", "unit__sort_order", "unit__name"):
        by_month.setdefault(statistic.month, []).append(statistic)
    tables = []
    for month, items in by_month.items():
        rows = [TableRow(s.unit.name, *(getattr(s, n) for n in FIGURES)) for s in items]
        total = TableRow("合计", *(sum(getattr(r, n) for r in rows) for n in FIGURES))
        tables.append(MonthTable(month, rows, total, max(s.updated_at for s in items)))
    return tables


def chinese_date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def parse_month_param(value: str | None) -> date | None:
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        return None
    return date(int(found.group(1)), int(found.group(2)), 1)


# --- the public page ----------------------------------------------------------------------------------------


def page_context(page: HandlingStatisticsPage, request) -> dict:
    """What the page template shows: the chosen month's table (the newest by default), the months to choose
    from and the date of the last update."""
    months = months_for(page)
    asked = request.GET.get("month")
    month = parse_month_param(asked)
    notice = ""
    if asked and month is None:
        notice = "月份格式有误，已显示最新一个月的数据。"
    elif month is not None and month not in months:
        notice = f"{month.year}年{month.month}月暂无数据，已显示最新一个月的数据。"
        month = None
    if month is None and months:
        month = months[0]
    tables = table_for(page, month, month) if month else []
    return {
        "months": [(f"{m:%Y-%m}", f"{m.year}年{m.month}月", m == month) for m in months],
        "table": tables[0] if tables else None,
        "last_updated": last_updated(page),
        "last_updated_text": chinese_date(last_updated(page)),
        "month_notice": notice,
        "figure_labels": list(FIGURE_LABELS.values()),
    }


CSV_HEADERS = ["月份", "单位", *FIGURE_LABELS.values(), "办结率", "网办率", "按时办结率", "更新时间"]


def csv_export(page: HandlingStatisticsPage) -> HttpResponse:
    """All months of the page's units as CSV (UTF-8 with BOM, which spreadsheet programs read as such)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADERS)
    for statistic in page_statistics(page).order_by("-month", "unit__sort_order", "unit__name"):
        row = TableRow(statistic.unit.name, *(getattr(statistic, n) for n in FIGURES))
        cells = [
            f"{statistic.month:%Y-%m}",
            row.label,
            *(getattr(row, n) for n in FIGURES),
            row.completion_rate,
            row.online_rate,
            row.on_time_rate,
            timezone.localtime(statistic.updated_at).strftime("%Y-%m-%d %H:%M"),
        ]
        writer.writerow([safe_cell(cell) for cell in cells])
    return _csv_response(buffer.getvalue(), f"{page.title}.csv")


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f"attachment; filename=\"statistics.csv\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
