"""Charts made from a resource's columns (`DataChart`): checked, saved and drawn on the server.

`render_data_chart(chart)` draws a chart from the rows of its resource's current version, grouped and
filtered in the datastore (`datastore.aggregate`), with `huimin/opendata/drawing.py`: inline SVG with a title,
a text summary and the data table, plus a line naming the dataset, the version and its date. It renders
nothing at all (an empty string, never an error) when the resource has no loaded version, or when the
data no longer fits the chart (a column removed by a new version, a negative value in a pie); the chart's
form says why when an editor opens it.

`validate_chart` holds the rules an editor's chart must meet; `save_chart` and `delete_chart` are the one
door for writes of charts (permission, transaction, audit log), used by the snippet admin and the demo.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from wagtail.log_actions import log

from . import datastore, drawing
from .enums import Aggregation, ChartKind, ColumnType, VersionStatus
from .models import DataChart, Resource, ResourceVersion

logger = logging.getLogger(__name__)

NUMERIC_TYPES = (ColumnType.INTEGER, ColumnType.NUMBER)
MAX_POINTS = drawing.MAX_ROWS
MAX_VALUE_COLUMNS = 6
CACHE_SECONDS = 600
EMPTY_LABEL = datastore.EMPTY_LABEL
COUNT_SERIES = "数量"


def current_version(resource: Resource | None) -> ResourceVersion | None:
    """The resource's current version when it is loaded (has rows), else None."""
    version = resource.current_version if resource is not None else None
    return version if version is not None and version.status == VersionStatus.LOADED else None


def _columns_by_key(version: ResourceVersion) -> dict[str, dict]:
    return {str(column.get("key")): column for column in version.columns or []}


def column_title(column: dict) -> str:
    return str(column.get("title") or column.get("name") or column.get("key"))


def filter_specs(filters: list[dict]) -> list[str]:
    """Stored filters as the rows API writes them: "c2:eq:沭阳县"."""
    return [
        f"{item.get('column', '')}:{item.get('op', '')}:{item.get('value', '')}" for item in filters or []
    ]


def parse_chart_filters(lines: list[str], version: ResourceVersion) -> list[dict]:
    """Filters an editor typed ("字段:操作:值", the rows API's form) as stored dicts with column keys;
    ValidationError (Chinese, naming the line) for one the datastore refuses."""
    stored = []
    for number, line in enumerate(lines, start=1):
        try:
            (parsed,) = datastore.parse_filters([line], version.columns)
        except datastore.QueryError as error:
            raise ValidationError(f"第{number}个筛选条件：{error}") from None
        stored.append({"column": parsed.column, "op": parsed.op, "value": parsed.value})
    return stored


def validate_chart(
    *,
    resource: Resource | None,
    kind: str,
    label_column: str,
    value_columns: list[str],
    aggregation: str,
    filters: list[dict],
    max_points: int = 20,
) -> None:
    """Raise ValidationError ({field: Chinese message}) unless the chart can be drawn from the resource."""
    version = current_version(resource)
    if version is None:
        raise ValidationError({"resource": "所选数据资源还没有成功导入的版本，不能制作图表。"})
    columns = _columns_by_key(version)
    errors: dict[str, str] = {}
    if kind not in ChartKind.values:
        errors["kind"] = "请选择柱状图、折线图或饼图。"
    if aggregation not in Aggregation.values:
        errors["aggregation"] = "请选择汇总方式。"
    if label_column not in columns:
        errors["label_column"] = "分类字段不是所选数据资源的字段，请重新选择。"
    unknown = [key for key in value_columns if key not in columns]
    if unknown:
        errors["value_columns"] = "数值字段不是所选数据资源的字段，请重新选择。"
    elif not value_columns and aggregation != Aggregation.COUNT:
        errors["value_columns"] = "请至少选择一个数值字段（汇总方式为“计数”时可不选）。"
    elif len(value_columns) > MAX_VALUE_COLUMNS:
        errors["value_columns"] = f"数值字段最多选择 {MAX_VALUE_COLUMNS} 个。"
    elif aggregation != Aggregation.COUNT:
        text = [
            column_title(columns[key])
            for key in value_columns
            if columns[key].get("type") not in NUMERIC_TYPES
        ]
        if text:
            errors["value_columns"] = (
                f"数值字段须为整数或数值类型，“{'、'.join(text)}”不是；只想统计条数时请选择“计数”。"
            )
    if kind == ChartKind.PIE and len(value_columns) > 1:
        errors.setdefault("value_columns", "饼图只能有一个数值字段（计数时可不选）。")
    if not 1 <= (max_points or 0) <= MAX_POINTS:
        errors["max_points"] = f"最多显示项数须在 1 到 {MAX_POINTS} 之间。"
    for item in filters or []:
        if item.get("column") not in columns:
            errors["filters"] = "筛选条件中的字段不是所选数据资源的字段。"
            break
    if errors:
        raise ValidationError(errors)
    try:
        labels, series = _data(
            version, label_column, value_columns, aggregation, filters, max_points, columns
        )
    except datastore.QueryError as error:
        raise ValidationError({"filters": str(error)}) from None
    if not labels:
        raise ValidationError({"__all__": "按当前设置（含筛选条件）没有数据，无法绘制图表。"})
    try:
        drawing.validate(kind, labels, series)
    except drawing.ChartError as error:
        raise ValidationError({"__all__": f"按当前设置无法绘制图表：{error}"}) from None


