"""值班读网 in the annual assessment: the working days without a reading record on the unit's sites are
listed month by month under 日常监管 · 市级检查 with the deduction that `assessment/data/duty_reading.json`
sets, up to its cap; a site that never had a roster gets a note and no deduction."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from huimin.assessment import indicators, sheets
from huimin.assessment.indicators import duty as duty_rows
from huimin.assessment.models import IndicatorTable
from huimin.assessment.services import sheets as sheet_services
from huimin.assessment.services import tables
from huimin.operations import services
from huimin.operations.enums import Rotation
from huimin.sites.enums import Role

from .helpers import SH, make_site, person, platform_admin

pytestmark = pytest.mark.django_db
YEAR = 2030
NOW = datetime(2030, 4, 30, 10, 0, tzinfo=SH)
MISSED = {date(2030, 3, 27), date(2030, 4, 3), date(2030, 4, 10), date(2030, 4, 17)}


@pytest.fixture
def county():
    IndicatorTable.objects.filter(year=YEAR).exists() or tables.seed_table(YEAR)
    unit, site = make_site("考核", kind="county")
    reader = person(site, unit, Role.EDITOR, name="读网员")
    services.arrange_roster(
        site,
        people=[reader],
        start=date(2030, 3, 25),
        end=date(2030, 4, 30),
        rotation=Rotation.DAILY,
        now=datetime(2030, 3, 25, 9, 0, tzinfo=SH),
    )
    day = date(2030, 3, 25)
    while day < NOW.date():
        if day.weekday() < 5 and day not in MISSED:
            at = datetime(day.year, day.month, day.day, 16, 0, tzinfo=SH)
            services.record_reading(site, day=day, pages_read=8, actor=reader, now=at)
        day += timedelta(days=1)
    return unit, site


def _city_checks(unit, now=NOW):
    ctx = indicators.Context(
        unit,
        sheets.unit_class(unit),
        sheets.sites_of(unit),
        YEAR,
        now,
        *sheets.year_bounds(YEAR, now),
        sheets.table_for(YEAR),
    )
    row = sheets.table_for(YEAR).indicators.get(source="city_checks")
    return indicators.load()["city_checks"](ctx, row)


def test_the_missed_days_are_deducted_month_by_month_under_city_checks(county):
    unit, site = county
    sheet_services.record_bulletin(unit=unit, year=YEAR, quarter=1, score=90, actor=platform_admin(), now=NOW)
    result = _city_checks(unit)
    duty = [item for item in result.evidence if "值班读网" in item.text]
    assert [(item.text.split("：")[0], item.deduction) for item in duty] == [
        ("考核测试网站 2030年3月值班读网未记录 1 个工作日", 0.1),
        ("考核测试网站 2030年4月值班读网未记录 3 个工作日", 0.3),
    ]
    assert "4月3日、4月10日、4月17日" in duty[1].text and "每个工作日扣 0.1 分" in duty[1].text
    assert duty[1].url == reverse("operations_duty_site", args=[site.pk]) + "?month=2030-04"
    assert result.score == pytest.approx(4.5 - 0.4)  # Q1's 90 × 5 %, less the missed days
    # The sheet shows the same under 日常监管 · 市级检查.
    document = sheets.compute(unit, YEAR, NOW)
    row = next(r for r in document["evaluation"]["rows"] if r["indicator"] == "市级检查")
    assert row["score"] == 4.1
    assert sum(item["deduction"] or 0 for item in row["evidence"]) == pytest.approx(0.4)


def test_the_deduction_stops_at_the_cap_and_can_be_switched_off(county, monkeypatch):
    unit, _site = county
    monkeypatch.setattr(duty_rows, "rules", lambda: ("city_checks", 0.1, 0.15))
    duty = [item for item in _city_checks(unit).evidence if "值班读网" in item.text]
    assert [item.deduction for item in duty] == [0.1, 0.05]
    monkeypatch.setattr(duty_rows, "rules", lambda: ("city_checks", 0.1, 0.1))
    duty = [item for item in _city_checks(unit).evidence if "值班读网" in item.text]
    assert duty[0].deduction == 0.1 and duty[1].deduction is None and "已达全年扣分上限" in duty[1].text
    monkeypatch.setattr(duty_rows, "rules", lambda: ("city_checks", 0.0, 2.0))
    duty = [item for item in _city_checks(unit).evidence if "值班读网" in item.text]
    assert all(item.deduction is None and "不扣分" in item.text for item in duty)


def test_a_day_today_is_not_missed_yet_and_a_site_without_a_roster_gets_a_note(county):
    unit, _site = county
    # Earlier, before the April days were missed, only March counts.
    early = _city_checks(unit, datetime(2030, 4, 3, 11, 0, tzinfo=SH))
    assert [item.deduction for item in early.evidence if "值班读网未记录" in item.text] == [0.1]
    other_unit, _other_site = make_site("无值班", kind="county")
    notes = [item.text for item in _city_checks(other_unit).evidence if "值班读网" in item.text]
    assert notes == ["无值班测试网站：尚未安排值班读网，本年度无值班记录可查"]


def test_the_shipped_rules_are_valid():
    source, each, cap = duty_rows.rules()
    assert source == "city_checks" and each >= 0 and cap >= each
