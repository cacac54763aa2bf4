"""The score sheet's arithmetic, with every automatic row given a known result: clamping to a row's points,
manual and outside rows, bonus and deduction cases, the veto, the cap at 100, the class weights, the 内容保障
formulas and freezing a closed sheet. Figures are computed by hand in each test. The year is 2030, which the
demo (built in the same database by other modules of a test process) leaves empty."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from huimin.assessment import indicators, sheets
from huimin.assessment.enums import Basis, RowKind, SheetState, SubmissionKind, SubmissionState
from huimin.assessment.indicators import RowResult
from huimin.assessment.models import Indicator, Submission
from huimin.assessment.services import sheets as sheet_services
from huimin.assessment.services import tables
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2030, 11, 2, 10, 0, tzinfo=SH)
AFTER = datetime(2031, 2, 1, 9, 0, tzinfo=SH)


@pytest.fixture
def assessor():
    return get_user_model().objects.create_superuser("assessor", "a@example.com", "Assessor-pass-2026")


@pytest.fixture
def units():
    return {
        "county": OrgUnit.objects.create(name="甲县", kind="county", sort_order=1),
        "area": OrgUnit.objects.create(name="乙开发区", kind="function_area", sort_order=2),
        "dept": OrgUnit.objects.create(name="丙局", kind="dept_tier1", sort_order=3),
        "dept2": OrgUnit.objects.create(name="丁局", kind="dept_tier1", sort_order=4),
    }


@pytest.fixture
def table():
    return tables.seed_table(2030)


@pytest.fixture
def auto(monkeypatch):
    """Every automatic row scores its points minus what the test sets for its source (default 0)."""
    lost: dict[str, float] = {}
    veto: dict[str, bool] = {}

    def fake(ctx, row):
        if row.kind == RowKind.VETO:
            return RowResult(
                0.0,
                [indicators.Evidence("巡查：站点无法访问", "/admin/inspection/runs/1/")],
                veto.get(ctx.unit.name, False),
            )
        result = RowResult(indicators.points(row))
        if lost.get(row.source):
            result.deduct(lost[row.source], f"{row.source} 扣分")
        return result

    registry = {source: fake for source in _sources()}
    monkeypatch.setattr(indicators, "load", lambda: registry)
    return lost, veto


def _sources() -> set[str]:
    return {row["source"] for row in tables.seed_data()["indicators"] if row["basis"] == Basis.AUTO}


def _row(table, name) -> Indicator:
    return table.indicators.get(name=name)


def _manual_full(table, unit, assessor, when=NOW - timedelta(days=30)):
    for row in table.indicators.filter(basis=Basis.MANUAL):
        sheet_services.record_finding(
            unit=unit, indicator=row, year=2030, item="抽查无问题", deduction=0, actor=assessor, now=when
        )


def test_the_seeded_table_is_the_2022_method(table):
    rows = list(table.indicators.filter(kind=RowKind.INDICATOR))
    assert sum(r.points for r in rows) == 100
    groups = {}
    for r in rows:
        groups[r.group] = groups.get(r.group, 0) + r.points
    assert groups == {"发布解读": 25, "办事服务": 23, "互动交流": 22, "功能应用": 10, "日常监管": 20}
    assert _row(table, "内容更新").points == 15 and _row(table, "内容更新").each == 5
    assert table.base_counts == {"county": 1200, "function_area": 360, "city_dept_1": 240, "city_dept_2": 120}
    assert table.weights["county"] == {"evaluation": 0.8, "assurance": 0.2}
    assert table.weights["city_dept_2"] == {"evaluation": 0.7, "assurance": 0.3}
    assert {r.name for r in table.indicators.filter(kind=RowKind.DEDUCTION, zeroes=True)} == {
        "全国抽查不合格或被通报",
        "职责落实不到位造成负面影响",
        "全省季度抽查不合格",
    }


def test_a_row_never_goes_below_zero_or_above_its_points(units, table, auto, assessor):
    lost, _ = auto
    lost["content_update"] = 25  # five stale columns at 5 each: the row's 15 points are the cap
    lost["availability"] = -3  # a calculator that overshoots is held at the row's points
    _manual_full(table, units["county"], assessor)
    sheet = sheets.compute(units["county"], 2030, NOW)
    rows = {r["indicator"]: r for r in sheet["evaluation"]["rows"]}
    assert rows["内容更新"]["score"] == 0 and rows["内容更新"]["points"] == 15
    assert rows["可用性"]["score"] == 2
    assert sheet["evaluation"]["score"] == 85.0
    assert rows["内容更新"]["evidence"][0]["deduction"] == 25


def test_manual_rows_take_their_findings_up_to_now(units, table, auto, assessor):
    unit = units["county"]
    leaders = _row(table, "领导信息")
    sheet = sheets.compute(unit, 2030, NOW)
    row = next(r for r in sheet["evaluation"]["rows"] if r["indicator"] == "领导信息")
    assert row["score"] == 2 and not row["checked"] and "尚未抽查" in row["evidence"][0]["text"]
    sheet_services.record_finding(
        unit=unit,
        indicator=leaders,
        year=2030,
        item="副县长简历",
        deduction="1",
        actor=assessor,
        now=NOW - timedelta(days=3),
        url="https://example.gov.cn/ldxx/3.html",
        note="简历未更新",
    )
    sheet_services.record_finding(
        unit=unit,
        indicator=leaders,
        year=2030,
        item="县长分工",
        deduction="1",
        actor=assessor,
        now=NOW + timedelta(days=3),
    )
    sheet = sheets.compute(unit, 2030, NOW)
    row = next(r for r in sheet["evaluation"]["rows"] if r["indicator"] == "领导信息")
    assert row["score"] == 1 and row["checked"]
    [item] = row["evidence"]
    assert item["text"] == "副县长简历：简历未更新" and item["url"] == "https://example.gov.cn/ldxx/3.html"
    assert item["by"] == "assessor" and item["deduction"] == 1.0
    later = sheets.compute(unit, 2030, NOW + timedelta(days=4))
    assert next(r for r in later["evaluation"]["rows"] if r["indicator"] == "领导信息")["score"] == 0


def test_bonus_takes_the_best_ranking_and_deductions_add_up(units, table, auto, assessor):
    unit = units["county"]
    _manual_full(table, unit, assessor)
    bonus, named = _row(table, "全省季度抽查排名"), _row(table, "全省抽查单项问题点名通报")
    for amount in ("3", "5", "1"):
        sheet_services.record_result(
            unit=unit,
            indicator=bonus,
            year=2030,
            amount=amount,
            happened_on=date(2030, 5, 1),
            note=f"全省抽查加 {amount} 分",
            actor=assessor,
            now=NOW - timedelta(days=9),
        )
    for _ in range(2):
        sheet_services.record_result(
            unit=unit,
            indicator=named,
            year=2030,
            amount="0",
            happened_on=date(2030, 6, 1),
            note="点名通报",
            actor=assessor,
            now=NOW - timedelta(days=9),
        )
    evaluation = sheets.compute(unit, 2030, NOW)["evaluation"]
    assert evaluation["bonus"] == 5 and evaluation["deduction"] == 20  # best of 3/5/1; 10 each, no cap
    assert evaluation["raw"] == 85 and evaluation["score"] == 85


def test_a_total_over_100_counts_as_100(units, table, auto, assessor):
    unit = units["county"]
    _manual_full(table, unit, assessor)
    sheet_services.record_result(
        unit=unit,
        indicator=_row(table, "全省季度抽查排名"),
        year=2030,
        amount="3",
        happened_on=date(2030, 4, 1),
        note="第2名",
        actor=assessor,
        now=NOW - timedelta(days=1),
    )
    evaluation = sheets.compute(unit, 2030, NOW)["evaluation"]
    assert evaluation["raw"] == 103 and evaluation["score"] == 100


def test_a_veto_zeroes_the_evaluation_and_shows_the_finding(units, table, auto, assessor):
    unit = units["county"]
    _, veto = auto
    veto[unit.name] = True
    sheet = sheets.compute(unit, 2030, NOW)
    assert sheet["veto"] and sheet["evaluation"]["score"] == 0
    assert sheet["veto_findings"][0]["text"] == "巡查：站点无法访问"
    other = units["area"]
    sheet_services.record_result(
        unit=other,
        indicator=_row(table, "单项否决（其他情形）"),
        year=2030,
        amount="0",
        happened_on=date(2030, 9, 1),
        note="国办抽查：互动回应差",
        actor=assessor,
        now=NOW - timedelta(days=1),
    )
    sheet = sheets.compute(other, 2030, NOW)
    assert sheet["veto"] and sheet["evaluation"]["score"] == 0
    assert "国办抽查：互动回应差" in sheet["veto_findings"][0]["text"]


def test_a_case_that_voids_the_assessment_zeroes_the_evaluation(units, table, auto, assessor):
    unit = units["dept"]
    sheet_services.record_result(
        unit=unit,
        indicator=_row(table, "全省季度抽查不合格"),
        year=2030,
        amount="0",
        happened_on=date(2030, 7, 1),
        note="全省第二季度抽查不合格",
        actor=assessor,
        now=NOW - timedelta(days=1),
    )
    evaluation = sheets.compute(unit, 2030, NOW)["evaluation"]
    assert evaluation["zeroed"] and evaluation["score"] == 0 and evaluation["raw"] == 100


def _submissions(unit, reports: int, adopted_points: list[float], when=NOW - timedelta(days=60)):
    """`reports` items of 信息报送 in all, of which one adopted per entry of `adopted_points`."""
    for n in range(reports - len(adopted_points)):
        Submission.objects.create(
            unit=unit, title=f"信息{n}", body="正文", submitted_at=when, kind=SubmissionKind.INFO
        )
    for n, points in enumerate(adopted_points):
        Submission.objects.create(
            unit=unit,
            title=f"采用{n}",
            body="正文",
            submitted_at=when,
            kind=SubmissionKind.INFO,
            state=SubmissionState.ADOPTED,
            adoption="as_is",
            points=Decimal(str(points)),
            decided_at=when,
        )


def test_assurance_scores_reports_against_the_base_and_adoption_against_the_class_best(units, table, auto):
    county = units["county"]
    _submissions(county, 600, [30, 10])  # 600 reports in all, 40 points
    other_county = OrgUnit.objects.create(name="戊县", kind="county")
    _submissions(other_county, 1, [80])
    dept = units["dept"]
    _submissions(dept, 300, [])  # more than the 240 base: full marks
    assurance = sheets.compute(county, 2030, NOW)["assurance"]
    assert (assurance["reports"], assurance["base"]) == (600, 1200)
    assert assurance["report_score"] == 15.0  # 600 / 1200 × 30
    assert (assurance["adoption_points"], assurance["class_max_points"]) == (40.0, 80.0)
    assert assurance["adoption_score"] == 35.0  # 40 / 80 × 70
    assert assurance["score"] == 50.0
    dept_part = sheets.compute(dept, 2030, NOW)["assurance"]
    assert (
        dept_part["report_score"] == 30.0 and dept_part["adoption_score"] == 0.0
    )  # no unit of its class adopted


def test_the_parts_are_weighted_by_the_units_class(units, table, auto, assessor):
    lost, _ = auto
    lost["content_update"] = 10  # evaluation 90 for everyone
    for unit in units.values():
        _manual_full(table, unit, assessor)
    _submissions(units["county"], 1200, [20])
    _submissions(units["dept"], 120, [10])
    _submissions(units["dept2"], 1, [20])
    document = sheets.compute_year(2030, NOW, [u.pk for u in units.values()])
    got = {s["unit"]: s for s in document["units"]}
    assert got["甲县"]["weights"] == {"evaluation": 0.8, "assurance": 0.2}
    assert got["甲县"]["total"] == 92.0  # 90 × 0.8 + (30 + 70) × 0.2
    assert got["丙局"]["weights"] == {"evaluation": 0.7, "assurance": 0.3}
    assert got["丙局"]["total"] == 78.0  # 90 × 0.7 + (15 + 35) × 0.3: 120 of 240, 10 of the class best 20
    assert got["丁局"]["total"] == 84.04  # 90 × 0.7 + (1 / 240 × 30 + 70) × 0.3 = 63 + 21.0375
    assert got["乙开发区"]["total"] == 72.0  # 90 × 0.8, no reports
    ranked = sheets.rankings(document)
    assert [r["unit"] for r in ranked["city_dept_1"]] == ["丁局", "丙局"]
    assert set(ranked) == {"county", "function_area", "city_dept_1"}


def test_the_same_now_gives_the_same_sheet_and_a_closed_sheet_is_frozen(units, table, auto, assessor):
    unit = units["county"]
    _manual_full(table, unit, assessor)
    first, again = sheets.compute(unit, 2030, NOW), sheets.compute(unit, 2030, NOW)
    assert first == again
    with pytest.raises(ValidationError, match="定稿"):
        sheet_services.close_sheet(unit=units["area"], year=2030, actor=assessor, now=AFTER)
    closed = sheet_services.close_sheet(unit=unit, year=2030, actor=assessor, now=AFTER)
    assert closed.state == SheetState.CLOSED and closed.data["closed_by"] == "assessor"
    _submissions(unit, 100, [50])
    frozen = sheets.compute(unit, 2030, AFTER + timedelta(days=30))
    assert frozen["assurance"]["reports"] == 0 and frozen["state"] == "closed"
    with pytest.raises(ValidationError, match="已定稿"):
        sheet_services.record_finding(
            unit=unit,
            indicator=_row(table, "概况信息"),
            year=2030,
            item="x",
            deduction=0,
            actor=assessor,
            now=AFTER,
        )
    sheet_services.reopen_sheet(unit=unit, year=2030, actor=assessor, now=AFTER, reason="更正抽查记录")
    assert sheets.compute(unit, 2030, AFTER + timedelta(days=30))["assurance"]["reports"] == 100


def test_only_assessors_record_and_bad_amounts_are_refused(units, table, auto, assessor):
    clerk = get_user_model().objects.create_user("clerk", password="Clerk-pass-2026x")
    row = _row(table, "概况信息")
    with pytest.raises(PermissionDenied):
        sheet_services.record_finding(
            unit=units["county"], indicator=row, year=2030, item="x", deduction=0, actor=clerk, now=NOW
        )
    for bad in ("-1", "3", "abc", "NaN"):
        with pytest.raises(ValidationError):
            sheet_services.record_finding(
                unit=units["county"],
                indicator=row,
                year=2030,
                item="机构职能",
                deduction=bad,
                actor=assessor,
                now=NOW,
            )
    with pytest.raises(ValidationError, match="不是人工抽查指标"):
        sheet_services.record_finding(
            unit=units["county"],
            indicator=_row(table, "内容更新"),
            year=2030,
            item="x",
            deduction=0,
            actor=assessor,
            now=NOW,
        )
    with pytest.raises(ValidationError):
        sheet_services.record_bulletin(
            unit=units["county"], year=2030, quarter=5, score=90, actor=assessor, now=NOW
        )
    with pytest.raises(ValidationError):
        sheet_services.record_bulletin(
            unit=units["county"], year=2030, quarter=1, score=101, actor=assessor, now=NOW
        )


def test_a_table_is_copied_to_a_new_year_and_edited_there(table, assessor):
    copy = tables.copy_table(table, 2031, actor=assessor)
    assert copy.indicators.count() == table.indicators.count() and copy.weights == table.weights
    row = copy.indicators.get(name="内容更新")
    row.points = Decimal(12)
    row.save()
    assert table.indicators.get(name="内容更新").points == 15
    with pytest.raises(ValidationError, match="已有"):
        tables.copy_table(table, 2031, actor=assessor)


def test_a_broken_method_is_refused_with_the_place_named():
    data = tables.seed_data()
    data["weights"]["county"] = {"evaluation": 0.8, "assurance": 0.3}
    data["indicators"][0]["points"] = 3
    data["indicators"][2]["source"] = "nowhere"
    with pytest.raises(ValidationError) as caught:
        tables.create_table(2030, data)
    text = " ".join(caught.value.messages)
    assert "县区" in text and "之和应为 1" in text
    assert "发布解读" in text and "不符" in text
    assert "nowhere" in text


def test_the_command_prints_the_contract_and_refuses_bad_input(units, table, auto, assessor):
    out = io.StringIO()
    call_command("assessment", "--year", "2030", "--at", "2030-11-02 10:00", "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert set(document) == {"year", "at", "units"} and document["at"] == "2030-11-02T10:00+08:00"
    sheet = document["units"][0]
    assert {"unit", "unit_class", "veto", "evaluation", "assurance", "weights", "total"} <= set(sheet)
    assert {"rows", "bonus", "deduction", "score"} <= set(sheet["evaluation"])
    assert {"indicator", "points", "score", "basis", "evidence"} <= set(sheet["evaluation"]["rows"][0])
    assert set(sheet["assurance"]) >= {
        "reports",
        "base",
        "report_score",
        "adoption_points",
        "class_max_points",
        "adoption_score",
        "score",
    }
    assert sheet["unit_class"] in {"county", "function_area", "city_dept_1", "city_dept_2"}
    text = io.StringIO()
    call_command("assessment", "--year", "2030", "--unit", "甲县", "--at", "2030-11-02 10:00", stdout=text)
    assert "甲县（县区）" in text.getvalue() and "内容更新" in text.getvalue()
    for args, message in (
        (["--year", "20x6"], "考核年度"),
        (["--year", "2030", "--at", "tomorrow"], "格式不对"),
        (["--year", "2030", "--at", "2030-11-02 10:00", "--unit", "不存在"], "不存在"),
        (["--year", "2032", "--at", "2032-06-01 09:00"], "尚无考核指标表"),
        (["--year", "2030", "--at", "2029-12-01 10:00"], "早于"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("assessment", *args, stdout=io.StringIO())
