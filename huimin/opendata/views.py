"""Public views of open data: the catalog with facets and search, the dataset page with its metadata,
quality, resources, versions, charts and a paged, sortable preview of the rows, and the downloads (each
version's file as it came, and the current rows as clean CSV or JSON, streamed)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from huimin.core.exports import safe_cell
from huimin.sites import queries as site_queries

from . import queries
from .enums import ResourceFormat, VersionStatus
from .models import DataChart, Resource, ResourceVersion
from .quality import allowed_days, quality

MAX_PREVIEW_PAGE = 1_000_000
STREAM_BATCH = 2000
CONTENT_TYPES = {
    ResourceFormat.CSV: "text/csv",
    ResourceFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ResourceFormat.JSON: "application/json",
}
# Encodings whose names browsers and spreadsheets understand in a Content-Type charset.
CHARSETS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gbk", "gb18030": "gb18030", "gb2312": "gbk"}


# --- catalog ---------------------------------------------------------------------------------------------


def catalog_view(catalog, request):
    filters = queries.CatalogFilters.from_params(request.GET)
    results, facets = queries.listing(catalog, filters)
    page = Paginator(results, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    params = filters.as_params()
    context = catalog.get_context(request)
    context.update(site_queries.page_chrome(catalog))
    context.update(
        {
            "filters": filters,
            "facets": [(name, queries.FACET_LABELS[name], options) for name, options in facets.items()],
            "datasets": page,
            "formats": queries.dataset_formats(page.object_list),
            "source_sites": queries.source_site_names(page.object_list) if catalog.aggregate_group else {},
            "page_query": queries.encode(params) + ("&" if params else ""),
        }
    )
    return TemplateResponse(request, catalog.template, context)


# --- dataset page ----------------------------------------------------------------------------------------


@dataclass
class PreviewPaginator:
    num_pages: int
    count: int


@dataclass
class PreviewPage:
    """What core/includes/pagination.html needs from a page of preview rows."""

    number: int
    paginator: PreviewPaginator

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.number < self.paginator.num_pages

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1


def _int(value, default: int) -> int:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else default


def change_summary(changes: dict | None) -> str:
    """A version's change summary in words: rows added and removed, columns added, removed or retyped."""
    if not changes or changes.get("previous") is None:
        return "首个版本"
    parts = []
    if changes.get("rows_added"):
        parts.append(f"新增 {changes['rows_added']} 行")
    if changes.get("rows_removed"):
        parts.append(f"删除 {changes['rows_removed']} 行")
    if changes.get("columns_added"):
        parts.append("新增字段：" + "、".join(str(n) for n in changes["columns_added"]))
    if changes.get("columns_removed"):
        parts.append("删除字段：" + "、".join(str(n) for n in changes["columns_removed"]))
    retyped = [c.get("name", "") for c in changes.get("columns_retyped") or [] if isinstance(c, dict)]
    if retyped:
        parts.append("字段类型变化：" + "、".join(retyped))
    return "；".join(parts) or "内容无变化"


def _sort_links(resource_id: int, columns: list[dict], sort: list[tuple[str, bool]]):
    """Header cells of the preview: each column's title, its aria-sort and the link that sorts by it
    (ascending first, then descending when it is already ascending)."""
    current = sort[0] if sort else None
    cells = []
    for column in columns:
        key = column["key"]
        state = "none"
        if current and current[0] == key:
            state = "descending" if current[1] else "ascending"
        target = f"-{key}" if state == "ascending" else key
        cells.append(
            {
                "key": key,
                "title": column.get("title") or column.get("name") or key,
                "type": column.get("type", ""),
                "aria_sort": state,
                "href": "?" + queries.encode({"resource": resource_id, "sort": target}) + "#preview",
                "next": "降序" if state == "ascending" else "升序",
            }
        )
    return cells


