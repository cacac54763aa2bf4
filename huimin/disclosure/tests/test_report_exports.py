"""The published report: its page (six parts, real tables, hostile text escaped, both display modes) and its
public DOCX and XLSX downloads, read back with python-docx and openpyxl: the tables' numbers are the kept
figures and the hand fields with their computed totals, and no spreadsheet cell is a formula."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from wagtail.models import Site

from huimin.disclosure import report, services
from huimin.disclosure.enums import Delivery, OrgKind
from huimin.disclosure.models import AnnualReportPage
from huimin.disclosure.tests.factories import apply, at, organisation_data, unit_people

pytestmark = pytest.mark.django_db
NOW = at("2026-11-02 10:00")
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA_TITLE = '=HYPERLINK("http://evil.example","点我")年报'
NEW_ROW = "一、本年新收政府信息公开申请数量"


@pytest.fixture
def people(demo, django_user_model):
    found = unit_people(django_user_model)
    found["slj"] = Site.objects.get(hostname="slj.localhost")
    return found


def _answer(people, application, answer, ground, when):
    drafted = services.draft_answer(
        application, actor=people["handler"], answer=answer, ground=ground, text="答复如下。", now=when
    )
    return services.sign_off(drafted, actor=people["leader"], now=when + timedelta(hours=1))


@pytest.fixture
def published(people):
    """The water bureau's 2024 report with applications of that year, hand fields filled, published."""
    first, _ = apply(people["site"], people["unit"], at("2024-03-04 10:00"), delivery=Delivery.PAPER)
    _answer(people, first, "disclose", "", at("2024-03-20 10:00"))
    business, _ = services.submit(
        organisation_data(people["site"], people["unit"], org_kind=OrgKind.BUSINESS),
        now=at("2024-05-06 10:00"),
    )
    _answer(people, business, "withhold", "state_secret", at("2024-05-20 10:00"))
    apply(people["site"], people["unit"], at("2024-12-23 10:00"))  # still open at the year's end
    page = report.make_report(people["slj"], 2024, actor=people["admin"], now=NOW)
    draft = page.get_latest_revision_as_object()
    draft.title = FORMULA_TITLE
    draft.overview = (
        "<p>本年度主动公开工作有序推进。</p><ol><li>完善公开目录。</li><li>规范依申请公开。</li></ol>"
    )
    draft.licences, draft.penalties, draft.enforcements, draft.fees = 12, 3, 1, Decimal("12.5")
    draft.review_upheld, draft.review_corrected, draft.direct_pending, draft.after_other = 2, 1, 1, 4
    draft.problems = f"公开的及时性有待提高。\n{XSS}"
    draft.other_matters = "本年度未收取信息处理费。"
    draft.save_revision(user=None).publish(user=None)
    return AnnualReportPage.objects.get(pk=page.pk)


def _get(client, path):
    return client.get(path, HTTP_HOST="slj.localhost:8000")


def _docx_rows(data: bytes) -> list[list[list[str]]]:
    document = Document(io.BytesIO(data))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def test_the_published_page_shows_the_six_parts_as_real_tables(client, published):
    response = _get(client, published.url)
    assert response.status_code == 200
    html = response.content.decode()
    for part in report.parts():
        assert f">{part['title']}</h2>" in html
    assert html.count("<caption") == 6 and html.count('class="table-scroll" role="region"') == 6
    assert 'scope="colgroup" colspan="7">申请人情况</th>' in html
    assert '<th scope="row">一、本年新收政府信息公开申请数量</th>' in html
    assert '<span class="visually-hidden">不予公开：</span>1.属于国家秘密' in html
    assert "<td>12.50</td>" in html  # 行政事业性收费 in 万元
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "完善公开目录" in html
    assert 'name="ArticleTitle"' in html
    assert f'href="{published.relative_url(published.get_site())}docx/"' in html


def test_the_elder_and_plain_text_modes_render_the_tables(client, published):
    for mode in ("elder", "text"):
        client.cookies["huimin_mode"] = mode
        response = _get(client, published.url)
        assert response.status_code == 200 and response.content.decode().count("<caption") == 6


def test_the_docx_holds_the_tables_with_their_numbers(client, published):
    response = _get(client, published.url + "docx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
    assert "attachment" in response["Content-Disposition"]
    tables = _docx_rows(response.content)
    assert len(tables) == 6
    figures = published.figures["applications"]
    keys = report.column_keys()
    applications = tables[4]
    assert applications[0][0] == report.template()["applications"]["corner"]
    new = next(row for row in applications if row[0] == NEW_ROW)
    assert new[1:] == [str(figures["new"][key]) for key in keys]
    assert figures["new"]["citizen"] >= 2 and figures["new"]["business"] >= 1
    secret = next(row for row in applications if row[0].strip().endswith("1.属于国家秘密"))
    assert secret[1:] == [str(figures["results"]["withhold"]["grounds"]["state_secret"][key]) for key in keys]
    assert int(secret[-1]) >= 1
    fees = next(row for row in tables[3] if row[0] == "行政事业性收费")
    assert fees[1] == "12.50"
    appeals = tables[5][-1]
    assert appeals[1:6] == ["2", "1", "0", "0", "3"]  # 行政复议 with its total
    assert appeals[6:11] == ["0", "0", "0", "1", "1"] and appeals[11:] == ["0", "0", "4", "0", "4"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "1. 完善公开目录。" in text and "<script>" in text  # the hostile text stays inert text
    assert "六、其他需要报告的事项" in text


def test_the_xlsx_holds_numbers_and_no_formula(client, published):
    response = _get(client, published.url + "xlsx/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["报告", "表二 主动公开", "表三 依申请公开", "表四 复议诉讼"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert book["报告"]["A1"].value == "'" + FORMULA_TITLE
    sheet = book["表三 依申请公开"]
    rows = {
        row[0].value.strip(): [cell.value for cell in row[1:]] for row in sheet.iter_rows() if row[0].value
    }
    figures = published.figures["applications"]
    assert rows[NEW_ROW] == [figures["new"][key] for key in report.column_keys()]
    assert rows["（七）总计"] == [figures["results_total"][key] for key in report.column_keys()]
    assert rows["四、结转下年度继续办理"][-1] >= 1
    active = {row[0].value: row[1].value for row in book["表二 主动公开"].iter_rows() if row[0].value}
    assert active["行政许可"] == 12 and active["行政处罚"] == 3
    assert float(active["行政事业性收费"]) == pytest.approx(12.5)
    appeals = list(book["表四 复议诉讼"].iter_rows(values_only=True))
    assert appeals[-1][:6] == ("件数", 2, 1, 0, 0, 3)


def test_a_draft_report_has_no_public_page_or_downloads(client, people):
    page = report.make_report(people["slj"], 2023, actor=people["admin"], now=NOW)
    for suffix in ("", "docx/", "xlsx/"):
        assert _get(client, page.url + suffix).status_code == 404
