"""A year (2030) of real data for three units of different classes, and their whole sheets checked against
figures worked out by hand: every row, the parts, the weights and the totals, at a moment inside the year and
after it.

- 甲县 (county, its own site): a stale 工作动态 column and an empty 通知公告 column, two complaints answered
  late, a 概况信息 finding of 1 point, bulletins Q1–Q3 (Q4 entered in January), 600 reports and 40 points.
- 乙开发区 (function area, no site): a veto entered from a national check, 180 reports and 20 points.
- 丙局 (first-tier department, its own site): a fresh column, a complaint answered on time, every manual row
  right, bulletins of 100, 120 reports and 10 points.

The calculators run for real; nothing is faked. No guides, statistics, topics, datasets or patrol runs exist
for these units, so those rows take the values their rules give for that (noted beside each figure).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from huimin.assessment import sheets
from huimin.assessment.enums import Basis, SubmissionKind, SubmissionState
from huimin.assessment.models import IndicatorTable, Submission
from huimin.assessment.services import sheets as sheet_services
from huimin.assessment.services import tables
from huimin.assessment.tests.test_rows_publishing import _article, _column, _site
from huimin.assessment.tests.test_rows_services import letter
from huimin.letters.enums import Kind
from huimin.sites.models import OrgUnit
from huimin.workdays.working_time import SHANGHAI

pytestmark = pytest.mark.django_db
IN_YEAR = datetime(2030, 11, 2, 10, 0, tzinfo=SHANGHAI)
AFTER = datetime(2031, 2, 1, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def year(demo):
    table = IndicatorTable.objects.filter(year=2030).first() or tables.seed_table(2030)
    assessor = get_user_model().objects.create_superuser(
        "year-assessor", "y@example.com", "Year-assessor-2030"
    )
    county = OrgUnit.objects.create(name="甲县", kind="county", sort_order=901)
    area = OrgUnit.objects.create(name="乙开发区", kind="function_area", sort_order=902)
    dept = OrgUnit.objects.create(name="丙局", kind="dept_tier1", sort_order=903)

    county_site = _site(county, "jiaxian.localhost", "3213009901")
    home = county_site.root_page
    _article(_column(home, "工作动态", "工作动态", county), IN_YEAR - timedelta(days=20))  # stale: −5
    _column(home, "通知公告", "通知公告", county)  # empty: −5
    for received, replied in (
        ("2030-03-04 09:00", "2030-03-13 10:00"),
        ("2030-04-01 09:00", "2030-04-12 10:00"),
    ):
        letter(county, Kind.COMPLAINT, received, reply=replied, site=county_site)  # 5 working days: late

    dept_site = _site(dept, "bingju.localhost", "3213009903")
    _article(_column(dept_site.root_page, "工作动态", "工作动态", dept), IN_YEAR - timedelta(days=3))
    letter(dept, Kind.COMPLAINT, "2030-05-06 09:00", reply="2030-05-08 10:00", site=dept_site)  # on time

    when = IN_YEAR - timedelta(days=30)
    for unit in (county, area, dept):
        for row in table.indicators.filter(basis=Basis.MANUAL):
            deduction = 1 if unit == county and row.name == "概况信息" else 0
            sheet_services.record_finding(
                unit=unit, indicator=row, year=2030, item=f"{row.name}抽查", deduction=deduction,
                actor=assessor, now=when, note="简介未更新" if deduction else "",
            )  # fmt: skip
    sheet_services.record_result(
        unit=area, indicator=table.indicators.get(name="单项否决（其他情形）"), year=2030, amount=0,
        happened_on=date(2030, 9, 1), note="全国政府网站抽查：首页不可访问", actor=assessor, now=when,
    )  # fmt: skip
    for quarter, (county_score, dept_score) in enumerate(((90, 100), (80, 100), (100, 100)), start=1):
        at = datetime(2030, quarter * 3 + 1, 10, 10, 0, tzinfo=SHANGHAI)
        sheet_services.record_bulletin(
            unit=county, year=2030, quarter=quarter, score=county_score, actor=assessor, now=at
        )
        sheet_services.record_bulletin(
            unit=dept, year=2030, quarter=quarter, score=dept_score, actor=assessor, now=at
        )
    sheet_services.record_bulletin(
        unit=county,
        year=2030,
        quarter=4,
        score=90,
        actor=assessor,
        now=datetime(2031, 1, 10, 10, 0, tzinfo=SHANGHAI),
    )

    for unit, reports, points in ((county, 600, [30, 10]), (area, 180, [20]), (dept, 120, [10])):
        sent = IN_YEAR - timedelta(days=60)
        for n in range(reports - len(points)):
            Submission.objects.create(unit=unit, title=f"信息{n}", body="正文", submitted_at=sent)
        for n, value in enumerate(points):
            Submission.objects.create(
                unit=unit, title=f"采用{n}", body="正文", submitted_at=sent, kind=SubmissionKind.INFO,
                state=SubmissionState.ADOPTED, adoption="as_is", points=Decimal(value), decided_at=sent,
            )  # fmt: skip
    return county, area, dept


def _rows(sheet) -> dict[str, float]:
    return {row["indicator"]: row["score"] for row in sheet["evaluation"]["rows"]}


# The rows every sited unit without guides, statistics, topics, datasets or runs gets: (name, score).
QUIET_ROWS = {
    "政策解读": 3,  # no policy of the unit this year: nothing to sample
    "解读关联": 3,  # no interpretation this year
    "办事统计": 0,  # no 办事统计 column
    "办事指南": 0,  # no guide
    "表格样表": 2,  # no guide asks for a form
    "服务集成": 0,  # no integrated topic
    "留言公开": 0,  # nothing published
    "实时互动": 3,  # no simple consultation
    "网站标识": 1,  # no patrol run this year: full with a note
    "可用性": 2,
    "“我为政府网站找错”入口": 1,
    "“我为政府网站找错”答复": 1,  # no 找错 letter
    "页面标签": 1,
    "数据开放": 0,  # no data column
    "调查征集": 0,  # no 征集调查 column
}


def test_the_county_inside_and_after_the_year(year):
    county, _, _ = year
    sheet = sheets.compute(county, 2030, IN_YEAR)
    rows = _rows(sheet)
    assert {name: rows[name] for name in QUIET_ROWS} == QUIET_ROWS
    assert rows["概况信息"] == 1  # the finding's 1 point
    assert rows["领导信息"] == 2 and rows["在线申请"] == 2 and rows["内容准确"] == 5
    assert rows["统一登录"] == 1
    assert rows["内容更新"] == 5  # 15 − 5 (工作动态 stale) − 5 (通知公告 empty)
    assert rows["办理答复"] == 3  # 5 − 2 late complaints
    assert rows["市级检查"] == 13.5  # (90 + 80 + 100) × 5 %; Q4 not yet bulletined
    evaluation = sheet["evaluation"]
    assert evaluation["score"] == 49.5 and not sheet["veto"]
    assurance = sheet["assurance"]
    assert (assurance["reports"], assurance["base"], assurance["report_score"]) == (600, 1200, 15.0)
    assert (assurance["adoption_points"], assurance["class_max_points"], assurance["adoption_score"]) == (
        40.0,
        40.0,
        70.0,
    )  # the best county of 2030
    assert sheet["weights"] == {"evaluation": 0.8, "assurance": 0.2}
    assert sheet["total"] == 56.6  # 49.5 × 0.8 + 85 × 0.2

    later = sheets.compute(county, 2030, AFTER)
    rows = _rows(later)
    assert rows["市级检查"] == 18.0  # Q4's 90 entered in January: + 4.5
    assert rows["办理答复"] == 3 and rows["内容更新"] == 5
    assert later["evaluation"]["score"] == 54.0 and later["assurance"]["score"] == 85.0
    assert later["total"] == 60.2  # 54 × 0.8 + 85 × 0.2


def test_the_function_area_is_vetoed_whatever_its_rows(year):
    _, area, _ = year
    sheet = sheets.compute(area, 2030, IN_YEAR)
    assert sheet["veto"] and sheet["evaluation"]["score"] == 0
    assert "全国政府网站抽查：首页不可访问" in sheet["veto_findings"][0]["text"]
    rows = _rows(sheet)
    assert rows["内容更新"] == 0 and rows["办事指南"] == 0  # no site: 本单位在网站群中没有网站
    assert sheet["assurance"]["report_score"] == 15.0 and sheet["assurance"]["adoption_score"] == 70.0
    assert sheet["total"] == 17.0  # 0 × 0.8 + (15 + 70) × 0.2


def test_the_department_and_the_ranking(year):
    county, area, dept = year
    sheet = sheets.compute(dept, 2030, IN_YEAR)
    rows = _rows(sheet)
    assert {name: rows[name] for name in QUIET_ROWS} == QUIET_ROWS
    assert rows["内容更新"] == 15 and rows["办理答复"] == 5 and rows["概况信息"] == 2
    assert rows["市级检查"] == 15.0  # 3 × 100 × 5 %
    assert sheet["evaluation"]["score"] == 64.0
    assert sheet["weights"] == {"evaluation": 0.7, "assurance": 0.3}
    assert sheet["assurance"]["score"] == 85.0  # 120 of 240 → 15; 10 of the class best 10 → 70
    assert sheet["total"] == 70.3  # 64 × 0.7 + 85 × 0.3
    document = sheets.compute_year(2030, IN_YEAR, [county.pk, area.pk, dept.pk])
    assert [s["total"] for s in document["units"]] == [56.6, 17.0, 70.3]
    assert sheets.compute_year(2030, IN_YEAR, [county.pk, area.pk, dept.pk]) == document  # the same `now`
