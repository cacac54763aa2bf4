"""Charts drawn on the server (huimin/opendata/drawing.py): SVG structure per kind, the text summary, the data
table, hostile text, edge cases (zero, negative, one row, 50 rows, long labels) and the colour data file."""

import json
from decimal import Decimal

import pytest
from selectolax.lexbor import LexborHTMLParser

from huimin.accessibility.plain_text import to_plain_text
from huimin.core.contrast import contrast_ratio
from huimin.opendata import drawing as charts

LABELS = ["沭阳县", "泗阳县", "泗洪县", "宿城区", "宿豫区"]
VALUES = [120, 80.5, 30, 45, 99]


def _chart(kind="bar", labels=LABELS, series=(("", VALUES),), unit="户", **kwargs):
    html = charts.render_chart(kind, "各县区新开办企业", labels, series, unit, id_prefix="c1", **kwargs)
    return html, LexborHTMLParser(str(html))


def _table_rows(tree):
    return [[cell.text(strip=True) for cell in row.css("th, td")] for row in tree.css("tbody tr")]


@pytest.mark.parametrize(("kind", "selector"), [("bar", "rect.chart-bar"), ("line", "circle.chart-point")])
def test_it_draws_one_mark_per_value(kind, selector):
    _, tree = _chart(kind)
    assert len(tree.css(selector)) == len(VALUES)


def test_a_pie_has_one_slice_per_value_and_names_each_with_its_share():
    _, tree = _chart("pie")
    assert len(tree.css(".chart-slice")) == len(VALUES)
    legend = [node.text() for node in tree.css("text.chart-legend")]
    assert legend[:2] == ["1. 沭阳县 120户（32%）", "2. 泗阳县 80.5户（21.5%）"]  # of 374.5
    assert len(legend) == len(VALUES)


def test_the_svg_is_an_image_named_by_its_title_and_the_summary():
    _, tree = _chart()
    svg = tree.css_first("figure.chart svg")
    assert svg.attributes["role"] == "img"
    title_id, summary_id = svg.attributes["aria-labelledby"].split()
    assert tree.css_first(f"svg title#{title_id}").text() == "各县区新开办企业（柱状图）"
    assert tree.css_first(f"figcaption #{summary_id}").text() == (
        "共5项，最高为沭阳县（120户），最低为泗洪县（30户）。"
    )


def test_bars_carry_their_values_and_labels_as_text():
    _, tree = _chart()
    texts = [node.text() for node in tree.css("svg text")]
    for label, value in zip(LABELS, ["120户", "80.5户", "30户", "45户", "99户"], strict=True):
        assert label in texts and value in texts


def test_the_table_has_a_caption_headers_with_scope_and_every_value():
    _, tree = _chart()
    table = tree.css_first("details.chart-data table")
    assert "open" in tree.css_first("details.chart-data").attributes
    assert table.css_first("caption").text() == "各县区新开办企业（单位：户）"
    assert [th.attributes["scope"] for th in table.css("thead th")] == ["col", "col"]
    assert all(th.attributes["scope"] == "row" for th in table.css("tbody th"))
    assert _table_rows(tree) == [
        [label, charts.format_number(v)] for label, v in zip(LABELS, VALUES, strict=True)
    ]


def test_a_pie_summary_gives_the_total_and_shares():
    html, _ = _chart("pie", series=[("", [50, 30, 20])], labels=["甲", "乙", "丙"], unit="")
    assert "共3项，合计100；占比最高为甲（50，占50%），最低为丙（20，占20%）。" in html


def test_zero_and_negative_values_are_drawn_from_the_zero_line():
    _, tree = _chart(series=[("", [10, 0, -5, 20, -15])])
    bars = tree.css("rect.chart-bar")
    assert len(bars) == 5
    zero = float(bars[0].attributes["x"])  # a positive bar starts on the zero line
    assert float(bars[1].attributes["width"]) == 0
    assert float(bars[2].attributes["x"]) < zero and float(bars[4].attributes["x"]) < float(
        bars[2].attributes["x"]
    )
    assert "最低为宿豫区（-15户）" in tree.css_first(".chart-summary").text()


def test_a_pie_refuses_negative_values_and_a_zero_total():
    with pytest.raises(charts.ChartError, match="负数"):
        charts.render_chart("pie", "t", ["a", "b"], [("", [3, -1])])
    with pytest.raises(charts.ChartError, match="大于 0"):
        charts.render_chart("pie", "t", ["a", "b"], [("", [0, 0])])


def test_a_pie_leaves_out_a_zero_slice_but_keeps_it_in_the_legend_and_table():
    _, tree = _chart("pie", series=[("", [3, 0, 1])], labels=["甲", "乙", "丙"])
    assert len(tree.css(".chart-slice")) == 2
    assert "2. 乙 0户（0%）" in [node.text() for node in tree.css("text.chart-legend")]
    assert ["乙", "0", "0%"] in _table_rows(tree)


