"""Reading resource files: encodings, delimiters, ragged rows, headers, types, JSON shapes and XLSX."""

import io
import json
from datetime import date, datetime

import pytest

from huimin.opendata import ingest
from huimin.opendata.ingest import Unreadable
from huimin.opendata.tests.factories import SAMPLE_ROWS, csv_bytes, json_bytes, xlsx_bytes


def read(data: bytes, fmt: str = "csv", sample_size: int = ingest.SAMPLE_ROWS):
    table = ingest.open_table(io.BytesIO(data), fmt)
    columns = ingest.infer_columns(table, sample_size)
    rows = list(ingest.typed_rows(table, columns))
    return table, columns, rows


def values(rows):
    return [list(row[2:]) for row in rows]


def types(columns):
    return [column["type"] for column in columns]


def messages(table):
    return [(p.row, p.column, p.message) for p in table.problems.items]


# ------------------------------------------------------------------------------------------ encodings


def test_it_reads_utf8_with_and_without_bom_alike():
    plain, _, plain_rows = read(csv_bytes(SAMPLE_ROWS))
    marked, _, marked_rows = read(csv_bytes(SAMPLE_ROWS, bom=True))
    assert plain.headers == marked.headers == SAMPLE_ROWS[0]
    assert values(plain_rows) == values(marked_rows)
    assert plain.encoding == "utf-8"
    assert marked.encoding == "utf-8-sig"
    assert marked.problems.count == 0