def _data(
    version: ResourceVersion,
    label_column: str,
    value_columns: list[str],
    aggregation: str,
    filters: list[dict],
    limit: int,
    columns: dict[str, dict],
) -> tuple[list[str], list[tuple[str, list]]]:
    """(labels, series) of a chart, from the datastore: one series per value column (named by its title
    when there are several), or the number of rows per label for a count without value columns."""
    points = datastore.aggregate(
        version,
        label_column=label_column,
        value_columns=list(value_columns),
        aggregation=aggregation,
        filters=list(filters or []),
        limit=min(max(limit or 1, 1), MAX_POINTS),
    )
    labels = [label if label != "" else EMPTY_LABEL for label, _values in points]
    if not value_columns:
        return labels, [(COUNT_SERIES, [values[0] for _label, values in points])]
    names = [column_title(columns[key]) for key in value_columns] if len(value_columns) > 1 else [""]
    series = [
        (names[index], [values[index] for _label, values in points]) for index in range(len(value_columns))
    ]
    return labels, series


def _fingerprint(chart: DataChart, version: ResourceVersion) -> str:
    parts = [
        chart.pk,
        version.pk,
        version.sha256,
        version.row_count,
        version.uploaded_at.isoformat() if version.uploaded_at else "",
        version.columns,
        chart.title,
        chart.kind,
        chart.label_column,
        chart.value_columns,
        chart.aggregation,
        chart.filters,
        chart.unit_label,
        chart.summary,
        chart.max_points,
        chart.updated_at.isoformat() if chart.updated_at else "",
    ]
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()
    return f"opendata-chart:{digest}"


def chart_context(chart: DataChart | None) -> dict:
    """What a template needs to show a chart: `figure` (the drawn chart, "" when there is nothing to show),
    `title`, `dataset`, `resource`, `version`, and `labels`/`series` when drawn."""
    empty = {"figure": mark_safe(""), "chart": chart, "title": getattr(chart, "title", "")}
    if chart is None or chart.pk is None:
        return empty
    try:
        resource = chart.resource
    except Resource.DoesNotExist:
        return empty
    version = current_version(resource)
    if version is None:
        return empty
    columns = _columns_by_key(version)
    if chart.label_column not in columns or any(key not in columns for key in chart.value_columns or []):
        return empty
    try:
        labels, series = _data(
            version,
            chart.label_column,
            list(chart.value_columns or []),
            chart.aggregation,
            chart.filters,
            chart.max_points,
            columns,
        )
        figure = drawing.render_chart(
            chart.kind,
            chart.title,
            labels,
            series,
            chart.unit_label,
            summary=chart.summary,
            id_prefix=f"data-chart-{chart.pk}",
        )
    except (drawing.ChartError, datastore.QueryError) as error:
        logger.warning("data chart %s cannot be drawn: %s", chart.pk, error)
        return empty
    if not labels:
        return empty
    return {
        **empty,
        "figure": figure,
        "dataset": resource.dataset,
        "resource": resource,
        "version": version,
        "labels": labels,
        "series": series,
    }


def _source_line(resource: Resource, version: ResourceVersion) -> str:
    dataset = resource.dataset
    url = dataset.url if dataset.live else ""
    name = f"{dataset.title} · {resource.title}"
    when = timezone.localtime(version.uploaded_at).strftime("%Y-%m-%d")
    source = format_html('<a href="{}">{}</a>', url, name) if url else name
    return format_html(
        '<p class="data-chart-source">数据来源：{}（第{}版，{}更新）</p>', source, version.number, when
    )


def render_data_chart(chart: DataChart | None) -> SafeString:
    """The chart as an accessible figure with its source line; "" when there is nothing to show. The
    drawn figure is cached per chart settings and data version; the source line is always current."""
    if chart is None or chart.pk is None or not _has_resource(chart):
        return mark_safe("")
    version = current_version(chart.resource)
    if version is None:
        return mark_safe("")
    key = _fingerprint(chart, version)
    figure = cache.get(key)
    if figure is None:
        context = chart_context(chart)
        figure = str(context["figure"])
        cache.set(key, figure, CACHE_SECONDS)
    if not figure:
        return mark_safe("")
    return format_html(
        '<div class="data-chart" data-chart="{}">{}{}</div>',
        chart.pk,
        mark_safe(figure),  # noqa: S308 - drawn by render_chart from escaped parts, cached
        _source_line(chart.resource, version),
    )


def _has_resource(chart: DataChart) -> bool:
    try:
        return chart.resource is not None
    except Resource.DoesNotExist:
        return False


# --- Writes --------------------------------------------------------------------------------------------


def _check_permission(chart: DataChart, actor) -> None:
    if actor is None or actor.is_superuser:
        return
    from .services import can_manage

    if not can_manage(actor, chart.resource.dataset):
        raise PermissionDenied("您没有管理该数据集的权限，不能为它的数据资源制作图表。")


@transaction.atomic
def save_chart(chart: DataChart, *, actor=None, now: datetime) -> DataChart:
    """Create or change a chart after checking it can be drawn; `actor` None is the system."""
    _check_permission(chart, actor)
    validate_chart(
        resource=chart.resource,
        kind=chart.kind,
        label_column=chart.label_column,
        value_columns=list(chart.value_columns or []),
        aggregation=chart.aggregation,
        filters=chart.filters,
        max_points=chart.max_points,
    )
    creating = chart.pk is None
    chart.updated_at, chart.updated_by = now, actor
    # validate_chart has checked the value columns, which may be empty for a count.
    chart.full_clean(exclude=["value_columns"])
    chart.save()
    log(instance=chart, action="wagtail.create" if creating else "wagtail.edit", user=actor)
    return chart


@transaction.atomic
def delete_chart(chart: DataChart, *, actor=None) -> None:
    """Delete a chart; the pages that showed it then show nothing in its place."""
    _check_permission(chart, actor)
    log(instance=chart, action="wagtail.delete", user=actor)
    chart.delete()