@pytest.mark.parametrize("kind", ["bar", "line", "pie"])
def test_a_single_row_is_drawn_and_summarised(kind):
    html, tree = _chart(kind, labels=["全市"], series=[("", [42])])
    selector = {"bar": "rect.chart-bar", "line": "circle.chart-point", "pie": ".chart-slice"}[kind]
    assert len(tree.css(selector)) == 1
    assert "共1项" in tree.css_first(".chart-summary").text() and "42户" in html


@pytest.mark.parametrize(("kind", "selector"), [("bar", "rect.chart-bar"), ("line", "circle.chart-point")])
def test_fifty_rows_are_all_drawn_and_all_in_the_table(kind, selector):
    labels = [f"第{n}项" for n in range(1, 51)]
    _, tree = _chart(kind, labels=labels, series=[("", list(range(1, 51)))])
    assert len(tree.css(selector)) == 50
    assert len(_table_rows(tree)) == 50
    if kind == "line":
        assert len(tree.css("text.chart-axis-label")) <= 10  # the axis names every few points only


def test_a_very_long_label_is_cut_in_the_svg_and_whole_in_the_table():
    long_label = "宿迁市人民政府办公室关于进一步优化营商环境降低企业开办成本的若干措施" * 2
    _, tree = _chart(labels=[long_label, "短"], series=[("", [1, 2])])
    drawn = [node.text() for node in tree.css("svg text") if node.text().startswith("宿迁")]
    assert drawn and drawn[0].endswith("…") and len(drawn[0]) < 20
    assert _table_rows(tree)[0][0] == long_label


def test_several_series_are_drawn_side_by_side_with_a_legend_and_named_in_the_table():
    series = [("受理", [10, 20, 30]), ("办结", [8, 18, 29])]
    html, tree = _chart(labels=["一月", "二月", "三月"], series=series, unit="件")
    assert len(tree.css("rect.chart-bar")) == 6
    assert len(tree.css("rect.chart-swatch")) == 2
    assert [th.text() for th in tree.css("thead th")] == ["项目", "受理", "办结"]
    assert "共3项、2个系列；受理：最高为三月（30件），最低为一月（10件）" in html
    _, line = _chart("line", labels=["一月", "二月", "三月"], series=series)
    assert len(line.css("polyline.chart-line")) == 2
    dashes = {node.attributes.get("stroke-dasharray") for node in line.css("polyline.chart-line")}
    assert len(dashes) == 2, "series differ by line style, not colour alone"


def test_hostile_text_is_escaped_everywhere():
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    html = str(
        charts.render_chart(
            "bar", payload, [payload, "b"], [(payload, [1, 2]), ("x", [3, 4])], payload, summary=payload
        )
    )
    assert "<script" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("kind", "labels", "series", "message"),
    [
        ("donut", ["a"], [("", [1])], "图表类型"),
        ("bar", [], [("", [])], "至少需要一行"),
        ("bar", ["a", "b"], [("", [1])], "两者须一致"),
        ("bar", ["a"], [("", ["12"])], "不是数字"),
        ("bar", ["a"], [("", [float("nan")])], "无穷大"),
        ("pie", ["a"], [("x", [1]), ("y", [2])], "一个数据系列"),
    ],
)
def test_it_refuses_data_it_cannot_draw_with_a_chinese_message(kind, labels, series, message):
    with pytest.raises(charts.ChartError, match=message):
        charts.render_chart(kind, "t", labels, series)


@pytest.mark.parametrize(
    ("text", "expected"), [("12", "12"), (" -3.5 ", "-3.5"), ("１２", "12"), ("+0.25", "0.25")]
)
def test_it_reads_numbers_as_editors_type_them(text, expected):
    assert charts.format_number(charts.parse_number(text)) == expected


@pytest.mark.parametrize("text", ["12%", "1,234", "三", "", "1e5", "--1", "１２万"])
def test_it_refuses_anything_but_a_plain_number(text):
    with pytest.raises(charts.ChartError, match="不是数字"):
        charts.parse_number(text)


def test_numbers_read_without_exponent_or_trailing_zeros():
    assert [charts.format_number(v) for v in (Decimal("1E+3"), 2.50, 0.0001, -0.0, 7)] == [
        "1000",
        "2.5",
        "0.0001",
        "0",
        "7",
    ]


def test_every_chart_colour_reaches_the_contrast_the_file_asks_against_white():
    colours = charts.load_colours()
    assert len(colours) >= 6
    assert all(contrast_ratio(colour, "#ffffff") >= 4.5 for colour in colours)


def test_a_colour_file_with_a_pale_colour_is_refused(tmp_path):
    path = tmp_path / "colours.json"
    path.write_text(json.dumps({"min_ratio": 3, "colours": ["#1d4f91", "#ffcc00"]}), encoding="utf-8")
    with pytest.raises(ValueError, match="#ffcc00"):
        charts.load_colours.__wrapped__(path)


def test_in_text_mode_the_picture_goes_and_the_summary_and_table_stay():
    html, _ = _chart()
    text = to_plain_text(f"<html><body>{html}</body></html>")
    tree = LexborHTMLParser(text)
    assert tree.css_first("svg") is None
    assert "共5项，最高为沭阳县（120户）" in tree.text()
    assert len(tree.css("table tbody tr")) == 5
