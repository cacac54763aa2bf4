"""The demo's 年度考核: a finished 2025 assessment (every unit's sheet closed on 15 January 2026 with its data
frozen) and a 2026 assessment in progress at the demo's clock, with the records behind both (bulletins, manual
findings, outside results, 信息报送, patrol runs); and `huimin assessment` on it: the JSON contract's keys,
one unit's rows as text, and bad input refused in Chinese."""

import json
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from huimin.assessment import sheets
from huimin.assessment.enums import Basis, SheetState, SubmissionKind, SubmissionState
from huimin.assessment.models import (
    IndicatorTable,
    ManualFinding,
    OutsideResult,
    QuarterBulletin,
    ScoreSheet,
    Submission,
)
from huimin.conftest import DEMO_NOW
from huimin.demo.assessment import build_assessment_demo
from huimin.demo.builder import load_spec
from huimin.inspection.models import Run, Target
from huimin.workdays.working_time import SHANGHAI

pytestmark = pytest.mark.django_db

CLOSED_AT = datetime(2026, 1, 15, 10, 0, tzinfo=SHANGHAI)
WEIGHTS = {
    "county": (0.8, 0.2),
    "function_area": (0.8, 0.2),
    "city_dept_1": (0.7, 0.3),
    "city_dept_2": (0.7, 0.3),
}
# The `huimin assessment --json` contract (docs/assessment.md) and the engine's extra keys, exactly.
DOCUMENT_KEYS = {"year", "at", "units"}
UNIT_KEYS = {
    "unit",
    "unit_class",
    "veto",
    "evaluation",
    "assurance",
    "weights",
    "total",
    # extras
    "unit_id",
    "state",
    "veto_findings",
    "sites",
}
EVALUATION_KEYS = {"rows", "bonus", "deduction", "score", "adjustments", "zeroed", "raw"}
ROW_KEYS = {"indicator", "points", "score", "basis", "evidence", "group", "checked"}
ASSURANCE_KEYS = {
    "reports",
    "base",
    "report_score",
    "adoption_points",
    "class_max_points",
    "adoption_score",
    "score",
    "links",
    "interviews",
}
WEIGHT_KEYS = {"evaluation", "assurance"}


def _units():
    return sheets.assessed_units()


def _run(*args) -> str:
    out = StringIO()
    call_command("assessment", *args, stdout=out)
    return out.getvalue()


def test_the_demo_assesses_every_kind_of_unit(demo):
    classes = {sheets.unit_class(unit) for unit in _units()}
    assert classes == set(WEIGHTS)
    assert set(IndicatorTable.objects.values_list("year", flat=True)) >= {2025, 2026}


def test_every_2025_sheet_is_closed_on_15_january_with_its_data_frozen(demo):
    admin = get_user_model().objects.get(username="admin")
    units = _units()
    closed = {s.unit_id: s for s in ScoreSheet.objects.filter(year=2025)}
    assert set(closed) == {unit.pk for unit in units}
    for unit in units:
        sheet = closed[unit.pk]
        assert sheet.state == SheetState.CLOSED, unit.name
        assert sheet.closed_at == CLOSED_AT and sheet.at == CLOSED_AT and sheet.closed_by == admin
        data = sheet.data
        assert (
            data["state"] == "closed"
            and data["unit"] == unit.name
            and data["closed_at"].startswith("2026-01-15T10:00")
        )
        assert 0 <= data["total"] <= 100 and data["evaluation"]["rows"], unit.name
        # Every manual row of 2025 was checked, so nothing was closed at full points unseen.
        manual = [row for row in data["evaluation"]["rows"] if row["basis"] == Basis.MANUAL]
        assert manual and all(row["checked"] for row in manual), unit.name
        assert all(row["evidence"] for row in manual)
        # The finished year has all four quarterly bulletins.
        assert QuarterBulletin.objects.filter(unit=unit, year=2025).count() == 4

    # Frozen: an adoption recorded in 2025 after the closing does not move the closed sheet.
    county = next(unit for unit in units if unit.name == "沭阳县")
    before = sheets.compute(county, 2025, DEMO_NOW)
    Submission.objects.create(
        unit=county,
        kind=SubmissionKind.INFO,
        title="定稿后补录的信息",
        body="正文",
        submitted_at=datetime(2025, 12, 30, 9, 0, tzinfo=SHANGHAI),
        state=SubmissionState.ADOPTED,
        points=Decimal(500),
        decided_at=datetime(2025, 12, 31, 9, 0, tzinfo=SHANGHAI),
    )
    assert sheets.compute(county, 2025, DEMO_NOW) == before == closed[county.pk].data
    # … while the open 2026 sheet does move with a 2026 adoption (the freeze is what kept 2025 still).
    in_progress = sheets.compute(county, 2026, DEMO_NOW)["assurance"]["adoption_points"]
    Submission.objects.create(
        unit=county,
        kind=SubmissionKind.INFO,
        title="新采用的信息",
        body="正文",
        submitted_at=DEMO_NOW - timedelta(days=3),
        state=SubmissionState.ADOPTED,
        points=Decimal(7),
        decided_at=DEMO_NOW - timedelta(days=2),
    )
    assert sheets.compute(county, 2026, DEMO_NOW)["assurance"]["adoption_points"] == in_progress + 7


