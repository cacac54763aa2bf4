"""StreamField blocks of open data: a chart made from a resource (`DataChart`), for topic pages, the
online-interview page and articles.

The block stores the chart's id; the chart is drawn when the page renders, from the resource's current
version, so a new upload updates every page that shows it. A chart that was deleted, or whose resource has
no loaded version, renders nothing at all (the page never fails because of it). The block's heading is an
h2, like the topic components'.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.snippets.blocks import SnippetChooserBlock


class DataChartBlock(SnippetChooserBlock):
    def __init__(self, **kwargs):
        super().__init__("huimin_opendata.DataChart", **kwargs)

    class Meta:
        label = "数据图表"
        icon = "table"
        template = "opendata/blocks/data_chart.html"
        description = "从开放数据资源制作的图表（在“数据图表”中管理），随数据更新，附文字摘要和数据表。"

    def render(self, value, context=None):
        from .charts import render_data_chart

        figure = render_data_chart(value) if value is not None else ""
        if not figure:
            return mark_safe("")
        html = render_to_string(self.meta.template, {"chart": value, "figure": figure})
        return mark_safe(html)  # noqa: S308 - template output
