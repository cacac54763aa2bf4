"""The datastore: filters with every operator, refusals naming the problem, sorting, paging, aggregates."""

import pytest

from huimin.opendata import datastore
from huimin.opendata.datastore import Filter, QueryError
from huimin.opendata.tests.factories import csv_bytes, make_dataset, make_resource

pytestmark = pytest.mark.django_db

ROWS = [
    ["区县", "日期", "类别", "金额", "人数", "公开", "备注"],
    ["沭阳县", "2026-01-05", "低保", "1,200.50", "12", "是", "100%完成"],
    ["泗阳县", "2026-01-06", "特困", "800", "7", "否", "a_b"],
    ["宿城区", "2026-02-01", "低保", "950.25", "9", "是", "axb"],
    ["沭阳县", "2026-02-03", "特困", "300", "3", "否", "100x完成"],
    ["宿豫区", "2026-03-10", "低保", "", "4", "是", "'; DROP TABLE x; --"],
    ["泗洪县", "2026-03-11", "临时救助", "1500", "", "", "a%b"],
]


@pytest.fixture
def version(demo):
    dataset = make_dataset()
    _resource, version = make_resource(dataset, csv_bytes(ROWS))
    assert version.status == "loaded", version.status_message
    return version


def rows_of(version, specs=(), sort=None, **kwargs):
    filters = datastore.parse_filters(list(specs), version.columns)
    order = datastore.parse_sort(sort, version.columns)
    return datastore.query_rows(version, filters=filters, sort=order, **kwargs)


def numbers(page):
    return [row["_row"] for row in page.rows]


def test_rows_come_typed_and_json_ready(version):
    page = rows_of(version)
    assert page.total == 6
    assert page.rows[0] == {
        "_row": 1,
        "c0": "沭阳县",
        "c1": "2026-01-05",
        "c2": "低保",
        "c3": 1200.5,
        "c4": 12,
        "c5": True,
        "c6": "100%完成",
    }
    assert page.rows[4]["c3"] is None
    assert page.rows[5]["c4"] is None and page.rows[5]["c5"] is None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("区县:eq:沭阳县", [1, 4]),
        ("c0:ne:沭阳县", [2, 3, 5, 6]),
        ("人数:ne:9", [1, 2, 4, 5, 6]),  # empty cells are "not equal" too
        ("金额:lt:900", [2, 4]),
        ("金额:lte:950.25", [2, 3, 4]),
        ("人数:gt:7", [1, 3]),
        ("人数:gte:7", [1, 2, 3]),
        ("日期:gte:2026年2月1日", [3, 4, 5, 6]),
        ("日期:lt:2026/2/1", [1, 2]),
        ("公开:eq:是", [1, 3, 5]),
        ("公开:eq:false", [2, 4]),
        ("类别:contains:救助", [6]),
        ("区县:in:沭阳县|宿城区", [1, 3, 4]),
        ("人数:in:3|4|99", [4, 5]),
        ("金额:gt:1,000", [1, 6]),
        ("人数:eq:１２", [1]),
    ],
)
def test_each_operator_filters_by_the_column_type(version, spec, expected):
    page = rows_of(version, [spec])
    assert numbers(page) == expected
    assert page.total == len(expected)


def test_filters_combine_and_the_total_counts_all_matches_not_the_page(version):
    page = rows_of(version, ["类别:eq:低保", "人数:gte:4"], page_size=1)
    assert page.total == 3
    assert numbers(page) == [1]


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ("面积:eq:1", "未知的字段：面积"),
        ("区县:like:沭阳", "未知的运算符：like"),
        ("人数:eq:十二", "字段“人数”的值“十二”不是有效的整数"),
        ("金额:gt:很多", "字段“金额”的值“很多”不是有效的数值"),
        ("日期:eq:2026-13-45", "字段“日期”的值“2026-13-45”不是有效的日期"),
        ("公开:eq:也许", "字段“公开”的值“也许”不是有效的是/否"),
        ("人数:contains:1", "contains 只能用于文本字段"),
        ("人数:in:1|两", "的值“两”不是有效的整数"),
        ("区县", "格式不对"),
        (":eq:1", "格式不对"),
    ],
)
def test_a_bad_filter_is_refused_with_the_problem_named(version, spec, named):
    with pytest.raises(QueryError) as caught:
        datastore.parse_filters([spec], version.columns)
    assert named in str(caught.value)


