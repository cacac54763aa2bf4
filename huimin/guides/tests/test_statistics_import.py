"""Importing monthly handling figures from CSV and XLSX: the encodings and layouts people send, and every
kind of bad row or bad file, each reported by row and column while the valid rows are kept."""

import io
from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook

from huimin.conftest import DEMO_NOW
from huimin.guides.models import HandlingStatistic
from huimin.guides.statistics import import_statistics

pytestmark = pytest.mark.django_db
HEADER = "单位,月份,受理件数,办结件数,网上办理件数,按时办结件数\n"


@pytest.fixture
def admin(demo):
    return get_user_model().objects.filter(is_superuser=True).first()


def _figures(unit, month):
    row = HandlingStatistic.objects.get(unit__name=unit, month=month)
    return row.received, row.completed, row.online, row.on_time


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b"")],
    ids=["utf-8", "utf-8-bom", "gbk"],
)
def test_it_imports_a_csv_in_utf8_with_or_without_bom_and_in_gbk(admin, encoding, prefix):
    text = HEADER + "宿迁市水利局,2024-01,120,118,96,117\n市教育局,2024年2月,80,80,40,79\n"
    report = import_statistics(prefix + text.encode(encoding), "统计.csv", actor=admin, now=DEMO_NOW)
    assert not report.problems and len(report.created) == 2
    assert _figures("宿迁市水利局", date(2024, 1, 1)) == (120, 118, 96, 117)
    assert _figures("宿迁市教育局", date(2024, 2, 1)) == (80, 80, 40, 79)
    assert (
        HandlingStatistic.objects.get(unit__name="宿迁市水利局", month=date(2024, 1, 1)).source
        == "导入：统计.csv"
    )


def test_it_imports_an_xlsx_with_date_cells_title_rows_and_header_synonyms(admin):
    data = _xlsx(
        [
            ["2024年办事统计"],
            ["办理单位", "统计月份", "受理数", "办结数", "网办件数", "按期办结件数"],
            ["宿迁市水利局", datetime(2024, 3, 1), 10, 9, 5, 9],
            ["宿迁市水利局", "2024/4", 12.0, 12, 6, 11],
        ]
    )
    report = import_statistics(data, "stats.xlsx", actor=admin, now=DEMO_NOW)
    assert not report.problems and report.recorded == 2
    assert _figures("宿迁市水利局", date(2024, 3, 1)) == (10, 9, 5, 9)
    assert _figures("宿迁市水利局", date(2024, 4, 1)) == (12, 12, 6, 11)


def test_reimporting_a_month_updates_it_and_says_so(admin):
    import_statistics(
        (HEADER + "宿迁市水利局,2024-01,120,118,96,117\n").encode(), "a.csv", actor=admin, now=DEMO_NOW
    )
    report = import_statistics(
        (HEADER + "宿迁市水利局,2024-01,130,118,96,117\n").encode(), "b.csv", actor=admin, now=DEMO_NOW
    )
    assert len(report.updated) == 1 and not report.created
    assert _figures("宿迁市水利局", date(2024, 1, 1))[0] == 130


def test_each_bad_row_is_reported_with_its_row_and_column_and_the_good_rows_are_kept(admin):
    text = HEADER + (
        "宿迁市水利局,2024-01,120,118,96,117\n"  # row 2: good
        "不存在的局,2024-01,1,1,1,1\n"  # row 3: unknown unit
        "宿迁市教育局,2024-01,abc,1,1,1\n"  # row 4: not a number
        "宿迁市教育局,2027-01,1,1,1,1\n"  # row 5: month in the future
        "宿迁市档案馆,2024-01,5,6,1,1\n"  # row 6: completed > received
        "宿迁市档案馆,2024-02,-3,0,0,0\n"  # row 7: negative
        "宿迁市档案馆,2024-13,1,1,1,1\n"  # row 8: no such month
        "宿城区,2024-01,10,10\n"  # row 9: ragged, two cells short
        "\n"  # row 10: blank, skipped
        "沭阳县,2024-05,10,10,10,10\n"  # row 11 and 12: the same unit and month twice
        "沭阳县,2024-05,11,10,10,10\n"
    )
    report = import_statistics(text.encode(), "mixed.csv", actor=admin, now=DEMO_NOW)
    found = {(p.row, p.column) for p in report.problems}
    assert found == {
        (3, "单位"),
        (4, "受理件数"),
        (5, "月份"),
        (6, "办结件数"),
        (7, "受理件数"),
        (8, "月份"),
        (9, "网上办理件数"),
        (9, "按时办结件数"),
        (11, "月份"),
        (12, "月份"),
    }
    messages = {p.row: p.message for p in report.problems}
    assert "不存在的局" in messages[3] and "晚于当前月份" in messages[5] and "第12行重复" in messages[11]
    assert [s.unit.name for s in report.created] == ["宿迁市水利局"]
    assert not HandlingStatistic.objects.filter(unit__name="沭阳县", month=date(2024, 5, 1)).exists()


