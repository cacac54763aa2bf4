"""The assessors' screens of 年度考核 on the demo: who sees which sheet, the forms' refusals of hostile
input, closing and reopening, the bulletins, the XLSX read back, the year-on-year change and the chart."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from huimin.assessment import sheets
from huimin.assessment.admin_views import sheets as sheet_views
from huimin.assessment.admin_views import tables as table_views
from huimin.assessment.enums import Basis, RowKind, SheetState
from huimin.assessment.models import (
    IndicatorTable,
    ManualFinding,
    OutsideResult,
    QuarterBulletin,
    ScoreSheet,
)
from huimin.assessment.services import tables as table_services
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=SH)
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _clock(demo_clock):
    """The screens read the clock: pinned to the demo's now before any login."""
    return demo_clock


@pytest.fixture
def people(demo, django_user_model):
    for year in (2025, 2026):
        if not IndicatorTable.objects.filter(year=year).exists():
            table_services.seed_table(year)
    users = django_user_model.objects
    return {
        "admin": users.get(username="admin"),
        "slj_handler": users.get(username="slj-handler"),
        "jyj_handler": users.get(username="jyj-handler"),
        "water": OrgUnit.objects.get(name="宿迁市水利局"),
        "education": OrgUnit.objects.get(name="宿迁市教育局"),
    }


def _as(client, user):
    client.defaults.update(HOST)
    client.force_login(user)
    return client


def _row(year: int, **filters):
    return IndicatorTable.objects.get(year=year).indicators.filter(**filters).first()


def _sheet_url(unit, year=2026):
    return reverse("assessment_sheet", args=[year, unit.pk])


def _finding_url(unit, row, year=2026):
    return reverse("assessment_finding_new", args=[year, unit.pk, row.pk])


