"""Demo content: charts made from the demo open data (企业开办 by district and by month, schools by stage)
and a topic page of the portal, 数据看宿迁, that shows them with the designer's components.

Runs after the open data demo (`huimin/demo/opendata.py`): the datasets are found by their slugs, and when
they are absent nothing is made. Charts go through `charts.save_chart` and the page through the topic
services; everything is looked up first, so a second run adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wagtail.models import Site

from huimin.opendata import charts, datastore
from huimin.opendata.models import DataCatalogPage, DataChart, DatasetPage, Resource
from huimin.topics import services as topic_services
from huimin.topics.blocks import TopicStreamBlock
from huimin.topics.enums import TopicKind
from huimin.topics.models import TopicIndexPage, TopicPage, TopicPalette

PORTAL = "127.0.0.1"
CATALOG_SLUG = "sjkf"
TOPIC_INDEX_SLUG = "ztzl"
TOPIC_SLUG = "sjkss"
PALETTE = "政务蓝"

# (dataset slug, chart title, kind, label column, value columns, aggregation, unit, summary), columns by
# their headers in the demo files.
CHARTS = [
    (
        "qykb-ytj",
        "各区县新设企业数（近12个月合计）",
        "bar",
        "区县",
        ["新设企业数"],
        "sum",
        "户",
        "数据来自市行政审批局“企业开办数量按月统计”，随该数据集每月更新。",
    ),
    (
        "qykb-ytj",
        "全市每月新设市场主体数",
        "line",
        "统计月份",
        ["新设企业数", "新设个体工商户数"],
        "sum",
        "户",
        "",
    ),
    ("xxml", "各学段学校数", "pie", "学段", [], "count", "所", "数据来自市教育局“学校名录”。"),
]


def _resource(slug: str) -> Resource | None:
    dataset = DatasetPage.objects.live().filter(slug=slug).order_by("pk").first()
    if dataset is None:
        return None
    resource = dataset.resources.order_by("sort_order", "pk").first()
    return resource if resource is not None and charts.current_version(resource) is not None else None


def _ensure_chart(spec: tuple, now: datetime, admin) -> DataChart | None:
    slug, title, kind, label, values, aggregation, unit, summary = spec
    resource = _resource(slug)
    if resource is None:
        return None
    existing = DataChart.objects.filter(resource=resource, title=title).first()
    if existing is not None:
        return existing
    columns = charts.current_version(resource).columns
    chart = DataChart(
        resource=resource,
        title=title,
        kind=kind,
        label_column=datastore.find_column(label, columns)["key"],
        value_columns=[datastore.find_column(name, columns)["key"] for name in values],
        aggregation=aggregation,
        unit_label=unit,
        summary=summary,
        max_points=20,
    )
    return charts.save_chart(chart, actor=admin, now=now)


def _components(made: list[DataChart], catalog: DataCatalogPage | None) -> list[dict]:
    by_district, by_month, schools = made
    links = (
        [{"title": "数据开放目录", "page": catalog.pk, "description": "全市网站群开放的全部数据集"}]
        if catalog
        else []
    )
    components = [
        {
            "type": "banner",
            "value": {"heading": "用数据看宿迁", "text": "开放数据中的企业开办、学校等数据，以图表呈现。"},
        },
        {
            "type": "rich_text",
            "value": "<h2>专题简介</h2><p>本专题的图表直接取自本站“数据开放”中的数据集，"
            "数据集更新后图表随之更新。每个图表都附有文字摘要和数据表，"
            "也可到对应数据集下载完整数据或通过数据接口查询。</p>",
        },
        {"type": "data_chart", "value": by_district.pk},
        {"type": "data_chart", "value": by_month.pk},
        {
            "type": "two_columns",
            "value": {
                "left": [{"type": "data_chart", "value": schools.pk}],
                "right": [
                    {
                        "type": "rich_text",
                        "value": "<h2>关于数据</h2><p>学校数按学段统计，含幼儿园、小学、初级中学和高级中学。"
                        "学校的名称、地址和联系电话见“学校名录”数据集。</p>",
                    }
                ],
            },
        },
    ]
    if links:
        components.append({"type": "links_grid", "value": {"heading": "查看数据", "links": links}})
    return components


def _checked(components: list[dict]) -> list[dict]:
    block = TopicStreamBlock()
    return block.get_prep_value(block.clean(block.to_python(components)))


def build_chart_demo(spec: dict, now: datetime, admin) -> int:
    """The demo charts and the topic page that shows them; returns how many pages were created."""
    made = [_ensure_chart(chart, now, admin) for chart in CHARTS]
    if any(chart is None for chart in made):
        return 0  # the open data demo has not run: nothing to draw from
    portal = Site.objects.get(hostname=spec["sites"][0]["hostname"])
    index = TopicIndexPage.objects.child_of(portal.root_page).filter(slug=TOPIC_INDEX_SLUG).first()
    if index is None or TopicPage.objects.child_of(index).filter(slug=TOPIC_SLUG).exists():
        return 0
    catalog = DataCatalogPage.objects.child_of(portal.root_page).filter(slug=CATALOG_SLUG).live().first()
    page = TopicPage(
        title="数据看宿迁",
        slug=TOPIC_SLUG,
        kind=TopicKind.TOPIC,
        summary="用开放数据中的图表看宿迁：企业开办、学校等，附文字摘要和数据表，随数据更新。",
        keywords="数据开放,图表,企业开办,学校",
        pub_date=now - timedelta(days=2),
        palette=TopicPalette.objects.get(name=PALETTE),
        body=_checked(_components(made, catalog)),
    )
    topic_services.publish_new_topic(index, page, actor=admin)
    return 1
