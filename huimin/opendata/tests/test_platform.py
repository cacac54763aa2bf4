"""Platform data as open data: the portal's message statistics and holiday calendar datasets keep
themselves up to date, adding a version only when the generated content changed."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from huimin.letters.queries import monthly_figures
from huimin.opendata import platform
from huimin.opendata.models import DataCatalogPage, DatasetPage, ResourceVersion
from huimin.workdays.models import CalendarDay, WorkCalendar

from .factories import NOW, make_catalog, site_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(demo):
    return make_catalog(site_root(), aggregate_group=True)


def _versions(key):
    return ResourceVersion.objects.filter(resource__dataset__platform_source=key).count()


def test_a_second_refresh_with_nothing_changed_adds_no_version(portal):
    first = platform.refresh(NOW)
    assert {r.source for r in first} == {"letter-statistics", "holidays"}
    counts = {key: _versions(key) for key in ("letter-statistics", "holidays")}
    assert all(count >= 1 for count in counts.values())
    second = platform.refresh(NOW)
    assert [r.changed for r in second] == [False, False]
    assert [r.message for r in second] == ["内容未变化", "内容未变化"]
    assert {key: _versions(key) for key in counts} == counts


def test_a_new_holiday_adds_exactly_one_version_to_the_holiday_dataset(portal):
    platform.refresh(NOW)
    before = {key: _versions(key) for key in ("letter-statistics", "holidays")}
    calendar = WorkCalendar.objects.get(is_default=True)
    CalendarDay.objects.create(calendar=calendar, date=date(2031, 10, 1), kind="holiday", name="国庆节")
    results = {r.source: r for r in platform.refresh(NOW + timedelta(days=1))}
    assert results["holidays"].changed and not results["letter-statistics"].changed
    assert _versions("holidays") == before["holidays"] + 1
    assert _versions("letter-statistics") == before["letter-statistics"]
    dataset = DatasetPage.objects.get(platform_source="holidays")
    current = dataset.resources.get().current_version
    assert current.changes["rows_added"] == 1 and current.uploaded_at == NOW + timedelta(days=1)
    assert platform.refresh(NOW + timedelta(days=2))[1].changed is False


def test_the_datasets_sit_in_the_portal_catalog_with_documented_columns(portal):
    platform.refresh(NOW)
    dataset = DatasetPage.objects.get(platform_source="letter-statistics")
    assert (
        dataset.get_parent().pk == DataCatalogPage.objects.filter(aggregate_group=True).order_by("path")[0].pk
    )
    assert dataset.live and dataset.unit.name == "宿迁市人民政府办公室"
    columns = dataset.resources.get().current_version.columns
    assert [c["name"] for c in columns][:3] == ["月份", "网站", "收到留言"]
    assert all(c["description"] for c in columns)
    assert {c["name"]: c["type"] for c in columns}["按时答复率"] == "number"


def test_the_message_statistics_leave_out_the_current_month_and_match_the_public_figures(portal):
    rows = platform.letter_statistics_rows(NOW)
    assert rows and all(row[0] < "2026-11" for row in rows)
    month, site_name = rows[0][0], rows[0][1]
    from wagtail.models import Site

    site = next(s for s in Site.objects.all() if platform._site_name(s) == site_name)
    figures = monthly_figures(site, None, int(month[:4]), int(month[5:]))
    assert rows[0][2:5] == [figures.received, figures.answered, figures.on_time]


def test_without_an_aggregating_catalog_the_refresh_is_refused_with_a_reason(demo):
    DataCatalogPage.objects.update(aggregate_group=False)
    with pytest.raises(platform.PlatformDataError, match="汇集全市数据集"):
        platform.refresh(NOW)
    with pytest.raises(CommandError, match="汇集全市数据集"):
        call_command("opendata-refresh", "--json")


def test_the_command_reports_each_dataset_as_json(portal, capsys, time_machine):
    time_machine.move_to(NOW)
    call_command("opendata-refresh", "--json")
    report = json.loads(capsys.readouterr().out)
    assert [item["source"] for item in report] == ["letter-statistics", "holidays"]
    assert all(item["version"] >= 1 and item["url"].endswith("/") for item in report)
    call_command("opendata-refresh", "--json")
    assert all(item["changed"] is False for item in json.loads(capsys.readouterr().out))