def test_the_2026_assessment_is_in_progress_at_the_demo_clock(demo):
    document = sheets.compute_year(2026, DEMO_NOW)
    units = _units()
    assert [sheet["unit_id"] for sheet in document["units"]] == [unit.pk for unit in units]
    assert not ScoreSheet.objects.filter(year=2026, state=SheetState.CLOSED).exists()
    for sheet in document["units"]:
        name = sheet["unit"]
        assert sheet["state"] == "open", name
        assert 0 <= sheet["total"] <= 100, name
        assert 0 <= sheet["evaluation"]["score"] <= 100 and 0 <= sheet["assurance"]["score"] <= 100, name
        evaluation, assurance = WEIGHTS[sheet["unit_class"]]
        assert sheet["weights"] == {"evaluation": evaluation, "assurance": assurance}, name
        expected = sheet["evaluation"]["score"] * evaluation + sheet["assurance"]["score"] * assurance
        assert sheet["total"] == pytest.approx(expected, abs=0.01), name
        # Three quarters are in (the fourth comes in January), and 信息报送 is under way.
        quarters = QuarterBulletin.objects.filter(unit_id=sheet["unit_id"], year=2026)
        assert sorted(quarters.values_list("quarter", flat=True)) == [1, 2, 3], name
        assert 0 < sheet["assurance"]["reports"] < sheet["assurance"]["base"] * 1.2, name
        rows = {row["indicator"]: row for row in sheet["evaluation"]["rows"]}
        assert rows["概况信息"]["checked"] and rows["领导信息"]["checked"], name
        assert not rows["在线申请"]["checked"], name  # not sampled yet this year
    # The class leader in adoption points scores the full 70 for adoption.
    for klass in WEIGHTS:
        best = max(
            (s for s in document["units"] if s["unit_class"] == klass),
            key=lambda s: s["assurance"]["adoption_points"],
        )
        assert best["assurance"]["adoption_score"] == 70.0, klass