def _display(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return _text(value)


def preview(resource: Resource, params) -> dict:
    """The preview of a resource's current version: a page of rows sorted as asked, or a message."""
    from . import datastore

    version = resource.current_version
    result = {"resource": resource, "version": version, "message": ""}
    if version is None or version.status != VersionStatus.LOADED:
        result["message"] = "该资源暂无可预览的数据。"
        return result
    columns = version.columns or []
    sort_spec = str(params.get("sort", "") or "")[:200]
    try:
        sort = datastore.parse_sort(sort_spec, columns) if sort_spec else []
    except datastore.QueryError as error:
        result["message"] = f"无法按所给字段排序：{error}。已按原始顺序显示。"
        sort = []
    page_number = min(max(_int(params.get("page"), 1), 1), MAX_PREVIEW_PAGE)
    try:
        rows = datastore.query_rows(version, sort=sort, page=page_number, page_size=queries.PREVIEW_PAGE_SIZE)
    except datastore.QueryError as error:
        result["message"] = f"无法显示该页：{error}。"
        rows = datastore.query_rows(version, sort=sort, page=1, page_size=queries.PREVIEW_PAGE_SIZE)
    pages = max(1, math.ceil(rows.total / queries.PREVIEW_PAGE_SIZE))
    if page_number > pages:
        page_number = pages
        rows = datastore.query_rows(version, sort=sort, page=pages, page_size=queries.PREVIEW_PAGE_SIZE)
    keys = [c["key"] for c in columns]
    sort_param = ",".join(f"-{k}" if desc else k for k, desc in sort)
    query = {"resource": resource.pk, **({"sort": sort_param} if sort_param else {})}
    result.update(
        {
            "headers": _sort_links(resource.pk, columns, sort),
            "rows": [(row.get("_row"), [_display(row.get(k)) for k in keys]) for row in rows.rows],
            "total": rows.total,
            "page": PreviewPage(page_number, PreviewPaginator(pages, rows.total)),
            "page_query": queries.encode(query) + "&",
            "first_row": (page_number - 1) * queries.PREVIEW_PAGE_SIZE + 1 if rows.rows else 0,
            "last_row": (page_number - 1) * queries.PREVIEW_PAGE_SIZE + len(rows.rows),
        }
    )
    return result


def _charts(dataset) -> list:
    from .charts import render_data_chart

    charts = DataChart.objects.filter(resource__dataset=dataset, show_on_dataset=True).select_related(
        "resource__current_version"
    )
    rendered = [render_data_chart(chart) for chart in charts.order_by("resource__sort_order", "pk")]
    return [html for html in rendered if html]


def dataset_view(dataset, request):
    now = timezone.now()
    resources = list(
        dataset.resources.select_related("current_version")
        .prefetch_related("versions")
        .order_by("sort_order", "pk")
    )
    base = dataset.url
    entries = []
    for resource in resources:
        versions = sorted(resource.versions.all(), key=lambda v: -v.number)
        entries.append(
            {
                "resource": resource,
                "current": resource.current_version,
                "versions": [
                    {
                        "version": v,
                        "changes": change_summary(v.changes),
                        "href": f"{base}download/{resource.pk}/v{v.number}/",
                    }
                    for v in versions
                ],
                "api": request.build_absolute_uri(
                    f"/api/v1/datasets/{dataset.pk}/resources/{resource.pk}/rows"
                ),
                "download": f"{base}download/{resource.pk}/",
            }
        )
    chosen_id = request.GET.get("resource", "")
    notice = ""
    chosen = None
    if chosen_id:
        chosen = next((r for r in resources if str(r.pk) == str(chosen_id).strip()), None)
        if chosen is None:
            notice = "没有找到所选的数据资源，已显示第一个资源。"
    if chosen is None:
        chosen = next(
            (r for r in resources if r.current_version and r.current_version.status == VersionStatus.LOADED),
            resources[0] if resources else None,
        )
    result = quality(dataset, now)
    context = dataset.get_context(request)
    context.update(site_queries.page_chrome(dataset))
    context.update(
        {
            "entries": entries,
            "preview": preview(chosen, request.GET) if chosen else None,
            "resource_notice": notice,
            "quality": result,
            "allowed_days": allowed_days(dataset.update_frequency),
            "charts": _charts(dataset),
            "now": now,
        }
    )
    return TemplateResponse(request, dataset.template, context)


# --- downloads -------------------------------------------------------------------------------------------


def download_view(dataset, request, rid: int, kind: str):
    resource = Resource.objects.filter(dataset=dataset, pk=rid).select_related("current_version").first()
    if resource is None:
        raise Http404("没有这个数据资源。")
    if kind == "original":
        version = resource.current_version
        if version is None:
            raise Http404("该资源还没有文件。")
        return _file_response(dataset, resource, version)
    if kind.startswith("v") and kind[1:].isdigit() and len(kind) < 12:
        version = ResourceVersion.objects.filter(resource=resource, number=int(kind[1:])).first()
        if version is None:
            raise Http404("没有这个版本。")
        return _file_response(dataset, resource, version)
    if kind in ("csv", "json"):
        version = resource.current_version
        if version is None or version.status != VersionStatus.LOADED:
            raise Http404("该资源暂无可下载的数据。")
        return (
            _csv_response(dataset, resource, version)
            if kind == "csv"
            else _json_response(dataset, resource, version)
        )
    raise Http404("没有这种下载格式。")


def _filename(dataset, resource, version, extension: str) -> str:
    return f"{dataset.slug}-{resource.pk}-v{version.number}.{extension}"


def _file_response(dataset, resource, version):
    if not version.file:
        raise Http404("文件不存在。")
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("文件不存在。") from None
    content_type = CONTENT_TYPES.get(version.format, "application/octet-stream")
    charset = CHARSETS.get((version.encoding or "").lower())
    if version.format in (ResourceFormat.CSV, ResourceFormat.JSON) and charset:
        content_type += f"; charset={charset}"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(dataset, resource, version, version.format)
    )
    return response


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e15 else str(int(value))
    return str(value)


