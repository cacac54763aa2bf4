"""The admin of the annual report: 生成年度报告 offers only the sites and units a person may report for and
goes through `make_report`; 重新计算平台数据 and the staff's DOCX/XLSX of a draft; another site's or unit's
staff are refused at every screen and export (the admin's refusal for the screen they have no business on,
404 for a report they may not see)."""

from __future__ import annotations

import io

import pytest
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import PageLogEntry, Site

from huimin.disclosure import report
from huimin.disclosure.models import AnnualReportPage
from huimin.disclosure.report_admin import ReportMenuItem
from huimin.disclosure.tests.factories import at
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(demo_clock):
    """The screens read the clock (a report's year may not be after this year): pinned to the demo's now,
    before any login, so no outcome depends on the day the suite runs."""
    return demo_clock


NOW = at("2026-11-02 10:00")
NEW = "/admin/disclosure/reports/new/"


@pytest.fixture
def people(demo, django_user_model):
    users = django_user_model.objects
    return {
        "slj": Site.objects.get(hostname="slj.localhost"),
        "portal": Site.objects.get(hostname="127.0.0.1"),
        "water": OrgUnit.objects.get(name="宿迁市水利局"),
        "admin": users.get(username="admin"),
        "slj_admin": users.get(username="slj-siteadmin"),
        "jyj_admin": users.get(username="jyj-siteadmin"),
        "slj_leader": users.get(username="slj-leader"),
        "slj_handler": users.get(username="slj-handler"),
        "slj_editor": users.get(username="slj-editor"),
    }


def _as(client, user):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(user)
    return client


def test_the_form_offers_only_the_sites_one_may_report_for(client, people):
    html = _as(client, people["slj_admin"]).get(NEW).content.decode()
    assert f'<option value="{people["slj"].pk}"' in html
    assert f'<option value="{people["portal"].pk}"' not in html
    assert "生成报告草稿" in html
    everything = _as(client, people["admin"]).get(NEW).content.decode()
    assert all(f'<option value="{site.pk}"' in everything for site in Site.objects.all())


def test_a_site_admin_makes_the_report_and_lands_in_the_editor(client, people):
    response = _as(client, people["slj_admin"]).post(
        NEW, {"site": people["slj"].pk, "unit": "", "year": 2024}
    )
    page = AnnualReportPage.objects.get(year=2024, unit=None, title__startswith="宿迁市水利局")
    assert response.status_code == 302 and response["Location"] == reverse(
        "wagtailadmin_pages:edit", args=[page.pk]
    )
    assert not page.live and page.get_latest_revision().user == people["slj_admin"]
    again = client.post(NEW, {"site": people["slj"].pk, "unit": "", "year": 2024})
    assert again.status_code == 200 and "已经存在" in again.content.decode()
    assert AnnualReportPage.objects.filter(year=2024, title__startswith="宿迁市水利局").count() == 1


@pytest.mark.parametrize(
    ("year", "words"), [("abc", "请填写四位数字的年份"), (2027, "2026 年之间"), (2001, "不能早于 2008 年")]
)
def test_a_bad_year_gets_a_chinese_error(client, people, year, words):
    response = _as(client, people["slj_admin"]).post(
        NEW, {"site": people["slj"].pk, "unit": "", "year": year}
    )
    assert response.status_code == 200 and words in response.content.decode()
    assert not AnnualReportPage.objects.filter(year=year if isinstance(year, int) else 0).exists()


def test_another_sites_admin_cannot_make_its_report(client, people):
    response = _as(client, people["jyj_admin"]).post(
        NEW, {"site": people["slj"].pk, "unit": "", "year": 2024}
    )
    assert response.status_code == 200 and "请选择您可以为其生成报告的网站" in response.content.decode()
    assert not AnnualReportPage.objects.filter(year=2024, title__startswith="宿迁市水利局").exists()


