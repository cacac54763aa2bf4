"""工单统计 figures, checked by hand on a small year of orders: per unit, kind and month; time to fix in
working hours; the XLSX with formula injection neutralised; a 站点管理员 counts only their own sites."""

from __future__ import annotations

import io
import itertools
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from huimin.sites.enums import OrgUnitKind, Role
from huimin.sites.models import Membership, OrgUnit
from huimin.workdays.working_time import SHANGHAI, Schedule, parse_periods
from huimin.workorders import reports
from huimin.workorders.enums import Closure, Priority, Source, State
from huimin.workorders.models import WorkOrder, WorkOrderKind

from .test_findings import make_site

pytestmark = pytest.mark.django_db
# Weekdays 08:30–12:00 and 14:00–17:30, no holidays: the figures below are worked out by hand on it.
PLAN = Schedule(periods=parse_periods("08:30-12:00,14:00-17:30"))
NOW = datetime(2030, 6, 14, 10, 0, tzinfo=SHANGHAI)  # a Friday
_numbers = itertools.count(1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def order(site, unit, kind, submitted, *, state=State.ACCEPTED, due, fixed=None, closed=None, title="工单"):
    closure = ""
    if state == State.CLOSED:
        closure = Closure.CONFIRMED if fixed else Closure.VERIFIED
    return WorkOrder.objects.create(
        number=f"GD-REPORT-{next(_numbers):04d}",
        site=site,
        unit=unit,
        kind=WorkOrderKind.objects.get(code=kind),
        priority=Priority.NORMAL,
        title=title,
        description="统计测试",
        source=Source.MANUAL,
        state=state,
        submitted_at=at(submitted),
        clock_from=at(submitted),
        due_at=at(due),
        warn_at=at(due),
        fixed_at=at(fixed) if fixed else None,
        closed_at=at(closed) if closed else None,
        closure=closure,
    )


@pytest.fixture(name="year")
def year_of_orders():
    """Two sites (甲 with unit 一, 乙 with unit 二) and six orders around 2030."""
    jia, yi = (
        make_site("wo-report-jia.localhost", name="统计甲网站"),
        make_site("wo-report-yi.localhost", name="统计乙网站"),
    )
    one = OrgUnit.objects.create(name="=统计一单位", kind=OrgUnitKind.OTHER)  # a name like a formula
    two = OrgUnit.objects.create(name="统计二单位", kind=OrgUnitKind.OTHER)
    # O1: fixed Tue 09:00 after Mon 09:00 (3 + 3.5 + 0.5 = 7 working hours), on time, closed in March.
    order(
        jia,
        one,
        "correction",
        "2030-03-04 09:00",
        state=State.CLOSED,
        due="2030-03-06 09:00",
        fixed="2030-03-05 09:00",
        closed="2030-03-06 10:00",
        title='=HYPERLINK("http://evil.test","点我")',
    )
    # O2: fixed Fri 09:00 after Mon 09:00 (6.5 + 7 + 7 + 7 + 0.5 = 28 h), late, closed in April.
    order(
        jia,
        one,
        "fault",
        "2030-03-04 09:00",
        state=State.CLOSED,
        due="2030-03-05 09:00",
        fixed="2030-03-08 09:00",
        closed="2030-04-01 10:00",
    )
    # O3: dispatched in May, past its limit now.
    order(yi, two, "correction", "2030-05-06 09:00", state=State.DISPATCHED, due="2030-05-08 09:00")
    # O4: opened in 2029, verified fixed 2030-01-02 09:30 (1 + 7 + 7 + 1 = 16 h), on time.
    order(
        yi,
        two,
        "correction",
        "2029-12-28 16:30",
        state=State.CLOSED,
        due="2030-01-03 09:00",
        closed="2030-01-02 09:30",
    )
    # O5: submitted in June, within its limit.
    order(jia, one, "correction", "2030-06-10 09:00", state=State.SUBMITTED, due="2030-06-20 09:00")
    # O6: all of it in 2029 (Monday 09:00 to Tuesday 09:00: 7 h).
    order(
        jia,
        one,
        "correction",
        "2029-05-07 09:00",
        state=State.CLOSED,
        due="2029-05-09 09:00",
        fixed="2029-05-08 09:00",
        closed="2029-05-08 10:00",
    )
    users = get_user_model()
    platform = users.objects.create_superuser("wo-report-platform", password=None)
    yi_admin = users.objects.create_user("wo-report-yi-admin", password=None)
    Membership.objects.create(user=yi_admin, org_unit=two, site=yi, role=Role.SITE_ADMIN)
    editor = users.objects.create_user("wo-report-editor", password=None)
    Membership.objects.create(user=editor, org_unit=two, site=yi, role=Role.EDITOR)
    return {"jia": jia, "yi": yi, "platform": platform, "yi_admin": yi_admin, "editor": editor}  # fmt: skip


def figures(row) -> tuple:
    f = row.figures if hasattr(row, "figures") else row
    return (f.opened, f.closed, f.open_now, f.overdue_now, f.closed_late, f.average_hours, f.median_hours)


def by_label(rows) -> dict:
    return {row.label: figures(row) for row in rows}


def test_the_platform_sees_the_whole_year_worked_out_by_hand(year):
    report = reports.build(year["platform"], 2030, NOW, plan=PLAN)
    mine = {"=统计一单位", "统计二单位"}
    units = {label: value for label, value in by_label(report.by_unit).items() if label in mine}
    assert units == {
        "=统计一单位": (3, 2, 1, 0, 1, 17.5, 17.5),
        "统计二单位": (1, 1, 1, 1, 0, 16.0, 16.0),
    }
    if set(by_label(report.by_unit)) == mine:  # alone in this database: the totals are ours too
        assert figures(report.total) == (4, 3, 2, 1, 1, 17.0, 16.0)
        assert by_label(report.by_kind) == {
            "内容更正": (3, 2, 2, 1, 0, 11.5, 11.5),
            "故障": (1, 1, 0, 0, 1, 28.0, 28.0),
        }
        months = by_label(report.by_month)
        assert months["1 月"] == (0, 1, 0, 0, 0, 16.0, 16.0)
        assert months["3 月"] == (2, 1, 0, 0, 0, 7.0, 7.0)
        assert months["4 月"] == (0, 1, 0, 0, 1, 28.0, 28.0)
        assert months["5 月"] == (1, 0, 1, 1, 0, None, None)
        assert months["6 月"] == (1, 0, 1, 0, 0, None, None)
        assert months["2 月"] == (0, 0, 0, 0, 0, None, None)
    assert len(report.by_month) == 12


def test_a_site_admin_counts_only_their_own_sites(year):
    report = reports.build(year["yi_admin"], 2030, NOW, plan=PLAN)
    assert by_label(report.by_unit) == {"统计二单位": (1, 1, 1, 1, 0, 16.0, 16.0)}
    assert figures(report.total) == (1, 1, 1, 1, 0, 16.0, 16.0)
    assert {line.order.site.hostname for line in report.lines} == {"wo-report-yi.localhost"}
    with pytest.raises(reports.ReportError, match="没有这个站点"):
        reports.build(year["yi_admin"], 2030, NOW, site=year["jia"], plan=PLAN)
    assert [site.hostname for site in reports.visible_sites(year["yi_admin"])] == ["wo-report-yi.localhost"]


def test_one_site_of_the_platform(year):
    report = reports.build(year["platform"], 2030, NOW, site=year["jia"], plan=PLAN)
    assert by_label(report.by_unit) == {"=统计一单位": (3, 2, 1, 0, 1, 17.5, 17.5)}


def test_who_may_see_reports(year):
    assert reports.may_see_reports(year["platform"]) and reports.may_see_reports(year["yi_admin"])
    assert not reports.may_see_reports(year["editor"])
    assert reports.report_site_ids(year["editor"]) == []


def test_another_year_and_the_years_offered(year):
    report = reports.build(year["platform"], 2029, NOW, site=year["jia"], plan=PLAN)
    assert figures(report.total) == (1, 1, 0, 0, 0, 7.0, 7.0)
    assert reports.years(year["yi_admin"], NOW) == [2030, 2029]
    with pytest.raises(reports.ReportError, match="年度须在"):
        reports.build(year["platform"], 1999, NOW)


def test_the_workbook_has_the_figures_and_no_formulas(year):
    report = reports.build(year["platform"], 2030, NOW, site=year["jia"], plan=PLAN)
    book = load_workbook(io.BytesIO(reports.as_xlsx(report)))
    assert book.sheetnames == ["按单位", "按类型", "按月份", "工单明细"]
    units = [[cell.value for cell in row] for row in book["按单位"].iter_rows()]
    assert units[0][0] == "单位" and units[0][1:] == list(reports.COLUMNS)
    assert units[1] == ["'=统计一单位", 3, 2, 1, 0, 1, 17.5, 17.5]
    assert units[-1][0] == "合计"
    detail = [[cell.value for cell in row] for row in book["工单明细"].iter_rows()]
    titles = [row[6] for row in detail[1:]]
    assert '\'=HYPERLINK("http://evil.test","点我")' in titles
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    first = next(row for row in detail[1:] if row[6].startswith("'=HYPERLINK"))
    assert first[12] == "否" and first[13] == 7.0
