"""The quality score and freshness of a dataset: each part's points and reasons, lateness against the
declared frequency and the assessment's 3 months, and the validation of the rules' data files."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from huimin.opendata import quality as q
from huimin.opendata import services
from huimin.opendata.enums import OpenType, UpdateFrequency
from huimin.opendata.models import DatasetPage

from .factories import NOW, csv_bytes, make_catalog, make_dataset, make_resource, tiny_site, xlsx_bytes

pytestmark = pytest.mark.django_db
COMPLETE = {
    "keywords": "测试,数据",
    "temporal_start": NOW.date().replace(year=2025),
    "spatial": "宿迁市",
    "contact_name": "市大数据中心",
    "contact_phone": "0527-84300000",
    "contact_email": "data@suqian.example.cn",
}
DOCUMENTED = csv_bytes([["区县", "人数"], ["沭阳县", "12"], ["泗阳县", "7"]])


@pytest.fixture
def catalog():
    return make_catalog(tiny_site())


def _dataset(catalog, **fields):
    return make_dataset(catalog=catalog, **{**COMPLETE, **fields})


def test_a_complete_fresh_documented_csv_dataset_scores_100_without_reasons(catalog):
    dataset = _dataset(catalog)
    make_resource(dataset, DOCUMENTED, now=NOW - timedelta(days=3))
    result = q.quality(dataset, NOW)
    assert (result.score, result.reasons, result.late) == (100, [], False)
    assert result.last_updated == NOW - timedelta(days=3)
    assert result.due == NOW - timedelta(days=3) + timedelta(days=35)


def test_missing_metadata_costs_its_share_and_names_the_fields(catalog):
    dataset = _dataset(catalog, contact_phone="", contact_email="", open_type=OpenType.CONDITIONAL)
    make_resource(dataset, DOCUMENTED, now=NOW)
    result = q.quality(dataset, NOW)
    # 9 fields counted (8 listed + the condition of a conditional dataset), 3 missing: 30 * 6/9 = 20.
    assert result.parts["metadata"] == pytest.approx(20)
    assert result.score == 90
    assert result.reasons == ["元数据不完整，缺少：联系电话、联系邮箱、开放条件（扣10分）。"]


def test_a_monthly_dataset_not_updated_for_40_days_is_late_and_loses_its_freshness(catalog):
    dataset = _dataset(catalog, update_frequency=UpdateFrequency.MONTHLY)
    make_resource(dataset, DOCUMENTED, now=NOW - timedelta(days=40))
    result = q.quality(dataset, NOW)
    assert result.late and result.parts["freshness"] == 0 and result.score == 70
    assert result.due == NOW - timedelta(days=5)
    assert "未按声明的更新频率（每月）更新" in result.reasons[0] and "应在" in result.reasons[0]
    assert not q.quality(dataset, NOW - timedelta(days=6)).late


def test_a_yearly_dataset_older_than_three_months_is_on_time_but_loses_half_its_freshness(catalog):
    dataset = _dataset(catalog, update_frequency=UpdateFrequency.YEARLY)
    make_resource(dataset, DOCUMENTED, now=NOW - timedelta(days=100))
    result = q.quality(dataset, NOW)
    assert not result.late and result.parts["freshness"] == pytest.approx(15) and result.score == 85
    assert result.reasons == [
        f"最近更新为 {(NOW - timedelta(days=100)):%Y-%m-%d}，已超过 3 个月；"
        "考核要求开放数据 3 个月内更新（扣15分）。"
    ]


def test_a_dataset_without_resources_scores_only_its_metadata_and_is_late_after_its_period(catalog):
    dataset = _dataset(catalog, update_frequency=UpdateFrequency.WEEKLY)
    result = q.quality(dataset, NOW)
    assert result.score == 30 and result.last_updated is None
    assert "尚未上传可用的数据（扣30分）。" in result.reasons and "没有数据资源（扣20分）。" in result.reasons
    published = dataset.first_published_at
    assert result.due == published + timedelta(days=9)
    assert q.quality(dataset, published + timedelta(days=10)).late


def test_an_xlsx_only_resource_counts_half_as_machine_readable(catalog):
    dataset = _dataset(catalog)
    make_resource(dataset, xlsx_bytes([["区县", "人数"], ["沭阳县", 12]]), name="人数.xlsx", now=NOW)
    result = q.quality(dataset, NOW)
    assert result.parts["machine_readable"] == pytest.approx(10) and result.score == 90
    assert any("XLSX 格式" in reason for reason in result.reasons)


def test_columns_without_a_meaningful_title_or_description_are_counted_as_undocumented(catalog):
    dataset = _dataset(catalog)
    _, version = make_resource(dataset, csv_bytes([["区县", "列1", "c2"], ["沭阳县", "1", "2"]]), now=NOW)
    result = q.quality(dataset, NOW)
    assert result.parts["columns"] == pytest.approx(20 / 3)
    assert any(reason.startswith("字段列1、c2缺少说明") for reason in result.reasons)
    described = [{**c, "description": "说明"} for c in version.columns]
    services.set_columns(version, described, actor=None, now=NOW)
    assert q.quality(DatasetPage.objects.get(pk=dataset.pk), NOW).parts["columns"] == pytest.approx(20)


def test_late_datasets_lists_only_the_late_ones_most_overdue_first(catalog):
    fresh = _dataset(catalog, title="按期")
    very = _dataset(catalog, title="严重逾期")
    little = _dataset(catalog, title="稍有逾期")
    make_resource(fresh, DOCUMENTED, now=NOW - timedelta(days=2))
    make_resource(very, DOCUMENTED, now=NOW - timedelta(days=90))
    make_resource(little, DOCUMENTED, now=NOW - timedelta(days=40))
    late = q.late_datasets(DatasetPage.objects.child_of(catalog), NOW)
    assert [item[0].title for item in late] == ["严重逾期", "稍有逾期"]


def _rules_data():
    quality = json.loads((q.DATA_DIR / "quality.json").read_text(encoding="utf-8"))
    frequencies = json.loads((q.DATA_DIR / "frequencies.json").read_text(encoding="utf-8"))
    return quality, frequencies


def test_the_shipped_rules_are_valid():
    rules = q.parse_rules(*_rules_data())
    assert sum(rules.weights.values()) == 100 and rules.assessment_days == 92


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d, f: d["weights"].update(metadata=50), "summing to 100"),
        (lambda d, f: d["weights"].pop("columns"), "weights must name"),
        (lambda d, f: d["metadata_fields"].update(no_such_field="无"), "unknown dataset fields"),
        (lambda d, f: d.update(placeholder_titles=["("]), "bad placeholder pattern"),
        (lambda d, f: f.pop("weekly"), "lacks"),
        (lambda d, f: d.update(stale_share=2), "stale_share"),
    ],
)
def test_broken_rules_are_refused_with_the_reason(change, message):
    quality, frequencies = _rules_data()
    change(quality, frequencies)
    with pytest.raises(ImproperlyConfigured, match=message):
        q.parse_rules(quality, frequencies)