def csv_lines(version):
    """The current rows as clean CSV: UTF-8 with a BOM, the column titles as header, formula-like text
    escaped; yielded a batch at a time."""
    from . import datastore

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = version.columns or []
    writer.writerow([safe_cell(str(c.get("title") or c.get("name") or c["key"])) for c in columns])
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(datastore.iter_rows(version, batch=STREAM_BATCH), start=1):
        writer.writerow([safe_cell(value) if isinstance(value, str) else _text(value) for value in row])
        if count % STREAM_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _csv_response(dataset, resource, version):
    response = StreamingHttpResponse(csv_lines(version), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(dataset, resource, version, "csv")
    )
    return response


def _json_value(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_chunks(dataset, resource, version):
    """The current rows as one JSON document: the resource's description, its columns, then the rows as
    objects keyed by column key; yielded a batch at a time."""
    from . import datastore

    columns = version.columns or []
    keys = [c["key"] for c in columns]
    head = {
        "dataset": {"id": dataset.pk, "title": dataset.title},
        "resource": {"id": resource.pk, "title": resource.title},
        "version": version.number,
        "updated": timezone.localtime(version.uploaded_at).isoformat(),
        "columns": [
            {k: c.get(k, "") for k in ("key", "name", "title", "type", "description")} for c in columns
        ],
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    batch, first = [], True
    for row in datastore.iter_rows(version, batch=STREAM_BATCH):
        batch.append(
            json.dumps(
                dict(zip(keys, (_json_value(v) for v in row), strict=False)),
                ensure_ascii=False,
                allow_nan=False,
            )
        )
        if len(batch) >= STREAM_BATCH:
            yield ("" if first else ",\n") + ",\n".join(batch)
            batch, first = [], False
    if batch:
        yield ("" if first else ",\n") + ",\n".join(batch)
    yield "]}"


def _json_response(dataset, resource, version):
    response = StreamingHttpResponse(
        json_chunks(dataset, resource, version), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(dataset, resource, version, "json")
    )
    return response