def test_the_demo_records_behind_the_sheets(demo):
    # Findings of 2025 on every manual row, of 2026 on some; a bonus for one county, a deduction for another.
    manual_2025 = ManualFinding.objects.filter(year=2025)
    table = IndicatorTable.objects.get(year=2025)
    manual_rows = {row.pk for row in table.indicators.all() if row.basis == Basis.MANUAL}
    assert set(manual_2025.values_list("indicator_id", flat=True)) == manual_rows
    assert manual_2025.filter(deduction__gt=0).exists()
    assert ManualFinding.objects.filter(year=2026).exists()
    bonus = OutsideResult.objects.filter(year=2025, indicator__kind="bonus").get()
    deduction = OutsideResult.objects.filter(year=2025, indicator__kind="deduction").get()
    assert (bonus.unit.name, deduction.unit.name) == ("沭阳县", "宿城区")
    bonus_sheet = ScoreSheet.objects.get(unit=bonus.unit, year=2025).data["evaluation"]
    deduction_sheet = ScoreSheet.objects.get(unit=deduction.unit, year=2025).data["evaluation"]
    assert bonus_sheet["bonus"] == 3.0 and deduction_sheet["deduction"] == 5.0
    # 信息报送 in every adoption kind, rejected ones with a reason, and this autumn's through the services.
    for year in (2025, 2026):
        items = Submission.objects.filter(submitted_at__year=year)
        assert set(items.filter(state="adopted").values_list("adoption", flat=True)) == {
            "as_is",
            "rewritten",
            "topic",
        }
        assert items.filter(state="rejected").exclude(reason="").exists()
        assert set(items.values_list("kind", flat=True)) == set(SubmissionKind.values)
    assert Submission.objects.filter(
        state="submitted", submitted_at__gt=DEMO_NOW - timedelta(days=30)
    ).exists()
    # Patrol runs on every site in each year, recorded by the inspection service.
    for target in Target.objects.filter(site__isnull=False):
        for year in (2025, 2026):
            assert Run.objects.filter(target=target, started__year=year).exists(), (target.name, year)


def test_building_the_assessment_demo_again_adds_nothing(demo):
    admin = get_user_model().objects.get(username="admin")
    counts = (Submission.objects.count(), ManualFinding.objects.count(), Run.objects.count())
    assert build_assessment_demo(load_spec(), DEMO_NOW + timedelta(days=1), admin) == 0
    assert (Submission.objects.count(), ManualFinding.objects.count(), Run.objects.count()) == counts


def test_the_command_prints_the_json_contract_with_its_keys_exactly(demo):
    document = json.loads(_run("--year", "2026", "--at", "2026-11-02 10:00", "--json"))
    assert set(document) == DOCUMENT_KEYS
    assert document["year"] == 2026 and document["at"] == "2026-11-02T10:00+08:00"
    assert len(document["units"]) == len(_units())
    for sheet in document["units"]:
        assert set(sheet) == UNIT_KEYS, sheet["unit"]
        assert sheet["unit_class"] in WEIGHTS
        assert set(sheet["evaluation"]) == EVALUATION_KEYS
        assert set(sheet["assurance"]) == ASSURANCE_KEYS
        assert set(sheet["weights"]) == WEIGHT_KEYS
        assert isinstance(sheet["veto"], bool)
        for row in sheet["evaluation"]["rows"]:
            assert set(row) == ROW_KEYS, row["indicator"]
            assert row["basis"] in Basis.values
            assert 0 <= row["score"] <= row["points"]
            for item in row["evidence"]:
                assert {"text", "url", "deduction"} <= set(item) <= {"text", "url", "deduction", "by", "at"}
    # The closed year is printed as it was frozen.
    closed = json.loads(_run("--year", "2025", "--at", "2026-11-02 10:00", "--json"))
    assert all(sheet["state"] == "closed" for sheet in closed["units"])


def test_the_command_prints_one_units_rows(demo):
    text = _run("--year", "2026", "--unit", "沭阳县", "--at", "2026-11-02 10:00")
    assert "沭阳县（县区）" in text
    table = IndicatorTable.objects.get(year=2026)
    for row in table.indicators.filter(kind="indicator"):
        assert f"{row.group}·{row.name}" in text, row.name
    assert "（未抽查）" in text  # 在线申请 is not sampled yet in 2026
    assert "综合得分" in text and "评测 × 0.8 + 内容保障 × 0.2" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "20x6"), "考核年度“20x6”无效"),
        (("--year", "2026", "--at", "tomorrow"), "--at “tomorrow”格式不对"),
        (("--year", "2026", "--unit", "不存在"), "单位“不存在”不存在"),
        (("--year", "2026", "--unit", "<script>alert(1)</script>"), "不存在"),
        (("--year", "2024", "--at", "2026-11-02 10:00"), "2024 年尚无考核指标表"),
    ],
)
def test_bad_input_exits_with_a_chinese_message(demo, args, message):
    with pytest.raises(CommandError) as raised:
        _run(*args)
    assert raised.value.returncode == 2
    assert message in str(raised.value)