def test_a_unit_leader_makes_only_the_units_report(client, people):
    _as(client, people["slj_leader"])
    whole = client.post(NEW, {"site": people["slj"].pk, "unit": "", "year": 2024})
    assert "您只能为本单位生成报告" in whole.content.decode()
    portal_unit = OrgUnit.objects.get(name="宿迁市民政局")
    other = client.post(NEW, {"site": people["slj"].pk, "unit": portal_unit.pk, "year": 2024})
    assert other.status_code == 200 and not AnnualReportPage.objects.filter(unit=portal_unit).exists()
    made = client.post(NEW, {"site": people["slj"].pk, "unit": people["water"].pk, "year": 2024})
    assert made.status_code == 302
    assert AnnualReportPage.objects.filter(year=2024, unit=people["water"]).exists()


def test_people_with_no_report_to_make_are_refused_the_screen_and_see_no_menu(client, people):
    for user in (people["slj_handler"], people["slj_editor"]):
        refused = _as(client, user).get(NEW)  # Wagtail's admin turns the 403 into its home with a message
        assert refused.status_code == 302 and refused["Location"] == "/admin/"
        assert client.post(NEW, {"site": people["slj"].pk, "unit": "", "year": 2024}).status_code == 302
        assert not AnnualReportPage.objects.filter(year=2024, title__startswith="宿迁市水利局").exists()
        request = RequestFactory().get("/admin/")
        request.user = user
        assert not ReportMenuItem("生成年度报告", NEW).is_shown(request)
    request = RequestFactory().get("/admin/")
    request.user = people["slj_admin"]
    assert ReportMenuItem("生成年度报告", NEW).is_shown(request)


def test_recompute_and_the_staff_exports_are_the_reporters_alone(client, people):
    page = report.make_report(people["slj"], 2023, actor=people["admin"], now=NOW)
    recompute = reverse("disclosure_report_recompute", args=[page.pk])
    docx = reverse("disclosure_report_export", args=[page.pk, "docx"])
    xlsx = reverse("disclosure_report_export", args=[page.pk, "xlsx"])
    for user in (people["jyj_admin"], people["slj_leader"], people["slj_handler"]):
        _as(client, user)
        for url in (recompute, docx, xlsx):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(recompute).status_code == 404
    assert PageLogEntry.objects.filter(page=page, action=report.RECOMPUTE_ACTION).count() == 0

    _as(client, people["slj_admin"])
    assert "重新计算" in client.get(recompute).content.decode()
    done = client.post(recompute)
    assert done.status_code == 302 and done["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert PageLogEntry.objects.filter(page=page, action=report.RECOMPUTE_ACTION).count() == 1
    response = client.get(xlsx)
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content))["报告"]["A1"].value == page.title
    assert client.get(docx).status_code == 200
    assert client.get(reverse("disclosure_report_export", args=[page.pk, "pdf"])).status_code == 404


def test_a_unit_report_is_open_to_the_units_leader(client, people):
    page = report.make_report(people["slj"], 2023, unit=people["water"], actor=people["admin"], now=NOW)
    _as(client, people["slj_leader"])
    assert client.get(reverse("disclosure_report_export", args=[page.pk, "docx"])).status_code == 200
    _as(client, people["jyj_admin"])
    assert client.get(reverse("disclosure_report_export", args=[page.pk, "docx"])).status_code == 404


def test_the_editor_offers_recompute_and_downloads_on_a_draft_report(client, people):
    page = report.make_report(people["slj"], 2023, actor=people["admin"], now=NOW)
    html = _as(client, people["slj_admin"]).get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content
    html = html.decode()
    assert reverse("disclosure_report_recompute", args=[page.pk]) in html
    assert reverse("disclosure_report_export", args=[page.pk, "xlsx"]) in html
    editor = _as(client, people["slj_editor"]).get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert reverse("disclosure_report_recompute", args=[page.pk]) not in editor.content.decode()