def test_it_reads_gbk_bytes_and_names_the_encoding():
    data = csv_bytes(SAMPLE_ROWS, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table, _, rows = read(data)
    assert table.encoding == "gbk"
    assert table.headers == SAMPLE_ROWS[0]
    assert [row[2] for row in rows] == ["沭阳县", "泗阳县", "宿城区"]
    assert table.problems.count == 0


def test_it_reads_characters_only_gb18030_has():
    rows = [["名称", "说明"], ["𠀀字", "扩展汉字"], ["宿迁", "常用汉字"]] * 3
    data = csv_bytes(rows, encoding="gb18030")
    with pytest.raises(UnicodeEncodeError):
        "𠀀".encode("gbk")
    table, _, typed = read(data)
    assert table.encoding == "gb18030"
    assert typed[0][2] == "𠀀字"


def test_a_file_mixing_gbk_and_utf8_lines_loses_nothing_and_reports_the_odd_lines():
    gbk = csv_bytes([["区县", "人数"], ["沭阳县", "12"], ["泗阳县", "7"]], encoding="gbk")
    utf8 = "宿城区,9\r\n".encode()
    table, _, rows = read(gbk + utf8 + "宿豫区,5\r\n".encode("gbk"))
    assert [row[2:] for row in rows] == [("沭阳县", 12), ("泗阳县", 7), ("宿城区", 9), ("宿豫区", 5)]
    assert table.problems.count == 1
    problem = table.problems.items[0]
    assert problem.row == 3
    assert "UTF-8" in problem.message


def test_bytes_of_no_encoding_are_replaced_and_reported_not_dropped():
    data = "名称,数量\r\n甲,1\r\n".encode() + b"\xff\xfe\xfd,2\r\n"
    table, _, rows = read(data)
    assert len(rows) == 2
    assert rows[1][3] == 2
    assert any("无法识别的字节" in message for _, _, message in messages(table))


def test_it_reads_utf16_tab_separated_text_as_excel_saves_it():
    text = "区县\t人数\r\n沭阳县\t12\r\n泗阳县\t7\r\n"
    table, _, rows = read(b"\xff\xfe" + text.encode("utf-16-le"))
    assert table.delimiter == "\t"
    assert table.headers == ["区县", "人数"]
    assert [row[2:] for row in rows] == [("沭阳县", 12), ("泗阳县", 7)]


# ----------------------------------------------------------------------------------------- delimiters


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_it_finds_the_delimiter(delimiter):
    table, _, rows = read(csv_bytes(SAMPLE_ROWS, delimiter=delimiter))
    assert table.delimiter == delimiter
    assert table.headers == SAMPLE_ROWS[0]
    assert len(rows) == 3
    assert table.problems.count == 0


def test_a_delimiter_inside_quotes_does_not_split_a_cell():
    data = '名称;说明\r\n甲;"一,二;三"\r\n乙;"多行\r\n说明"\r\n'.encode()
    table, _, rows = read(data)
    assert table.delimiter == ";"
    assert [row[2:] for row in rows] == [("甲", "一,二;三"), ("乙", "多行\r\n说明")]


def test_a_single_column_file_is_one_column():
    table, _, rows = read("名称\r\n甲\r\n乙\r\n".encode())
    assert table.headers == ["名称"]
    assert len(rows) == 2


# -------------------------------------------------------------------------------------- rows, headers


def test_ragged_rows_are_padded_or_cut_and_reported_by_row():
    data = "甲,乙,丙\r\n1,2,3\r\n4,5\r\n6,7,8,多余内容\r\n9,10,11,\r\n".encode()
    table, _, rows = read(data)
    assert values(rows) == [[1, 2, 3], [4, 5, None], [6, 7, 8], [9, 10, 11]]
    found = messages(table)
    assert found[0][0] == 2 and found[0][1] == "丙" and "少于表头" in found[0][2]
    assert found[1][0] == 3 and "多于表头" in found[1][2] and "多余内容" in found[1][2]
    assert len(found) == 2  # a trailing empty cell is not a problem


def test_blank_lines_are_skipped_but_row_numbers_keep_the_file_order():
    _table, _, rows = read("名称,数量\r\n甲,1\r\n\r\n,\r\n乙,2\r\n".encode())
    assert [(row[0], row[2]) for row in rows] == [(1, "甲"), (4, "乙")]


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused_clearly(data):
    with pytest.raises(Unreadable, match="空"):
        ingest.open_table(io.BytesIO(data), "csv")


def test_a_header_only_file_has_no_rows():
    table, columns, rows = read("区县,人数\r\n".encode())
    assert table.headers == ["区县", "人数"]
    assert rows == []
    assert types(columns) == ["text", "text"]


def test_empty_and_repeated_headers_are_renamed_and_reported():
    table, columns, _ = read("名称,,名称,名称\r\n甲,1,2,3\r\n".encode())
    assert table.headers == ["名称", "字段2", "名称_2", "名称_3"]
    assert [column["key"] for column in columns] == ["c0", "c1", "c2", "c3"]
    found = messages(table)
    assert len(found) == 3
    assert all(row == 0 for row, _, _ in found)
    assert "没有表头" in found[0][2] and "重复" in found[1][2]


# ---------------------------------------------------------------------------------------------- types


def test_types_are_inferred_from_the_cells():
    rows = [
        ["整数", "千分位", "全角", "数值", "日期", "是否", "编号", "身份证", "文本"],
        ["1", "1,234", "１２３", "1.5", "2026-01-05", "是", "007", "320000200001011234", "甲"],
        ["-2", "12,345,678", "４５", "-3", "2026/1/5", "否", "010", "320000200001011235", "乙"],
        ["30", "999", "6", "1e3", "2026年1月5日", "true", "123", "320000200001011236", "3"],
        ["", "-", "—", "", "", "", "", "", ""],
    ]
    _, columns, typed = read(csv_bytes(rows))
    assert types(columns) == [
        "integer",
        "integer",
        "integer",
        "number",
        "date",
        "boolean",
        "text",
        "text",
        "text",
    ]
    assert values(typed)[0] == [1, 1234, 123, 1.5, date(2026, 1, 5), True, "007", "320000200001011234", "甲"]
    assert values(typed)[1][4] == values(typed)[2][4] == date(2026, 1, 5)
    assert values(typed)[2][3] == 1000.0
    assert values(typed)[3] == [None] * 9


def test_a_later_cell_that_does_not_fit_its_type_is_null_and_reported_by_row_and_column():
    rows = (
        [["区县", "人数"]] + [[f"区{i}", str(i)] for i in range(1, 11)] + [["区11", "十一"], ["区12", "12.5"]]
    )
    table, columns, typed = read(csv_bytes(rows), sample_size=5)
    assert types(columns) == ["text", "integer"]
    assert typed[10][2:] == ("区11", None)
    assert typed[11][2:] == ("区12", None)
    assert [(p.row, p.column) for p in table.problems.items] == [(11, "人数"), (12, "人数")]
    assert "“十一”不是整数" in table.problems.items[0].message


def test_formula_looking_cells_are_kept_as_text_exactly():
    cells = ["=SUM(A1:A9)", "+86-527", "@cmd", "=1+1", "-", '=HYPERLINK("http://x")']
    rows = [["公式"]] + [[cell] for cell in cells]
    _, columns, typed = read(csv_bytes(rows))
    assert types(columns) == ["text"]
    assert [row[2] for row in typed] == [
        "=SUM(A1:A9)",
        "+86-527",
        "@cmd",
        "=1+1",
        "-",
        '=HYPERLINK("http://x")',
    ]


def test_only_the_first_200_problems_are_kept_in_detail_but_all_are_counted():
    rows = [["名称", "数量"], ["甲", "1"]] + [["乙", "不是数"]] * 450
    table, _, typed = read(csv_bytes(rows), sample_size=1)
    assert len(typed) == 451
    assert table.problems.count == 450
    assert len(table.problems.items) == ingest.MAX_PROBLEMS == 200


def test_the_row_hash_follows_the_cells_not_their_column_order():
    _, _, first = read(csv_bytes([["a", "b"], ["1", "2"], ["3", "4"]]))
    _, _, reordered = read(csv_bytes([["b", "a"], ["2", "1"], ["4", "3"]]))
    _, _, changed = read(csv_bytes([["a", "b"], ["1", "2"], ["3", "5"]]))
    assert [row[1] for row in first] == [row[1] for row in reordered]
    assert first[0][1] == changed[0][1]
    assert first[1][1] != changed[1][1]


def test_a_big_csv_is_read_as_a_stream_not_whole():
    rows = [["序号", "名称"]] + [[str(i), f"名称{i}"] for i in range(200_000)]
    data = csv_bytes(rows)
    stream = io.BytesIO(data)
    table = ingest.open_table(stream, "csv")
    columns = ingest.infer_columns(table, 100)
    first = next(ingest.typed_rows(table, columns))
    assert first[2:] == (0, "名称0")
    assert stream.tell() < len(data) // 2


# ----------------------------------------------------------------------------------------------- JSON


def test_json_as_a_list_of_objects():
    table, columns, typed = read(json_bytes(SAMPLE_ROWS), "json")
    assert table.headers == SAMPLE_ROWS[0]
    assert types(columns) == ["text", "date", "text", "number", "integer", "boolean"]
    assert values(typed)[0] == ["沭阳县", date(2026, 1, 5), "低保", 1200.5, 12, True]


def test_json_with_the_rows_under_data_after_other_keys():
    data = json.dumps(
        {
            "title": "低保",
            "meta": {"rows": [1, 2], "note": "]}"},
            "data": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}],
        },
        ensure_ascii=False,
    ).encode()
    table, _columns, typed = read(data, "json")
    assert table.headers == ["a", "b"]
    assert values(typed) == [[1, "x"], [2, "y"]]