def test_columns_are_found_by_key_header_or_edited_title(version):
    columns = [dict(column) for column in version.columns]
    columns[0]["title"] = "所在区县"
    for spec in ("c0:eq:沭阳县", "区县:eq:沭阳县", "所在区县:eq:沭阳县"):
        assert datastore.parse_filters([spec], columns) == [Filter("c0", "eq", "沭阳县")]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("金额", [4, 2, 3, 1, 6]),
        ("-金额", [6, 1, 3, 2, 4]),
        ("类别,-人数", [6, 1, 3, 5, 2, 4]),
        ("-日期", [6, 5, 4, 3, 2, 1]),
        ("c4", [4, 5, 2, 3, 1]),
    ],
)
def test_rows_sort_ascending_and_descending(version, sort, expected):
    got = numbers(rows_of(version, sort=sort))
    empty = [number for number in got if number not in expected]
    assert [number for number in got if number in expected] == expected
    # Empty values sort together at one end (SQLite: first ascending; PostgreSQL: last ascending).
    assert got in (expected + empty, empty + expected)


def test_an_unknown_sort_column_is_refused_by_name(version):
    with pytest.raises(QueryError, match="未知的字段：面积"):
        datastore.parse_sort("-面积", version.columns)


def test_pages_follow_each_other_and_a_page_past_the_end_is_empty(version):
    assert numbers(rows_of(version, page=1, page_size=4)) == [1, 2, 3, 4]
    second = rows_of(version, page=2, page_size=4)
    assert numbers(second) == [5, 6]
    assert second.total == 6 and second.page == 2 and second.page_size == 4
    beyond = rows_of(version, page=9, page_size=4)
    assert beyond.rows == [] and beyond.total == 6


@pytest.mark.parametrize(
    ("page", "page_size", "message"),
    [(1, 1001, "每页条数不能超过 1000"), (0, 20, "页码"), (1, 0, "每页条数"), ("x", 20, "正整数")],
)
def test_bad_pages_and_page_sizes_over_the_maximum_are_refused(version, page, page_size, message):
    with pytest.raises(QueryError, match=message):
        datastore.query_rows(version, page=page, page_size=page_size)


def test_the_maximum_page_size_is_a_setting(version, settings):
    settings.HUIMIN_OPENDATA_MAX_PAGE_SIZE = 5
    assert datastore.max_page_size() == 5
    with pytest.raises(QueryError, match="不能超过 5"):
        datastore.query_rows(version, page_size=6)
    assert len(datastore.query_rows(version, page_size=5).rows) == 5


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("_", [2]),
        ("%", [1, 6]),
        ("100%", [1]),
        ("a_b", [2]),
        ("a%b", [6]),
        ("\\", []),
        ("x完", [4]),
        ("AXB", []),  # the case of Latin letters counts, on SQLite as on PostgreSQL
        ("x", [3, 4, 5]),
    ],
)
def test_like_wildcards_in_contains_match_literally_and_case_counts(version, needle, expected):
    assert numbers(rows_of(version, [f"备注:contains:{needle}"])) == expected


@pytest.mark.parametrize(
    "payload",
    ["'; DROP TABLE x; --", "1' OR '1'='1", '沭阳县" OR 1=1 --', "%' OR 1=1 --", "0) UNION SELECT 1 --"],
)
def test_sql_in_values_is_only_a_value(version, payload):
    page = rows_of(version, [f"备注:eq:{payload}"])
    assert numbers(page) == ([5] if payload == "'; DROP TABLE x; --" else [])
    assert rows_of(version, [f"区县:contains:{payload}"]).total == 0
    assert datastore.exists(version)
    assert rows_of(version).total == 6


def test_sql_in_a_column_or_sort_name_is_an_unknown_column(version):
    with pytest.raises(QueryError, match="未知的字段"):
        datastore.parse_filters(['c0" FROM x; --:eq:1'], version.columns)
    with pytest.raises(QueryError, match="未知的字段"):
        datastore.parse_sort("c0; DROP TABLE x", version.columns)
    with pytest.raises(QueryError, match="未知的排序字段"):
        datastore.query_rows(version, sort=[("c0 DESC; --", False)])
    with pytest.raises(QueryError, match="未知的运算符"):
        datastore.query_rows(version, filters=[Filter("c0", "= 1 OR 1=1 --", "x")])


