"""工单统计: a year's work orders per unit, per kind and per month, with time to fix, for the platform team
(every site) and site administrators (their own sites), on screen and as XLSX.

The figures of a year (all at `now`):
- 新增 (opened): orders submitted in the year (a month: submitted in that month);
- 办结 (closed): orders closed in the year (confirmed by the requester or verified fixed), by closing month;
- 超期办结 (closed late): of those, the ones fixed (or, without a fix step, closed) after their time limit;
- 尚未办结 (open now) and 当前超期 (overdue now): of the orders submitted in the year (month), the ones still
  open at `now`, and among them the ones whose time limit has passed;
- 办结用时 (time to fix): for the orders closed in the year, working hours on the working calendar from
  submission to the fix (or to the closing, without a fix step): average and median.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Min, Q
from django.utils import timezone
from wagtail.models import Site

from huimin.core.exports import safe_cell, workbook_bytes
from huimin.sites.enums import Role
from huimin.sites.models import Membership
from huimin.workdays.working_time import SHANGHAI, Schedule, working_time_between

from . import deadlines
from .enums import OPEN_STATES, Level, State
from .models import WorkOrder

HOUR = timedelta(hours=1)
FIRST_YEAR, LAST_YEAR = 2000, 2100
COLUMNS = (
    "新增",
    "办结",
    "尚未办结",
    "当前超期",
    "超期办结",
    "平均办结用时（工作小时）",
    "办结用时中位数（工作小时）",
)
DETAIL_COLUMNS = (
    "工单编号", "网站", "提交单位", "类型", "紧急程度", "来源", "标题", "状态", "提交时间", "处理完成时间",
    "办结时间", "办理期限", "超期办结", "办结用时（工作小时）",
)  # fmt: skip


class ReportError(ValueError):
    """A year or site that cannot be reported on; the message says why, in Chinese."""


# --- who sees what ---------------------------------------------------------------------------------------


def report_site_ids(user) -> list[int] | None:
    """The sites whose orders `user` may count: None for the platform team (every site), the sites they
    administer for a 站点管理员, an empty list for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return sorted(
        set(
            Membership.objects.filter(user=user, role=Role.SITE_ADMIN, site__isnull=False).values_list(
                "site_id", flat=True
            )
        )
    )


def may_see_reports(user) -> bool:
    return report_site_ids(user) != []


def visible_sites(user):
    ids = report_site_ids(user)
    sites = Site.objects.order_by("hostname")
    return sites if ids is None else sites.filter(pk__in=ids)


# --- the figures -----------------------------------------------------------------------------------------


@dataclass
class Figures:
    opened: int = 0
    closed: int = 0
    open_now: int = 0
    overdue_now: int = 0
    closed_late: int = 0
    fix_hours: list[float] = field(default_factory=list)

    @property
    def average_hours(self) -> float | None:
        return round(statistics.fmean(self.fix_hours), 1) if self.fix_hours else None

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.fix_hours), 1) if self.fix_hours else None

    @property
    def empty(self) -> bool:
        return not (self.opened or self.closed or self.open_now)

    def cells(self) -> list:
        return [
            self.opened,
            self.closed,
            self.open_now,
            self.overdue_now,
            self.closed_late,
            self.average_hours,
            self.median_hours,
        ]


@dataclass
class Row:
    label: str
    figures: Figures
    sort: int = 0


@dataclass
class Line:
    """One order of the year, as the export's detail sheet lists it."""

    order: WorkOrder
    closed_in_year: bool
    late: bool | None
    fix_hours: float | None


@dataclass
class Report:
    year: int
    now: datetime
    site: Site | None
    by_unit: list[Row]
    by_kind: list[Row]
    by_month: list[Row]
    total: Figures
    lines: list[Line]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ReportError(f"年度须在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间。")
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def years(user, now: datetime) -> list[int]:
    """The years offered: from the first order the person may see to this year, newest first."""
    this_year = timezone.localtime(now, SHANGHAI).year
    orders = _scoped(WorkOrder.objects.all(), user, None)
    first = orders.aggregate(first=Min("submitted_at"))["first"]
    start = timezone.localtime(first, SHANGHAI).year if first else this_year
    return list(range(max(this_year, start), min(start, this_year) - 1, -1))


