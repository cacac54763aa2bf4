"""The public 办事统计 page (its month table, last update, month switching and CSV download), the admin
screens that feed it, and the demo that builds it."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from huimin.conftest import DEMO_NOW
from huimin.demo.builder import load_spec
from huimin.demo.handling_stats import build_handling_statistics_demo
from huimin.guides.models import HandlingStatistic, HandlingStatisticsPage
from huimin.guides.statistics import months_behind, record_month
from huimin.sites.enums import OrgUnitKind
from huimin.sites.models import OrgUnit
from huimin.sites.tests.html import soup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_clock")]
PORTAL = {"HTTP_HOST": "127.0.0.1:8000"}
SLJ = {"HTTP_HOST": "slj.localhost:8000"}
FIGURES = {"received": 10, "completed": 8, "online": 4, "on_time": 8}


def _admin():
    return get_user_model().objects.filter(is_superuser=True).first()


def _table(response):
    document = soup(response.content)
    table = document.select_one("table.stats")
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in table.select("tbody tr, tfoot tr")
    }
    return document, table, rows


def test_the_portal_page_shows_the_latest_month_for_all_units_with_totals_rates_and_last_update(client, demo):
    response = client.get("/bstj/", **PORTAL)
    document, table, rows = _table(response)
    assert table.caption.get_text(strip=True).startswith("2026年10月各单位办件情况")
    assert [th["scope"] for th in table.select("thead th")] == ["col"] * 8
    assert set(rows) == set(OrgUnit.objects.values_list("name", flat=True)) | {"合计"}
    figures = HandlingStatistic.objects.filter(month=date(2026, 10, 1))
    total = sum(f.received for f in figures)
    assert rows["合计"][0] == str(total)
    water = figures.get(unit__name="宿迁市水利局")
    assert rows["宿迁市水利局"][4] == f"{water.completed * 100 / water.received:.1f}%"
    assert "最近更新：2026年11月2日" in document.select_one(".last-updated").get_text(strip=True)
    assert document.select_one("#stats-month option[selected]")["value"] == "2026-10"


def test_a_units_own_site_shows_only_that_unit(client, demo):
    _, _, rows = _table(client.get("/bstj/", **SLJ))
    assert set(rows) == {"宿迁市水利局", "合计"}


def test_choosing_a_month_shows_that_months_table_and_a_bad_month_falls_back_with_a_notice(client, demo):
    _, table, _ = _table(client.get("/bstj/?month=2026-03", **PORTAL))
    assert table.caption.get_text(strip=True).startswith("2026年3月")
    for asked, notice in (("2019-01", "2019年1月暂无数据"), ("abc", "月份格式有误")):
        document, table, _ = _table(client.get(f"/bstj/?month={asked}", **PORTAL))
        assert notice in document.select_one("[role=status]").get_text()
        assert table.caption.get_text(strip=True).startswith("2026年10月")


def test_the_last_update_date_follows_the_newest_recording_of_the_pages_units(client, demo):
    later = DEMO_NOW + timedelta(days=20)
    record_month(OrgUnit.objects.get(name="宿迁市教育局"), date(2026, 11, 1), FIGURES, actor=None, now=later)
    portal = soup(client.get("/bstj/", **PORTAL).content).select_one(".last-updated").get_text(strip=True)
    water = soup(client.get("/bstj/", **SLJ).content).select_one(".last-updated").get_text(strip=True)
    assert portal == "最近更新：2026年11月22日"
    assert water == "最近更新：2026年11月2日"  # another unit's recording does not freshen this page


def test_months_behind_measures_the_gap_to_last_month_as_the_assessment_does(demo):
    page = HandlingStatisticsPage.objects.get(slug="bstj", url_path__startswith="/slj")
    assert months_behind(page, DEMO_NOW) == 0
    assert months_behind(page, DEMO_NOW + timedelta(days=95)) == 3


def test_unit_names_with_markup_are_escaped_on_the_page_and_neutralised_in_the_csv(client, demo):
    evil = OrgUnit.objects.create(
        name='=HYPERLINK("http://x")<script>alert(1)</script>', kind=OrgUnitKind.OTHER
    )
    record_month(evil, date(2026, 10, 1), FIGURES, actor=None, now=DEMO_NOW)
    page = client.get("/bstj/", **PORTAL)
    assert b"<script>alert(1)</script>" not in page.content and b"&lt;script&gt;" in page.content
    export = client.get("/bstj/?format=csv", **PORTAL)
    assert export["Content-Type"].startswith("text/csv") and "attachment" in export["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["月份", "单位"]
    assert any(row[1] == f"'{evil.name}" for row in rows[1:])
    months = {row[0] for row in rows[1:]}
    assert len(months) == 12 and "2025-11" in months


def test_a_page_with_no_figures_says_so(client, demo):
    unit = OrgUnit.objects.create(name="新设单位", kind=OrgUnitKind.OTHER)
    page = HandlingStatisticsPage.objects.get(slug="bstj", url_path__startswith="/slj")
    page.units.set([unit])
    page.save_revision().publish()
    document = soup(client.get("/bstj/", **SLJ).content)
    assert "暂无办事统计数据" in document.get_text() and "最近更新：暂无" in document.get_text()
    assert document.find("table") is None


# --- admin -------------------------------------------------------------------------------------------------


def _login(client, demo, username):
    assert client.login(username=username, password=demo.password)


def test_an_editor_lists_and_edits_only_their_own_units_figures(client, demo):
    _login(client, demo, "slj-editor")
    listing = client.get("/admin/statistics/?month=2026-10", **SLJ)
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "宿迁市水利局" in text and "宿迁市教育局" not in text
    foreign = HandlingStatistic.objects.get(unit__name="宿迁市教育局", month=date(2026, 10, 1))
    assert client.get(f"/admin/statistics/{foreign.pk}/", **SLJ).status_code == 404
    own = HandlingStatistic.objects.get(unit__name="宿迁市水利局", month=date(2026, 10, 1))
    response = client.post(
        f"/admin/statistics/{own.pk}/",
        {
            "unit": own.unit_id,
            "month": "2026-10",
            "received": 500,
            "completed": 400,
            "online": 300,
            "on_time": 390,
        },
        **SLJ,
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.received == 500 and own.source == "手工录入"


def test_the_admin_form_refuses_another_units_and_contradicting_figures_keeping_what_was_typed(client, demo):
    _login(client, demo, "slj-editor")
    education = OrgUnit.objects.get(name="宿迁市教育局")
    form = {
        "unit": education.pk,
        "month": "2024-01",
        "received": 5,
        "completed": 5,
        "online": 5,
        "on_time": 5,
    }
    response = client.post("/admin/statistics/add/", form, **SLJ)
    assert (
        response.status_code == 200 and not HandlingStatistic.objects.filter(month=date(2024, 1, 1)).exists()
    )
    water = OrgUnit.objects.get(name="宿迁市水利局")
    response = client.post("/admin/statistics/add/", {**form, "unit": water.pk, "completed": 9}, **SLJ)
    assert "办结件数不能大于受理件数" in response.content.decode()
    assert 'value="9"' in response.content.decode()
    response = client.post("/admin/statistics/add/", {**form, "unit": water.pk, "month": "2024年1月"}, **SLJ)
    assert response.status_code == 200 and "请按“2026-10”的格式填写统计月份" in response.content.decode()


def test_the_add_form_offers_an_editor_only_their_own_units(client, demo):
    _login(client, demo, "slj-editor")
    response = client.get("/admin/statistics/add/", **SLJ)
    options = soup(response.content).select("select[name=unit] option")
    assert [o.get_text(strip=True) for o in options] == ["宿迁市水利局"]
    assert "/admin/statistics/" in client.get("/admin/", **SLJ).content.decode()  # the menu item is shown


def test_a_message_handler_cannot_open_the_statistics_admin(client, demo):
    _login(client, demo, "slj-handler")
    assert client.get("/admin/statistics/", **SLJ).status_code in (302, 403)
    assert "/admin/statistics/" not in client.get("/admin/", **SLJ).content.decode()


def test_the_import_page_shows_the_row_report_and_refuses_an_oversized_upload(client, demo, settings):
    _login(client, demo, "slj-editor")
    data = (
        "单位,月份,受理件数,办结件数,网上办理件数,按时办结件数\n"
        "宿迁市水利局,2024-01,3,3,3,3\n"
        "<b>坏</b>,2024-01,1,1,1,1\n"
    )
    upload = SimpleUploadedFile("统计.csv", data.encode("gbk"), content_type="text/csv")
    response = client.post("/admin/statistics/import/", {"file": upload}, **SLJ)
    text = response.content.decode()
    assert "第 3 行" in text and "&lt;b&gt;坏&lt;/b&gt;" in text and "<b>坏</b>" not in text
    assert HandlingStatistic.objects.filter(unit__name="宿迁市水利局", month=date(2024, 1, 1)).exists()
    settings.HUIMIN_STATISTICS_IMPORT_MAX_MB = 1
    big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1), content_type="text/csv")
    assert "不能超过 1 MB" in client.post("/admin/statistics/import/", {"file": big}, **SLJ).content.decode()
    exe = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    assert (
        "只能导入 CSV 或 XLSX"
        in client.post("/admin/statistics/import/", {"file": exe}, **SLJ).content.decode()
    )
    template = client.get("/admin/statistics/import/?template=csv", **SLJ)
    assert template.content.decode("utf-8-sig").startswith("单位,月份,受理件数")


# --- demo --------------------------------------------------------------------------------------------------


def test_the_demo_has_twelve_months_per_unit_up_to_last_month_and_running_it_again_adds_nothing(demo):
    months = set(HandlingStatistic.objects.values_list("month", flat=True))
    assert len(months) == 12 and max(months) == date(2026, 10, 1) and min(months) == date(2025, 11, 1)
    assert HandlingStatistic.objects.count() == 12 * OrgUnit.objects.count()
    assert HandlingStatisticsPage.objects.live().count() == 3
    before = (HandlingStatistic.objects.count(), HandlingStatisticsPage.objects.count())
    assert build_handling_statistics_demo(load_spec(), DEMO_NOW, _admin()) == 0
    assert (HandlingStatistic.objects.count(), HandlingStatisticsPage.objects.count()) == before
    assert all(s.updated_at <= DEMO_NOW for s in HandlingStatistic.objects.all())