def test_json_native_values_nested_values_missing_keys_and_stray_items(monkeypatch):
    monkeypatch.setattr(ingest, "SAMPLE_ROWS", 3)  # the columns are the keys of the first three items
    data = json.dumps(
        [
            {"名称": "甲", "数量": 1, "比例": 0.5, "公开": True, "附加": {"k": "值"}},
            {"名称": "乙", "数量": None, "公开": False},
            "not an object",
            {"名称": "丙", "数量": 3, "新键": 1},
        ],
        ensure_ascii=False,
    ).encode()
    table, columns, typed = read(data, "json")
    assert types(columns) == ["text", "integer", "number", "boolean", "text"]
    assert values(typed) == [
        ["甲", 1, 0.5, True, '{"k": "值"}'],
        ["乙", None, None, False, None],
        ["丙", 3, None, None, None],
    ]
    found = messages(table)
    assert found[0][0] == 3 and "不是对象" in found[0][2]
    assert found[1][0] == 4 and "新键" in found[1][2]


def test_a_big_json_array_is_parsed_across_chunks():
    items = [{"序号": i, "名称": f"名称{i}" * 3, "值": i / 4} for i in range(40_000)]
    data = json.dumps(items, ensure_ascii=False).encode()
    assert len(data) > 3 * (1 << 20)
    _, columns, typed = read(data, "json")
    assert len(typed) == 40_000
    assert types(columns) == ["integer", "text", "number"]
    assert typed[-1][2:] == (39_999, "名称39999" * 3, 39_999 / 4)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[]", "没有数据"),
        (b'{"rows": [{"a": 1}]}', "data"),
        (b'{"data": {"a": 1}}', "不是数组"),
        (b'[{"a": 1}, {"a": ', "格式错误"),
        (b"[1, 2, 3]", "对象数组"),
        (b'"text"', "对象数组"),
    ],
)
def test_json_of_another_shape_is_refused_with_the_reason(data, message):
    with pytest.raises(Unreadable, match=message):
        read(data, "json")