def _scoped(orders, user, site: Site | None):
    ids = report_site_ids(user)
    if ids is not None:
        orders = orders.filter(site_id__in=ids)
    if site is not None:
        orders = orders.filter(site=site)
    return orders


def _fixed_at(order: WorkOrder) -> datetime | None:
    return order.fixed_at or order.closed_at


def build(
    user, year: int, now: datetime, *, site: Site | None = None, plan: Schedule | None = None
) -> Report:
    """The year's figures of the orders `user` may see (one site's with `site`)."""
    start, end = year_bounds(year)
    if site is not None and not visible_sites(user).filter(pk=site.pk).exists():
        raise ReportError("没有这个站点。")
    plan = plan or deadlines.schedule()
    orders = _scoped(
        WorkOrder.objects.filter(
            Q(submitted_at__gte=start, submitted_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end)
        ),
        user,
        site,
    ).select_related("site", "unit", "kind")
    units: dict[int, Row] = {}
    kinds: dict[int, Row] = {}
    months = [Row(f"{month} 月", Figures()) for month in range(1, 13)]
    total = Figures()
    lines = []
    for order in orders.order_by("submitted_at", "pk"):
        unit_row = units.setdefault(order.unit_id, Row(order.unit.name, Figures(), order.unit.sort_order))
        kind_row = kinds.setdefault(order.kind_id, Row(order.kind.name, Figures(), order.kind.sort_order))
        opened_in_year = start <= order.submitted_at < end
        closed_in_year = order.state == State.CLOSED and order.closed_at and start <= order.closed_at < end
        late, hours = None, None
        if opened_in_year:
            month = months[timezone.localtime(order.submitted_at, SHANGHAI).month - 1]
            still_open = order.state in OPEN_STATES
            overdue = deadlines.level(order, now) == Level.OVERDUE
            for figures in (unit_row.figures, kind_row.figures, month.figures, total):
                figures.opened += 1
                figures.open_now += still_open
                figures.overdue_now += overdue
        if closed_in_year:
            month = months[timezone.localtime(order.closed_at, SHANGHAI).month - 1]
            fixed = _fixed_at(order)
            late = order.due_at is not None and fixed > order.due_at
            hours = working_time_between(plan, order.submitted_at, fixed) / HOUR
            for figures in (unit_row.figures, kind_row.figures, month.figures, total):
                figures.closed += 1
                figures.closed_late += late
                figures.fix_hours.append(hours)
        lines.append(Line(order, bool(closed_in_year), late, None if hours is None else round(hours, 1)))
    return Report(
        year=year,
        now=now,
        site=site,
        by_unit=sorted(units.values(), key=lambda r: (r.sort, r.label)),
        by_kind=sorted(kinds.values(), key=lambda r: (r.sort, r.label)),
        by_month=months,
        total=total,
        lines=lines,
    )


# --- the workbook ----------------------------------------------------------------------------------------


def _local(moment) -> str:
    return timezone.localtime(moment, SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def _sheet(book, title: str, first: str, rows: list[Row], total: Figures):
    sheet = book.create_sheet(title)
    sheet.append([first, *COLUMNS])
    for row in rows:
        sheet.append([safe_cell(row.label), *row.figures.cells()])
    sheet.append(["合计", *total.cells()])
    sheet.column_dimensions["A"].width = 28
    return sheet


def as_xlsx(report: Report) -> bytes:
    """The report as a workbook: one sheet per grouping with a total line, and the orders behind it."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    _sheet(book, "按单位", "单位", report.by_unit, report.total)
    _sheet(book, "按类型", "类型", report.by_kind, report.total)
    _sheet(book, "按月份", "月份", report.by_month, report.total)
    detail = book.create_sheet("工单明细")
    detail.append(list(DETAIL_COLUMNS))
    for line in report.lines:
        order = line.order
        late = "" if line.late is None else ("是" if line.late else "否")
        values = (
            order.number, order.site.site_name or order.site.hostname, order.unit.name, order.kind.name,
            order.get_priority_display(), order.get_source_display(), order.title, order.get_state_display(),
            _local(order.submitted_at), _local(order.fixed_at), _local(order.closed_at), _local(order.due_at),
            late,
        )  # fmt: skip
        detail.append([safe_cell(value) for value in values] + [line.fix_hours])
    return workbook_bytes(book)