def test_aggregates_group_by_the_label_in_label_order(version):
    sums = datastore.aggregate(version, label_column="c2", value_columns=["c3", "c4"], aggregation="sum")
    assert sums == [("临时救助", [1500.0, 0.0]), ("低保", [2150.75, 25.0]), ("特困", [1100.0, 10.0])]
    averages = datastore.aggregate(version, label_column="类别", value_columns=["人数"], aggregation="avg")
    assert dict(averages)["特困"] == [5.0]
    counts = datastore.aggregate(version, label_column="c2", value_columns=[], aggregation="count")
    assert dict(counts) == {"临时救助": [1.0], "低保": [3.0], "特困": [2.0]}


def test_aggregate_none_gives_each_row_in_source_order_with_filters_and_a_limit(version):
    data = datastore.aggregate(
        version,
        label_column="c1",
        value_columns=["c4"],
        aggregation="none",
        filters=[{"column": "c2", "op": "eq", "value": "低保"}],
        limit=2,
    )
    assert data == [("2026-01-05", [12.0]), ("2026-02-01", [9.0])]


def test_aggregate_labels_are_text_for_booleans_and_empty_values(version):
    data = dict(datastore.aggregate(version, label_column="c5", value_columns=["c4"], aggregation="sum"))
    assert data["是"] == [25.0] and data["否"] == [10.0] and data["（空）"] == [0.0]


def test_aggregate_refuses_text_values_and_unknown_aggregations(version):
    with pytest.raises(QueryError, match="字段“区县”不是数值"):
        datastore.aggregate(version, label_column="c2", value_columns=["c0"], aggregation="sum")
    with pytest.raises(QueryError, match="未知的汇总方式"):
        datastore.aggregate(version, label_column="c2", value_columns=["c3"], aggregation="median")


def test_iter_rows_reads_everything_in_batches_in_order(version):
    everything = list(datastore.iter_rows(version, batch=4))
    assert [row[0] for row in everything] == ["沭阳县", "泗阳县", "宿城区", "沭阳县", "宿豫区", "泗洪县"]
    assert everything[0] == ("沭阳县", "2026-01-05", "低保", 1200.5, 12, True, "100%完成")
    sorted_rows = list(datastore.iter_rows(version, sort=[("c4", True)], batch=2))
    assert [row[4] for row in sorted_rows if row[4] is not None] == [12, 9, 7, 4, 3]
    filtered = list(datastore.iter_rows(version, filters=[Filter("c0", "eq", "沭阳县")], batch=1))
    assert len(filtered) == 2


def test_a_dropped_table_answers_with_a_clear_error(version):
    datastore.drop(version)
    assert not datastore.exists(version)
    with pytest.raises(QueryError, match="还没有导入成功的数据"):
        datastore.query_rows(version)


def test_pages_are_the_same_whichever_index_serves_them(demo):
    from django.db import connection

    districts = ["沭阳县", "泗阳县", "泗洪县"]
    body = [[districts[n % 3], f"{(n * 37) % 101}.5", str(n)] for n in range(300)]
    _resource, version = make_resource(make_dataset(), csv_bytes([["区县", "金额", "序号"], *body]))
    broad = datastore.parse_filters(["区县:eq:泗阳县"], version.columns)
    narrow = datastore.parse_filters(["序号:eq:7"], version.columns)
    by_amount = datastore.parse_sort("-金额", version.columns)
    if connection.vendor == "sqlite":  # one third match: reading the amount index in order is cheaper
        assert datastore._walk_sort_index(version, broad, by_amount, 100, 20) == {"c0"}
        assert datastore._walk_sort_index(version, narrow, by_amount, 1, 20) == frozenset()
    matches = [(n + 1, row) for n, row in enumerate(body) if row[0] == "泗阳县"]
    expected = [n for n, row in sorted(matches, key=lambda item: (float(item[1][1]), item[0]), reverse=True)]
    for page in (1, 2, 5):
        result = datastore.query_rows(version, filters=broad, sort=by_amount, page=page, page_size=20)
        assert result.total == 100
        assert numbers(result) == expected[(page - 1) * 20 : page * 20]
    result = datastore.query_rows(version, filters=narrow, sort=by_amount)
    assert result.total == 1 and result.rows[0]["c2"] == 7


def test_counts_follow_a_reload_with_new_types(version):
    from huimin.opendata import services
    from huimin.opendata.tests.factories import NOW

    assert datastore.count_rows(version, datastore.parse_filters(["人数:gte:7"], version.columns)) == 3
    columns = [dict(column) for column in version.columns]
    columns[4]["type"] = "text"
    version = services.set_columns(version, columns, actor=None, now=NOW)
    # As text, "12" < "7": only "7" and "9" are at least "7".
    assert datastore.count_rows(version, datastore.parse_filters(["人数:gte:7"], version.columns)) == 2
