"""The 工单统计 screen and its export: the platform sees every site, a 站点管理员 their own (another site by
address answers 404), anyone else is refused in Chinese; bad input is answered in Chinese and shown
escaped; the export is an XLSX written to the audit log."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from huimin.workorders.admin_views import reports as views

from .test_reports import year_of_orders  # noqa: F401 - the fixture `year`

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
URL = "/admin/workorders/reports/"
EXPORT = "/admin/workorders/reports/export.xlsx"
RAW_CODES = re.compile(r"\b(in_progress|dispatched|submitted|accepted|correction|fault|None|True|False)\b")


@pytest.fixture
def signed_in(client, year):
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name in ("yi_admin", "editor"):
        year[name].user_permissions.add(admin_access)

    def as_(name):
        client.force_login(year[name])
        return client

    return as_


def text(response) -> str:
    return response.content.decode()


def test_the_platform_sees_every_sites_units(signed_in, year):
    page = text(signed_in("platform").get(URL + "?year=2030", **HOST))
    assert "2030年工单概况" in page and "=统计一单位" in page and "统计二单位" in page
    assert "按单位统计" in page and "按类型统计" in page and "按月份统计" in page
    assert "统计甲网站" in page and "统计乙网站" in page  # the site choice
    ours = page[page.index('class="wo-filter"') :].split("</main>")[0]
    assert not RAW_CODES.search(re.sub(r"<[^>]+>", " ", ours))


def test_a_site_admin_sees_only_their_sites(signed_in, year):
    client = signed_in("yi_admin")
    page = text(client.get(URL + "?year=2030", **HOST))
    assert "统计二单位" in page and "=统计一单位" not in page and "统计甲网站" not in page
    assert client.get(URL + f"?year=2030&site={year['jia'].pk}", **HOST).status_code == 404
    assert client.get(EXPORT + f"?year=2030&site={year['jia'].pk}", **HOST).status_code == 404
    assert client.get(URL + f"?site={year['yi'].pk}", **HOST).status_code == 200


@pytest.mark.parametrize("site", ["abc", "-1", "9" * 30, "1 OR 1=1", "１"])
def test_a_malformed_site_answers_404(signed_in, site):
    assert signed_in("platform").get(URL, {"site": site}, **HOST).status_code == 404


def test_anyone_else_is_refused_in_chinese(signed_in, client, year):
    editor = signed_in("editor")
    # Wagtail's admin answers the refusal with the dashboard and its message, in Chinese.
    for url in (URL, EXPORT):
        refused = editor.get(url, **HOST)
        assert refused.status_code == 302 and refused["Location"] == "/admin/"
    followed = editor.get(URL, follow=True, **HOST)
    assert "没有权限" in text(followed) and "工单概况" not in text(followed)
    assert not views.MENU[0].shown(year["editor"])
    assert views.MENU[0].shown(year["yi_admin"]) and views.MENU[0].shown(year["platform"])
    client.logout()
    assert client.get(URL, **HOST).status_code == 302


@pytest.mark.parametrize(
    ("year_text", "message"),
    [
        ("<script>alert(1)</script>", "年度须写成四位数字"),
        ("1999", "年度须在 2000 年至 2100 年之间"),
        ("2030\x00", "四位数字"),
    ],
)
def test_a_bad_year_is_answered_in_chinese_and_escaped(signed_in, year_text, message):
    response = signed_in("platform").get(URL, {"year": year_text}, **HOST)
    assert response.status_code == 400
    page = text(response)
    assert message in page and "<script>alert(1)</script>" not in page
    assert "工单概况" in page  # this year's figures all the same


def test_the_export_is_a_workbook_and_is_audited(signed_in, year):
    client = signed_in("yi_admin")
    response = client.get(EXPORT + "?year=2030", **HOST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    units = [row[0].value for row in book["按单位"].iter_rows(min_row=2)]
    assert units == ["统计二单位", "合计"]
    entry = ModelLogEntry.objects.filter(
        action="huimin.personal_data.export", user_id=year["yi_admin"].pk
    ).get()
    assert entry.data["what"] == "工单统计" and entry.data["count"] == 2
    assert entry.data["filters"] == {"year": "2030", "site": "全部站点"}