def test_json_in_gbk_is_read():
    table, _, typed = read(json_bytes(SAMPLE_ROWS).decode().encode("gbk"), "json")
    assert table.encoding == "gbk"
    assert typed[0][2] == "沭阳县"


# ----------------------------------------------------------------------------------------------- XLSX


def test_xlsx_cells_keep_their_types_and_extra_sheets_are_reported():
    rows = [
        ["区县", "日期", "金额", "人数", "公开", "备注"],
        ["沭阳县", datetime(2026, 1, 5), 1200.5, 12, True, "=SUM(A1)"],
        ["泗阳县", datetime(2026, 1, 6), 800, 7, False, None],
        [None, None, None, None, None, None],
        ["宿城区", "2026年1月7日", "950.25", "9", "是", "备注"],
    ]
    table, columns, typed = read(xlsx_bytes(rows, sheets=2), "xlsx")
    assert table.headers == rows[0]
    assert types(columns) == ["text", "date", "number", "integer", "boolean", "text"]
    assert values(typed)[0] == ["沭阳县", date(2026, 1, 5), 1200.5, 12, True, None]
    assert values(typed)[2] == ["宿城区", date(2026, 1, 7), 950.25, 9, True, "备注"]
    assert [row[0] for row in typed] == [1, 2, 4]
    assert "只导入了第一个工作表" in table.problems.items[0].message


def test_xlsx_text_that_looks_like_a_formula_stays_text():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["公式"])
    sheet.cell(row=2, column=1).value = "=1+1"
    sheet.cell(row=2, column=1).data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, _columns, typed = read(buffer.getvalue(), "xlsx")
    assert typed[0][2] == "=1+1"


def test_a_broken_xlsx_is_unreadable_with_a_reason():
    with pytest.raises(Unreadable, match="XLSX"):
        read(b"PK\x03\x04 not really a workbook", "xlsx")


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("数据.csv", b"a,b", "csv"),
        ("数据.TXT", b"a\tb", "csv"),
        ("数据.json", b"[{", "json"),
        ("数据.xlsx", b"PK\x03\x04", "xlsx"),
        ("数据", b"PK\x03\x04", "xlsx"),
        ("数据", b'  {"data"', "json"),
        ("数据", b"a,b", "csv"),
        ("数据.xls", b"\xd0\xcf\x11\xe0", None),
        ("数据.xlsx", b"a,b", None),
        ("数据.csv", b"PK\x03\x04", None),
        ("数据.exe", b"MZ", None),
        ("数据.docx", b"PK\x03\x04", None),
    ],
)
def test_the_format_comes_from_the_name_checked_against_the_content(name, head, expected):
    assert ingest.detect_format(name, head) == expected