def _refused(response) -> bool:
    """Wagtail's admin answers a PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def _reopen_if_closed(unit, year=2026):
    ScoreSheet.objects.filter(unit=unit, year=year).update(state=SheetState.OPEN)


# --- who sees what ---------------------------------------------------------------------------------------


def test_a_units_handler_sees_only_their_own_sheet_and_no_forms(client, people):
    water, education = people["water"], people["education"]
    _as(client, people["slj_handler"])
    index = client.get(reverse("assessment_index"))
    assert index.status_code == 302 and index["Location"].startswith(_sheet_url(water))
    page = client.get(_sheet_url(water))
    assert page.status_code == 200
    html = page.content.decode()
    assert "宿迁市水利局" in html and "评测部分" in html
    assert "记录抽查</a>" not in html and "录入结果</a>" not in html and "assessment_close" not in html
    assert reverse("assessment_close", args=[2026, water.pk]) not in html
    assert client.get(_sheet_url(education)).status_code == 404
    row = _row(2026, basis=Basis.MANUAL, kind=RowKind.INDICATOR)
    assert _refused(client.get(_finding_url(water, row)))
    assert client.get(_finding_url(education, row)).status_code == 404
    before = ManualFinding.objects.count()
    refused = client.post(_finding_url(water, row), {"item": "栏目", "deduction": "0"})
    assert _refused(refused) and ManualFinding.objects.count() == before
    assert _refused(client.post(reverse("assessment_close", args=[2026, water.pk]), {"force": "on"}))
    assert not ScoreSheet.objects.filter(unit=water, year=2026, state=SheetState.CLOSED).exists()
    assert _refused(client.get(reverse("assessment_export", args=[2026])))
    bulletin = client.post(
        reverse("assessment_bulletins"), {"unit": water.pk, "year": 2026, "quarter": 1, "score": "99"}
    )
    assert _refused(bulletin) and not QuarterBulletin.objects.filter(unit=water, score=99).exists()
    assert _refused(client.get(reverse("assessment_tables:index")))


def test_another_units_finding_and_screenshot_are_not_found(client, people):
    row = _row(2026, basis=Basis.MANUAL, kind=RowKind.INDICATOR)
    _reopen_if_closed(people["education"])
    _as(client, people["admin"])
    client.post(
        _finding_url(people["education"], row),
        {
            "item": "领导信息",
            "deduction": "0",
            "screenshot": SimpleUploadedFile("shot.png", PNG, "image/png"),
        },
    )
    finding = ManualFinding.objects.filter(unit=people["education"], item="领导信息").latest("pk")
    shot = reverse("assessment_finding_screenshot", args=[finding.pk])
    served = client.get(shot)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    detail = client.get(reverse("assessment_finding", args=[finding.pk])).content.decode()
    assert f'src="{shot}"' in detail and 'alt="抽查截图：领导信息"' in detail
    other = Client()
    _as(other, people["slj_handler"])
    assert other.get(reverse("assessment_finding", args=[finding.pk])).status_code == 404
    assert other.get(shot).status_code == 404
    own = Client()
    _as(own, people["jyj_handler"])
    assert own.get(reverse("assessment_finding", args=[finding.pk])).status_code == 200
    assert own.get(shot).status_code == 200


def test_the_menu_shows_the_rankings_to_units_and_the_rest_to_assessors(people):
    entries = sheet_views.MENU + table_views.MENU
    admin = [entry.label for entry in entries if entry.shown(people["admin"])]
    handler = [entry.label for entry in entries if entry.shown(people["slj_handler"])]
    assert admin == ["考核排名", "季度通报得分", "考核指标表"]
    assert handler == ["考核排名"]


# --- the forms' refusals ------------------------------------------------------------------------------------


def test_a_finding_note_with_markup_is_shown_escaped(client, people):
    water = people["water"]
    _reopen_if_closed(water)
    row = _row(2026, basis=Basis.MANUAL, kind=RowKind.INDICATOR)
    _as(client, people["admin"])
    response = client.post(
        _finding_url(water, row),
        {"item": "概况信息" + XSS, "url": "https://slj.example.cn/gk/", "note": XSS, "deduction": "1"},
    )
    assert response.status_code == 302
    finding = ManualFinding.objects.filter(unit=water).latest("pk")
    assert (
        finding.note == XSS and finding.deduction == Decimal("1.00") and finding.assessor == people["admin"]
    )
    for url in (_sheet_url(water), reverse("assessment_finding", args=[finding.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_renamed_html_file_is_refused_as_a_screenshot(client, people):
    water = people["water"]
    _reopen_if_closed(water)
    row = _row(2026, basis=Basis.MANUAL, kind=RowKind.INDICATOR)
    before = ManualFinding.objects.count()
    fake = SimpleUploadedFile("shot.png", b"<html><script>alert(1)</script></html>", "image/png")
    response = _as(client, people["admin"]).post(
        _finding_url(water, row), {"item": "栏目", "deduction": "0", "screenshot": fake}
    )
    assert response.status_code == 200
    assert "文件内容不是它的扩展名所说的图片格式" in response.content.decode()
    text = SimpleUploadedFile("shot.html", b"<html></html>", "text/html")
    response = client.post(_finding_url(water, row), {"item": "栏目", "deduction": "0", "screenshot": text})
    assert "截图只接受 PNG 或 JPEG 图片" in response.content.decode()
    assert ManualFinding.objects.count() == before


@pytest.mark.parametrize(
    ("value", "words"),
    [("-1", "扣分不能小于 0"), ("999", "扣分不能超过"), ("两分", "扣分应为数字"), ("", "请填写扣分")],
)
def test_a_deduction_below_zero_or_over_the_points_is_refused(client, people, value, words):
    water = people["water"]
    _reopen_if_closed(water)
    row = _row(2026, basis=Basis.MANUAL, kind=RowKind.INDICATOR)
    before = ManualFinding.objects.count()
    response = _as(client, people["admin"]).post(
        _finding_url(water, row), {"item": "栏目", "deduction": value}
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert ManualFinding.objects.count() == before


def test_a_form_posted_in_gbk_gets_the_chinese_400_and_nothing_is_stored(people):
    water = people["water"]
    _reopen_if_closed(water)
    row = _row(2026, basis=Basis.MANUAL, kind=RowKind.INDICATOR)
    browser = Client(enforce_csrf_checks=True)
    _as(browser, people["admin"])
    browser.get(_finding_url(water, row))
    token = browser.cookies["csrftoken"].value
    body = urlencode({"item": "概况信息栏目", "deduction": "1", "csrfmiddlewaretoken": token}, encoding="gbk")
    before = ManualFinding.objects.count()
    response = browser.post(
        _finding_url(water, row), body, content_type="application/x-www-form-urlencoded; charset=gbk"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求无法处理" in page and "UTF-8" in page
    assert ManualFinding.objects.count() == before


def test_an_outside_result_outside_the_year_is_refused_and_a_veto_names_its_finding(client, people):
    water = people["water"]
    _reopen_if_closed(water)
    rows = IndicatorTable.objects.get(year=2026).indicators
    veto = rows.filter(kind=RowKind.VETO).exclude(basis=Basis.AUTO)[0]
    url = reverse("assessment_result_new", args=[2026, water.pk, veto.pk])
    _as(client, people["admin"])
    computed = rows.filter(kind=RowKind.VETO, basis=Basis.AUTO)[0]  # decided by the patrol, not entered
    assert client.get(reverse("assessment_result_new", args=[2026, water.pk, computed.pk])).status_code == 404
    wrong = client.post(url, {"amount": "0", "happened_on": "2025-12-31", "note": "省级抽查通报"})
    assert wrong.status_code == 200 and "发生日期应在 2026 年内" in wrong.content.decode()
    assert not OutsideResult.objects.filter(unit=water, indicator=veto).exists()
    done = client.post(
        url, {"amount": "0", "happened_on": "2026-05-06", "note": "省政府办公厅通报：严重错误表述"}
    )
    assert done.status_code == 302
    html = client.get(_sheet_url(water)).content.decode()
    assert "单项否决：评测部分不得分" in html and "2026-05-06 省政府办公厅通报：严重错误表述" in html
    result = OutsideResult.objects.get(unit=water, indicator=veto)
    assert reverse("assessment_result", args=[result.pk]) in html
    detail = client.get(reverse("assessment_result", args=[result.pk])).content.decode()
    assert "严重错误表述" in detail and "单项否决" in detail
    assert sheets.compute(water, 2026, timezone.now())["evaluation"]["score"] == 0


def test_a_manual_row_without_a_finding_is_marked_on_the_sheet(client, people):
    education = people["education"]
    _reopen_if_closed(education)
    rows = list(
        IndicatorTable.objects.get(year=2026).indicators.filter(basis=Basis.MANUAL, kind=RowKind.INDICATOR)
    )
    checked = set(
        ManualFinding.objects.filter(unit=education, year=2026).values_list("indicator_id", flat=True)
    )
    unchecked = [row for row in rows if row.pk not in checked]
    assert unchecked, "the demo checks every manual row already"
    html = _as(client, people["admin"]).get(_sheet_url(education)).content.decode()
    assert "未抽查" in html and "尚未抽查或录入" in html and unchecked[0].name in html
    assert "人工抽查" in html and "自动计算" in html and ">manual<" not in html and ">auto<" not in html


# --- closing and reopening ----------------------------------------------------------------------------------


def test_closing_refuses_unchecked_rows_then_freezes_and_reopening_needs_a_reason(client, people):
    water = people["water"]
    _reopen_if_closed(water)
    close = reverse("assessment_close", args=[2026, water.pk])
    reopen = reverse("assessment_reopen", args=[2026, water.pk])
    _as(client, people["admin"])
    refused = client.post(close, {}, follow=True)
    assert "未能定稿" in refused.content.decode() and "按满分定稿" in refused.content.decode()
    assert not ScoreSheet.objects.filter(unit=water, year=2026, state=SheetState.CLOSED).exists()
    client.post(close, {"force": "on"})
    frozen = ScoreSheet.objects.get(unit=water, year=2026)
    assert frozen.state == SheetState.CLOSED and frozen.closed_by == people["admin"]
    # Data changes after closing: a deduction case recorded (as an import would); the sheet stays frozen.
    deduction = _row(2026, kind=RowKind.DEDUCTION, zeroes=False)
    OutsideResult.objects.create(
        indicator=deduction, unit=water, year=2026, amount=Decimal(3), happened_on=NOW.date(),
        note="事后录入的减分", entered_by=people["admin"], entered_at=NOW,
    )  # fmt: skip
    page = client.get(_sheet_url(water))
    html = page.content.decode()
    assert "已定稿" in html and "事后录入的减分" not in html
    assert page.context["sheet"]["total"] == frozen.data["total"]
    assert "记录抽查</a>" not in html and "录入结果</a>" not in html and "重新打开" in html
    assert client.post(_finding_url(water, _row(2026, basis=Basis.MANUAL)), {"item": "x", "deduction": "0"})[
        "Location"
    ] == _sheet_url(water)
    no_reason = client.post(reopen, {"reason": "  "}, follow=True)
    assert "请写明重新打开的理由" in no_reason.content.decode()
    assert ScoreSheet.objects.get(unit=water, year=2026).state == SheetState.CLOSED
    client.post(reopen, {"reason": "补录减分情形"})
    assert ScoreSheet.objects.get(unit=water, year=2026).state == SheetState.OPEN
    html = client.get(_sheet_url(water)).content.decode()
    assert "事后录入的减分" in html and "评分中" in html


# --- bulletins ----------------------------------------------------------------------------------------------


def test_a_bulletin_score_is_entered_replaced_and_bounded(client, people):
    water = people["water"]
    _reopen_if_closed(water)
    url = reverse("assessment_bulletins") + f"?year=2026&unit={water.pk}"
    _as(client, people["admin"])
    over = client.post(url, {"unit": water.pk, "year": 2026, "quarter": 4, "score": "120"})
    assert over.status_code == 200 and "通报得分不能超过 100 分" in over.content.decode()
    assert not QuarterBulletin.objects.filter(unit=water, year=2026, quarter=4).exists()
    client.post(
        url, {"unit": water.pk, "year": 2026, "quarter": 4, "score": "87.5", "note": "宿政办通〔2026〕9号"}
    )
    client.post(url, {"unit": water.pk, "year": 2026, "quarter": 4, "score": "91", "note": "更正"})
    bulletin = QuarterBulletin.objects.get(unit=water, year=2026, quarter=4)
    assert bulletin.score == Decimal("91.00") and bulletin.note == "更正"
    html = client.get(url).content.decode()
    assert "<strong>91</strong>" in html and "更正" in html
    own = Client()
    _as(own, people["slj_handler"])
    mine = own.get(url)
    assert mine.status_code == 200 and "<strong>91</strong>" in mine.content.decode()
    assert "录入或更正通报得分" not in mine.content.decode()
    other = own.get(reverse("assessment_bulletins") + f"?year=2026&unit={people['education'].pk}")
    assert people["education"].name not in other.content.decode().split("<tbody>")[1]


# --- rankings, the change on last year, the chart and the export -----------------------------------------


def test_the_rankings_show_each_class_with_the_change_on_last_year_and_the_chart(client, people):
    page = _as(client, people["admin"]).get(reverse("assessment_index") + "?year=2026")
    assert page.status_code == 200
    now = page.context["now"]
    this_year = sheets.compute_year(2026, now)
    last_year = sheets.compute_year(2025, now)
    before = {sheet["unit_id"]: sheet["total"] for sheet in last_year["units"]}
    shown = {row["unit_id"]: row for klass in page.context["classes"] for row in klass["rows"]}
    assert len(shown) == len(this_year["units"])
    for sheet in this_year["units"]:
        row = shown[sheet["unit_id"]]
        assert row["total"] == sheet["total"]
        assert row["previous"] == before[sheet["unit_id"]]
        assert row["change"] == round(sheet["total"] - before[sheet["unit_id"]], 2)
    html = page.content.decode()
    assert "同比变化" in html and "2025年总分" in html
    assert "县区排名" in html and "市级部门第一档排名" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "2026年各类单位考核总分分布" in html and "数据表" in html
    counts = dict(sheet_views.charts.distribution(this_year))
    assert sum(sum(values) for values in counts.values()) == len(this_year["units"])
    first = client.get(reverse("assessment_index") + "?year=2025")
    assert "同比变化" not in first.content.decode() or IndicatorTable.objects.filter(year=2024).exists()


def test_a_monitoring_moment_is_read_and_a_bad_one_is_explained(client, people):
    _as(client, people["admin"])
    page = client.get(reverse("assessment_index") + "?year=2026&at=2026-06-30T18:00")
    assert page.context["now"] == datetime(2026, 6, 30, 18, 0, tzinfo=SH)
    assert page.context["document"]["at"].startswith("2026-06-30T18:00")
    bad = client.get(reverse("assessment_index") + "?year=2026&at=明天")
    assert "无法识别" in bad.content.decode()


def test_the_xlsx_holds_the_rankings_and_every_units_rows_as_on_the_sheet(client, people):
    from openpyxl import load_workbook

    water = people["water"]
    _as(client, people["admin"])
    before = ModelLogEntry.objects.filter(action="huimin.personal_data.export").count()
    response = client.get(reverse("assessment_export", args=[2026]) + "?at=2026-11-02T10:00")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert ModelLogEntry.objects.filter(action="huimin.personal_data.export").count() == before + 1
    book = load_workbook(io.BytesIO(response.content))
    document = sheets.compute_year(2026, NOW)
    ranking = list(book["排名"].iter_rows(values_only=True))
    assert ranking[1][:4] == ("单位类别", "名次", "单位", "总分")
    totals = {row[2]: row[3] for row in ranking[2:]}
    assert totals == {sheet["unit"]: sheet["total"] for sheet in document["units"]}
    sheet = next(s for s in document["units"] if s["unit_id"] == water.pk)
    ws = book[water.name]
    lines = list(ws.iter_rows(values_only=True))
    assert ("总分", sheet["total"]) == lines[next(i for i, r in enumerate(lines) if r[0] == "总分")][:2]
    head = next(i for i, r in enumerate(lines) if r[0] == "一级指标")
    scores, urls = {}, []
    for line in lines[head + 1 :]:
        if not line or (line[0] is None and line[1] is None):
            break
        scores[line[1]] = (line[2], line[3], line[4])
        urls += [line[7]] if line[7] else []
    for row in sheet["evaluation"]["rows"]:
        assert scores[row["indicator"]] == (
            {"auto": "自动计算", "manual": "人工抽查", "outside": "外部结果录入"}[row["basis"]],
            row["points"],
            row["score"],
        )
    assert urls and all(url.startswith("http://") for url in urls), urls


def test_formula_like_text_is_neutralised_in_the_xlsx(client, people):
    from openpyxl import load_workbook

    water = people["water"]
    _reopen_if_closed(water)
    row = _row(2026, basis=Basis.MANUAL, kind=RowKind.INDICATOR)
    _as(client, people["admin"])
    client.post(_finding_url(water, row), {"item": '=HYPERLINK("http://evil")', "deduction": "0"})
    book = load_workbook(io.BytesIO(client.get(reverse("assessment_export", args=[2026])).content))
    texts = [
        cell
        for line in book[water.name].iter_rows(values_only=True)
        for cell in line
        if isinstance(cell, str)
    ]
    assert any(text.startswith("'=HYPERLINK") for text in texts)
    assert not any(text.startswith("=HYPERLINK") for text in texts)


def test_the_distribution_counts_units_per_class_in_10_point_bands_and_drops_empty_ends():
    from huimin.assessment import charts

    document = {
        "year": 2026,
        "units": [
            {"unit_class": "county", "total": 100.0},
            {"unit_class": "county", "total": 59.99},
            {"unit_class": "city_dept_1", "total": 60.0},
            {"unit_class": "city_dept_1", "total": 70.5},
        ],
    }
    series = dict(charts.distribution(document))
    assert series["县区"][9] == 1 and series["县区"][5] == 1 and sum(series["县区"]) == 2
    assert series["市级部门第一档"][6] == 1 and series["市级部门第一档"][7] == 1
    assert "市各功能区" not in series
    html = str(charts.distribution_chart(document))
    assert "50–60分" in html and "90–100分" in html and "40–50分" not in html
    assert "其余分数段没有单位" in html
    assert "<caption>2026年各类单位考核总分分布（单位：个）</caption>" in html
    assert charts.distribution_chart({"year": 2026, "units": []}) == ""
