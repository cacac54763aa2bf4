"""Charts made from a resource: drawn from the real rows (SVG, summary, table, source line), grouped and
filtered in the datastore, checked before they are saved, shown by the block on topic pages and articles,
and rendering nothing, never an error, when the data or the chart is gone."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry, Site

from huimin.articles.models import ArticlePage
from huimin.core.pages import add_and_publish
from huimin.opendata import charts, services
from huimin.opendata.blocks import DataChartBlock
from huimin.opendata.chart_admin import DataChartForm
from huimin.opendata.models import DataChart, DatasetPage
from huimin.opendata.tests.factories import NOW, csv_bytes, make_dataset, make_resource, site_root
from huimin.sites.models import ColumnPage
from huimin.topics import services as topic_services
from huimin.topics.models import TopicIndexPage, TopicPage, TopicPalette

pytestmark = pytest.mark.django_db
PORTAL = {"HTTP_HOST": "127.0.0.1:8000"}
ROWS = [
    ["区县", "月份", "类别", "金额", "人数", "备注"],
    ["沭阳县", "2026-01", "低保", "100", "10", "甲"],
    ["泗阳县", "2026-01", "低保", "80", "8", ""],
    ["沭阳县", "2026-02", "特困", "40", "2", ""],
    ["宿城区", "2026-02", "低保", "60.5", "6", "<script>alert(1)</script>"],
    ["泗阳县", "2026-02", "特困", "20", "1", ""],
]


@pytest.fixture(autouse=True)
def group(demo):
    return demo


@pytest.fixture
def admin():
    return get_user_model().objects.get(username="admin")


@pytest.fixture
def resource():
    dataset = make_dataset(site_root(), title="图表测试救助资金", slug="chart-test-aid")
    resource, _version = make_resource(dataset, csv_bytes(ROWS), title="救助资金发放")
    return resource


def make_chart(resource, **fields) -> DataChart:
    fields.setdefault("title", "各区县救助金额")
    fields.setdefault("kind", "bar")
    fields.setdefault("label_column", "c0")
    fields.setdefault("value_columns", ["c3"])
    fields.setdefault("aggregation", "sum")
    fields.setdefault("unit_label", "万元")
    return charts.save_chart(DataChart(resource=resource, **fields), now=NOW)


def table_rows(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in body.split("</tr>") if "<t" in row]


# --- drawing from rows ---------------------------------------------------------------------------------


def test_a_chart_is_drawn_from_the_rows_with_svg_summary_table_and_source(resource):
    chart = make_chart(resource)
    html = str(charts.render_data_chart(chart))
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert f'<title id="data-chart-{chart.pk}-title">各区县救助金额（柱状图）</title>' in html
    assert table_rows(html) == [["宿城区", "60.5"], ["沭阳县", "140"], ["泗阳县", "100"]]
    assert "共3项，最高为沭阳县（140万元），最低为宿城区（60.5万元）。" in html
    assert "数据来源：" in html and resource.dataset.url in html and "第1版" in html


def test_filters_and_grouping_happen_in_the_datastore(resource):
    filtered = make_chart(resource, filters=[{"column": "c2", "op": "eq", "value": "低保"}])
    assert table_rows(str(charts.render_data_chart(filtered))) == [
        ["宿城区", "60.5"],
        ["沭阳县", "100"],
        ["泗阳县", "80"],
    ]
    by_month = make_chart(resource, label_column="c1", value_columns=["c3", "c4"], aggregation="avg")
    html = str(charts.render_data_chart(by_month))
    assert table_rows(html) == [["2026-01", "90", "9"], ["2026-02", "40.1667", "3"]]
    assert '<th scope="col">金额</th><th scope="col">人数</th>' in html  # one series per column
    counted = make_chart(resource, kind="pie", label_column="c2", value_columns=[], aggregation="count")
    html = str(charts.render_data_chart(counted))
    assert table_rows(html) == [["低保", "3", "60%"], ["特困", "2", "40%"]]
    rows = make_chart(resource, kind="line", label_column="c0", value_columns=["c4"], aggregation="none")
    assert [row[0] for row in table_rows(str(charts.render_data_chart(rows)))] == [
        "沭阳县",
        "泗阳县",
        "沭阳县",
        "宿城区",
        "泗阳县",
    ]


def test_max_points_limits_the_items(resource):
    chart = make_chart(resource, max_points=2)
    assert len(table_rows(str(charts.render_data_chart(chart)))) == 2


def test_text_from_the_data_and_the_editor_is_escaped(resource):
    chart = make_chart(resource, title="<b>标题</b>", label_column="c5", value_columns=["c3"])
    html = str(charts.render_data_chart(chart))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>标题</b>" not in html and "&lt;b&gt;标题&lt;/b&gt;" in html


def test_a_new_version_updates_the_chart(resource):
    chart = make_chart(resource)
    assert table_rows(str(charts.render_data_chart(chart)))[1] == ["沭阳县", "140"]
    services.add_version(
        resource,
        upload=csv_bytes([ROWS[0], ["沭阳县", "2026-03", "低保", "7", "1", ""]]),
        original_name="new.csv",
        actor=None,
        now=NOW + timedelta(days=30),
    )
    chart.resource.refresh_from_db()
    html = str(charts.render_data_chart(chart))
    assert table_rows(html) == [["沭阳县", "7"]] and "第2版" in html


def test_nothing_is_rendered_without_a_loaded_version_or_when_the_data_no_longer_fits(resource):
    empty = services.create_resource(resource.dataset, title="尚无数据", actor=None)
    chart = DataChart.objects.create(resource=empty, title="空", label_column="c0", value_columns=["c1"])
    assert str(charts.render_data_chart(chart)) == ""
    assert charts.chart_context(chart)["figure"] == ""
    gone = make_chart(resource)
    DataChart.objects.filter(pk=gone.pk).update(label_column="c9")  # a column a new version removed
    gone.refresh_from_db()
    assert str(charts.render_data_chart(gone)) == ""
    assert str(charts.render_data_chart(None)) == ""


# --- validation and saving -----------------------------------------------------------------------------


def messages_of(error: ValidationError) -> str:
    return " ".join(message for messages in error.message_dict.values() for message in messages)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"value_columns": ["c2"]}, "数值字段须为整数或数值类型，“类别”不是"),
        ({"label_column": "c42"}, "分类字段不是所选数据资源的字段"),
        ({"kind": "pie", "value_columns": ["c3", "c4"]}, "饼图只能有一个数值字段"),
        ({"value_columns": []}, "请至少选择一个数值字段"),
        ({"filters": [{"column": "c2", "op": "eq", "value": "不存在"}]}, "没有数据"),
        ({"max_points": 0}, "最多显示项数"),
    ],
)
def test_a_chart_that_cannot_be_drawn_is_refused_with_a_reason(resource, fields, expected):
    with pytest.raises(ValidationError) as error:
        make_chart(resource, **fields)
    assert expected in messages_of(error.value)
    assert not DataChart.objects.filter(resource=resource).exists()


def test_a_pie_refuses_negative_values(resource):
    services.add_version(
        resource,
        upload=csv_bytes(
            [
                ROWS[0],
                ["沭阳县", "2026-03", "低保", "-5", "1", ""],
                ["泗阳县", "2026-03", "低保", "9", "1", ""],
            ]
        ),
        original_name="neg.csv",
        actor=None,
        now=NOW,
    )
    resource.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        make_chart(resource, kind="pie")
    assert "饼图的数值不能为负数" in messages_of(error.value)
    bar = make_chart(resource)  # a bar chart shows negatives
    assert ["沭阳县", "-5"] in table_rows(str(charts.render_data_chart(bar)))


def test_only_people_who_manage_the_dataset_make_its_charts(resource, admin):
    stranger = get_user_model().objects.get(username="jyj-editor")
    with pytest.raises(PermissionDenied):
        charts.save_chart(
            DataChart(resource=resource, title="越权", label_column="c0", value_columns=["c3"]),
            actor=stranger,
            now=NOW,
        )
    chart = charts.save_chart(
        DataChart(resource=resource, title="管理员图表", label_column="c0", value_columns=["c3"]),
        actor=admin,
        now=NOW,
    )
    assert chart.updated_by == admin and chart.updated_at == NOW
    assert ModelLogEntry.objects.filter(object_id=str(chart.pk), action="wagtail.create").exists()
    with pytest.raises(PermissionDenied):
        charts.delete_chart(chart, actor=stranger)
    charts.delete_chart(chart, actor=admin)
    assert not DataChart.objects.filter(pk=chart.pk).exists()


# --- the snippet form ----------------------------------------------------------------------------------


def form_data(resource, **fields):
    data = {
        "resource": str(resource.pk),
        "title": "表单图表",
        "kind": "bar",
        "label_column": f"{resource.pk}:c0",
        "value_columns": [f"{resource.pk}:c3"],
        "aggregation": "sum",
        "filters": "",
        "unit_label": "",
        "summary": "",
        "max_points": "20",
        "show_on_dataset": "on",
    }
    data.update(fields)
    return data


def test_the_form_lists_the_columns_of_the_resource(resource, admin):
    form = DataChartForm(for_user=admin)
    groups = dict(form.fields["label_column"].choices[1:])
    options = dict(groups[f"{resource.dataset.title} · {resource.title}"])
    assert options[f"{resource.pk}:c0"] == "区县（文本）" and options[f"{resource.pk}:c3"] == "金额（数值）"


def test_the_form_turns_choices_and_filter_lines_into_the_chart(resource, admin):
    form = DataChartForm(form_data(resource, filters="类别:eq:低保\n月份:in:2026-01|2026-02"), for_user=admin)
    assert form.is_valid(), form.errors
    chart = form.save(commit=False)
    assert chart.label_column == "c0" and chart.value_columns == ["c3"]
    assert chart.filters == [
        {"column": "c2", "op": "eq", "value": "低保"},
        {"column": "c1", "op": "in", "value": "2026-01|2026-02"},
    ]


def test_the_form_refuses_columns_of_another_resource_and_bad_filters(resource, admin):
    other, _ = make_resource(resource.dataset, csv_bytes([["名称", "数量"], ["甲", "1"]]), title="另一资源")
    form = DataChartForm(form_data(resource, label_column=f"{other.pk}:c0"), for_user=admin)
    assert not form.is_valid() and "分类字段须是所选数据资源的字段" in str(form.errors["label_column"])
    form = DataChartForm(form_data(resource, filters="人口:gt:3"), for_user=admin)
    assert not form.is_valid() and "第1个筛选条件：未知的字段：人口" in str(form.errors["filters"])
    form = DataChartForm(form_data(resource, value_columns=[f"{resource.pk}:c5"]), for_user=admin)
    assert not form.is_valid() and "“备注”不是" in str(form.errors["value_columns"])


def test_the_snippet_admin_creates_edits_and_deletes_through_the_services(client, resource, admin):
    client.force_login(admin)
    add_url = reverse("wagtailsnippets_huimin_opendata_datachart:add")
    assert "区县（文本）" in client.get(add_url, **PORTAL).content.decode()
    response = client.post(add_url, form_data(resource, title="后台图表"), **PORTAL)
    assert response.status_code == 302, response.content.decode()[:2000]
    chart = DataChart.objects.get(title="后台图表")
    assert chart.updated_by == admin and chart.value_columns == ["c3"]
    edit_url = reverse("wagtailsnippets_huimin_opendata_datachart:edit", args=[chart.pk])
    html = client.get(edit_url, **PORTAL).content.decode()
    assert f'value="{resource.pk}:c0" selected' in html
    response = client.post(
        edit_url,
        form_data(
            resource, title="后台图表", kind="pie", value_columns=[f"{resource.pk}:c3", f"{resource.pk}:c4"]
        ),
        **PORTAL,
    )
    assert response.status_code == 200 and "饼图只能有一个数值字段" in response.content.decode()
    delete_url = reverse("wagtailsnippets_huimin_opendata_datachart:delete", args=[chart.pk])
    assert client.post(delete_url, **PORTAL).status_code == 302
    assert not DataChart.objects.filter(pk=chart.pk).exists()
    assert ModelLogEntry.objects.filter(object_id=str(chart.pk), action="wagtail.delete").exists()


# --- the block on pages --------------------------------------------------------------------------------


def test_the_block_shows_the_chart_on_a_topic_page_and_nothing_once_it_is_deleted(client, resource):
    chart = make_chart(resource)
    index = TopicIndexPage.objects.child_of(Site.objects.get(hostname="127.0.0.1").root_page).get(slug="ztzl")
    topic = TopicPage(
        title="图表测试专题",
        slug="chart-test-topic",
        summary="测试",
        palette=TopicPalette.objects.first(),
        pub_date=NOW,
        body=[
            {"type": "rich_text", "value": "<h2>简介</h2><p>正文</p>"},
            {"type": "data_chart", "value": chart.pk},
            {
                "type": "two_columns",
                "value": {"left": [{"type": "data_chart", "value": chart.pk}], "right": []},
            },
        ],
    )
    topic_services.publish_new_topic(index, topic)
    html = client.get(topic.url, **PORTAL).content.decode()
    assert html.count('<section class="topic-block topic-chart data-chart-block">') == 2
    assert "<h2>各区县救助金额</h2>" in html and '<table class="chart-table">' in html
    charts.delete_chart(chart)
    response = client.get(topic.url, **PORTAL)
    assert response.status_code == 200 and "data-chart-block" not in response.content.decode()


def test_the_block_shows_the_chart_after_an_article_body(client, resource):
    chart = make_chart(resource)
    column = ColumnPage.objects.child_of(Site.objects.get(hostname="127.0.0.1").root_page).get(slug="gzdt")
    article = add_and_publish(
        column,
        ArticlePage(
            title="图表测试文章",
            slug="chart-test-article",
            body="<p>文章正文</p>",
            pub_date=NOW,
            charts=[{"type": "data_chart", "value": chart.pk}],
        ),
    )
    html = client.get(article.url, **PORTAL).content.decode()
    assert html.index("文章正文") < html.index('class="chart"') and "topics/blocks.css" in html
    assert "共3项" in html


def test_the_block_renders_nothing_for_a_missing_chart():
    block = DataChartBlock()
    assert block.render(block.to_python(999999999)) == ""
    assert block.render(None) == ""


# --- the demo ------------------------------------------------------------------------------------------


def test_the_demo_builds_charts_and_a_topic_page_that_shows_them(client, admin):
    from huimin.demo.builder import load_spec
    from huimin.demo.opendata import build_opendata_demo
    from huimin.demo.opendata_charts import TOPIC_SLUG, build_chart_demo

    spec = load_spec()
    build_opendata_demo(spec, NOW, admin)  # already there when the builder runs it; nothing is repeated
    build_chart_demo(spec, NOW, admin)
    assert build_chart_demo(spec, NOW, admin) == 0  # a second run adds nothing
    assert (
        DataChart.objects.filter(title__in=["各区县新设企业数（近12个月合计）", "各学段学校数"]).count() == 2
    )
    topic = TopicPage.objects.get(slug=TOPIC_SLUG)
    html = client.get(topic.url, **PORTAL).content.decode()
    assert html.count("data-chart-block") == 3 and html.count("<svg xmlns") == 3
    assert "全市每月新设市场主体数" in html and "新设个体工商户数" in html


def test_the_demo_charts_wait_for_the_open_data_demo(admin):
    from huimin.demo.builder import load_spec
    from huimin.demo.opendata_charts import build_chart_demo

    TopicPage.objects.filter(slug="sjkss").delete()  # the session demo may have built it already
    for dataset in DatasetPage.objects.filter(slug__in=["qykb-ytj", "xxml"]):
        dataset.unpublish()
    assert build_chart_demo(load_spec(), NOW, admin) == 0
    assert not TopicPage.objects.filter(slug="sjkss").exists()