def test_rows_for_another_units_are_refused_for_an_editor_while_their_own_are_recorded(demo):
    editor = get_user_model().objects.get(username="slj-editor")
    text = HEADER + "宿迁市水利局,2024-01,1,1,1,1\n宿迁市教育局,2024-01,1,1,1,1\n"
    report = import_statistics(text.encode(), "x.csv", actor=editor, now=DEMO_NOW)
    assert [(p.row, p.column) for p in report.problems] == [(3, "单位")]
    assert "没有录入" in report.problems[0].message
    assert not HandlingStatistic.objects.filter(unit__name="宿迁市教育局", month=date(2024, 1, 1)).exists()
    assert report.recorded == 1


def test_a_formula_cell_is_read_as_its_cached_value_or_reported_when_it_has_none(admin):
    # openpyxl writes formulas without a cached result, as a file never opened in a spreadsheet program has.
    data = _xlsx(
        [
            ["单位", "月份", "受理件数", "办结件数", "网上办理件数", "按时办结件数"],
            ["宿迁市水利局", "2024-06", "=SUM(1,2)", 1, 1, 1],
            ['=HYPERLINK("http://evil.example","宿迁市水利局")', "2024-07", 1, 1, 1, 1],
        ]
    )
    report = import_statistics(data, "f.xlsx", actor=admin, now=DEMO_NOW)
    assert {(p.row, p.column) for p in report.problems} == {(2, "受理件数"), (3, "单位")}
    assert all("公式" in p.message for p in report.problems)
    assert not report.recorded


def test_a_formula_cell_with_a_stored_result_is_read_as_that_result(admin, tmp_path):
    data = _xlsx(
        [
            ["单位", "月份", "受理件数", "办结件数", "网上办理件数", "按时办结件数"],
            ["宿迁市水利局", "2024-08", "=2+3", 4, 4, 4],
        ]
    )
    # Write the cached value <v>5</v> next to the formula, as a spreadsheet program does on save.
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>2+3</f><v></v>", b"<f>2+3</f><v>5</v>").replace(
                    b"<f>2+3</f><v />", b"<f>2+3</f><v>5</v>"
                )
                assert b"<v>5</v>" in content
            target.writestr(item, content)
    report = import_statistics(out.getvalue(), "cached.xlsx", actor=admin, now=DEMO_NOW)
    assert not report.problems
    assert _figures("宿迁市水利局", date(2024, 8, 1))[0] == 5


def test_a_unit_name_carrying_markup_is_reported_as_unknown_and_recorded_nowhere(admin):
    text = HEADER + "<script>alert(1)</script>,2024-01,1,1,1,1\n"
    report = import_statistics(text.encode(), "xss.csv", actor=admin, now=DEMO_NOW)
    assert report.problems[0].column == "单位" and "<script>" in report.problems[0].message
    assert not report.recorded


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 100, "tool.exe", "只能导入 CSV 或 XLSX"),
        (b"MZ\x90\x00\x03" + b"\x00" * 100, "disguised.csv", "不是文本格式"),
        (b"not a zip at all", "fake.xlsx", "不是有效的 XLSX"),
        (b"PK\x03\x04garbage", "broken.xlsx", "无法读取"),
        (b"", "empty.csv", "文件是空的"),
        (b"  \n\n", "blank.csv", "文件是空的"),
        ("名称,数量\n甲,1\n".encode(), "other.csv", "没有找到表头"),
        (
            "单位,月份,受理件数\n宿迁市水利局,2024-01,1\n".encode(),
            "short.csv",
            "缺少必需的列：办结件数、网上办理件数、按时办结件数",
        ),
        (b"a,b\n", "old.xls", "另存为 .xlsx"),
    ],
    ids=[
        "exe",
        "exe-named-csv",
        "text-named-xlsx",
        "broken-zip",
        "empty",
        "blank",
        "no-header",
        "columns",
        "xls",
    ],
)
def test_it_refuses_a_file_it_cannot_read_with_a_clear_message_and_records_nothing(
    admin, data, filename, expected
):
    before = HandlingStatistic.objects.count()
    report = import_statistics(data, filename, actor=admin, now=DEMO_NOW)
    assert report.file_refused and expected in report.problems[0].message
    assert HandlingStatistic.objects.count() == before


def test_it_refuses_a_file_over_the_size_limit(admin, settings):
    settings.HUIMIN_STATISTICS_IMPORT_MAX_MB = 5
    data = (HEADER + "宿迁市水利局,2024-01,1,1,1,1\n" * 400_000).encode()
    assert len(data) > 10 * 1024 * 1024
    report = import_statistics(data, "big.csv", actor=admin, now=DEMO_NOW)
    assert report.file_refused and "不能超过 5 MB" in report.problems[0].message
    assert not HandlingStatistic.objects.filter(month=date(2024, 1, 1)).exists()
