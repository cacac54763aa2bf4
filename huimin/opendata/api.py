"""Open data in the public API: `/api/v1/datasets` (search, facets, paging), one dataset with its resources,
columns and versions, and the rows of a resource's current version (filtered, sorted, paged).

Only live, public datasets appear. The rows come from the datastore (`datastore.query_rows`); a filter,
sort or page size the datastore refuses answers 400 with its Chinese message, which names the column,
operator or value at fault. Requests are rate limited: anonymous clients per address and hour
(`HUIMIN_OPENDATA_API_PER_IP_HOUR`), clients with an API key (`X-Api-Key` or `api_key`) up to the key's own
hourly limit; beyond the limit 429. A key that is unknown or revoked answers 401.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Header, P, PathEx, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import WithJsonSchema
from wagtail.models import Page, Site

from huimin.core import throttle
from huimin.core.api import HOSTNAME, MAX_ID, NO_NUL, WHITESPACE, ErrorOut, id_in_path
from huimin.core.facets import FacetOption
from huimin.sites.models import OrgUnit

from . import apikeys, datastore
from .addresses import download_url, keywords, rows_url
from .enums import OpenType, ResourceFormat, UpdateFrequency, VersionStatus
from .models import DatasetPage, DataTheme, Resource, ResourceVersion
from .quality import quality
from .queries import dataset_formats, datasets_for_site, with_last_updated

router = Router(tags=["数据开放"])

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_ROWS_PAGE = 1_000_000
MAX_FILTERS = 20
DEFAULT_MAX_ROWS_PAGE_SIZE = 1000  # HUIMIN_OPENDATA_MAX_PAGE_SIZE when the setting is not given
QUERY_MAX_LENGTH = 100
HOUR = timedelta(hours=1)
IP_BUCKET = "opendata-api-ip"
KEY_BUCKET = "opendata-api-key"
DATASET_NOT_FOUND = "数据集不存在或未公开。"
RESOURCE_NOT_FOUND = "数据资源不存在。"
NO_ROWS = "该数据资源暂无可查询的数据（尚未成功导入）。"
BAD_KEY = "接口密钥无效或已停用。"
FACETS = ("theme", "unit", "format", "frequency")
NUL_IN_ROWS_QUERY = "筛选条件和排序字段不能含有 NUL 字符。"

# What the schema states for the parameters the server checks itself (a key it does not know answers 401,
# a filter or sort it cannot read answers 400 naming the problem). An API key is what
# `secrets.token_urlsafe` makes; a filter is column:operator:value with a column that is not blank; a sort
# names at most three columns.
KEY_PATTERN = rf"^[A-Za-z0-9_-]{{0,{apikeys.MAX_KEY_LENGTH}}}$"
KEY_RE = re.compile(KEY_PATTERN)
FILTER_PATTERN = (
    rf"^[^:\x00]*[^:\x00{WHITESPACE}][^:\x00]*:"
    rf"(?:(?:{'|'.join(op for op in datastore.OPERATORS if op != 'contains')}):[^\x00]*|contains:[^\x00]+)$"
)
SORT_PATTERN = rf"^[^,\x00]*(?:,[^,\x00]*){{0,{datastore.MAX_SORT_KEYS - 1}}}$"
ApiKeyHeader = Annotated[str | None, WithJsonSchema({"type": "string", "pattern": KEY_PATTERN})]
ApiKeyParam = Annotated[str, WithJsonSchema({"type": "string", "default": "", "pattern": KEY_PATTERN})]
FilterItem = Annotated[str, WithJsonSchema({"type": "string", "pattern": FILTER_PATTERN})]
DatasetId = id_in_path()


def per_ip_hour() -> int:
    return settings.HUIMIN_OPENDATA_API_PER_IP_HOUR


# --- Rate limits ---------------------------------------------------------------------------------------


def _throttle(request: HttpRequest, header_key: str | None, query_key: str, now: datetime) -> None:
    """Count this request against its key's limit, or its address's; HttpError 401/429 when refused."""
    raw = header_key or query_key or ""
    if raw:
        key = apikeys.key_for(raw) if KEY_RE.fullmatch(raw) else None
        if key is None:
            raise HttpError(401, BAD_KEY)
        if not throttle.hit(KEY_BUCKET, str(key.pk), limit=key.hourly_limit, window=HOUR, now=now):
            raise HttpError(
                429, f"请求过于频繁：此接口密钥每小时最多请求 {key.hourly_limit} 次，请稍后再试。"
            )
        return
    limit = per_ip_hour()
    if not throttle.hit(IP_BUCKET, throttle.client_ip(request), limit=limit, window=HOUR, now=now):
        raise HttpError(
            429,
            f"请求过于频繁：未使用接口密钥时每个地址每小时最多请求 {limit} 次。请稍后再试，或申请接口密钥。",
        )


API_KEY_HEADER = Header(
    None, alias="X-Api-Key", description="接口密钥（可选）：按密钥的每小时上限计数；无效或已停用时返回 401"
)
API_KEY_QUERY = "接口密钥（可选，也可放在请求头 X-Api-Key 中）；无效或已停用时返回 401"
API_KEY_PARAM = Query("", description=API_KEY_QUERY)


# --- Schemas -------------------------------------------------------------------------------------------


class NamedRef(Schema):
    id: int
    name: str


class SiteRef(Schema):
    hostname: str = Field(description="站点主机名，可作为 site 参数")
    name: str


class DatasetSummary(Schema):
    id: int = Field(description="数据集编号（页面编号）")
    title: str
    url: str | None = Field(description="数据集页面的绝对地址")
    site: SiteRef | None = Field(description="发布站点")
    description: str
    unit: NamedRef = Field(description="提供单位")
    theme: NamedRef = Field(description="数据主题")
    keywords: list[str]
    update_frequency: str = Field(
        description="更新频率：daily、weekly、monthly、quarterly、half_yearly、yearly、irregular"
    )
    update_frequency_label: str
    open_type: str = Field(description="开放属性：unconditional（无条件开放）、conditional（有条件开放）")
    open_type_label: str
    formats: list[str] = Field(description="各资源当前版本的格式，如 CSV、XLSX、JSON")
    pub_date: datetime = Field(description="发布时间（北京时间）")
    last_updated: datetime | None = Field(description="数据最近更新时间：最新成功导入的版本的上传时间")


class FacetOptionOut(Schema):
    value: str = Field(description="作为同名参数的取值")
    label: str
    count: int = Field(description="在其他已选条件下的数据集数")
    selected: bool


class DatasetList(Schema):
    count: int = Field(description="符合条件的数据集总数")
    page: int
    page_size: int
    results: list[DatasetSummary]
    facets: dict[str, list[FacetOptionOut]] = Field(description="分面：theme、unit、format、frequency")


class DatasetQuery(Schema):
    q: str = Field("", max_length=1000, pattern=NO_NUL, description="在标题、描述和关键词中查找（前 100 字）")
    theme: str = Field("", max_length=100, pattern=NO_NUL, description="数据主题名称，如 卫生健康")
    unit: str = Field("", max_length=100, pattern=NO_NUL, description="提供单位编号")
    format: str = Field("", max_length=100, pattern=NO_NUL, description="资源格式：csv、xlsx、json")
    frequency: str = Field(
        "",
        max_length=100,
        pattern=NO_NUL,
        description="更新频率：" + "、".join(UpdateFrequency.values),
    )
    site: str = Field(
        "",
        max_length=255,
        pattern=NO_NUL,
        description="站点主机名：只列该站点展示的数据集；不填为全市网站群；不是网站群站点的主机名时列表为空",
    )
    page: int = Field(1, ge=1, le=MAX_ROWS_PAGE, description="页码，从 1 开始")
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1–{MAX_PAGE_SIZE}")
    api_key: str = Field("", description=API_KEY_QUERY, json_schema_extra={"pattern": KEY_PATTERN})


class ColumnOut(Schema):
    key: str = Field(description="字段键，用于 filter 和 sort，如 c0")
    name: str = Field(description="原表头")
    title: str = Field(description="显示名")
    type: str = Field(description="类型：text、integer、number、date、boolean")
    description: str = ""


class VersionOut(Schema):
    number: int
    uploaded_at: datetime
    original_name: str
    format: str
    size: int = Field(description="文件大小（字节）")
    status: str = Field(description="pending（待导入）、loaded（已导入）、failed（导入失败）")
    row_count: int
    error_count: int
    changes: dict[str, Any] = Field(description="与上一版本相比的变化")
    download_url: str | None = Field(description="此版本原始文件的下载地址")


class DownloadsOut(Schema):
    original: str | None = Field(description="当前版本原始文件")
    csv: str | None = Field(description="规整后的 CSV（UTF-8）")
    json_: str | None = Field(alias="json", description="规整后的 JSON")


class ResourceOut(Schema):
    id: int
    title: str
    description: str
    format: str | None = Field(description="当前版本的格式")
    row_count: int | None
    updated_at: datetime | None = Field(description="当前版本的上传时间")
    columns: list[ColumnOut]
    downloads: DownloadsOut
    rows_url: str | None = Field(description="行数据接口地址；尚无成功导入的版本时为 null")
    versions: list[VersionOut] = Field(description="全部版本，新的在前")


class QualityOut(Schema):
    score: int = Field(description="质量评分 0–100")
    reasons: list[str] = Field(description="扣分原因")
    late: bool = Field(description="是否超过声明的更新频率未更新")
    due: datetime | None = Field(description="按更新频率应更新的时间")


class ContactOut(Schema):
    name: str
    phone: str
    email: str


class DatasetDetail(DatasetSummary):
    open_condition: str
    licence: str
    licence_url: str
    temporal_start: date | None
    temporal_end: date | None
    spatial: str
    contact: ContactOut
    quality: QualityOut
    resources: list[ResourceOut]


class RowsQuery(Schema):
    filters: list[FilterItem] = Field(
        [],
        alias="filter",
        description=f"筛选条件 字段:操作:值，可重复（同时满足，最多 {MAX_FILTERS} 个）。"
        "字段可用键、原表头或显示名；操作：eq、ne、lt、lte、gt、gte、contains、in（in 的多个值用 | 分隔）。"
        "字段不存在、值与字段类型不符时返回 400",
        json_schema_extra={"maxItems": MAX_FILTERS},
    )
    sort: str = Field(
        "",
        description=f"排序字段，前加 - 为倒序，最多 {datastore.MAX_SORT_KEYS} 个，用逗号分隔，如 -c2,c0；"
        "字段不存在时返回 400",
        json_schema_extra={"pattern": SORT_PATTERN},
    )
    page: int = Field(1, ge=1, le=MAX_ROWS_PAGE, description="页码，从 1 开始")
    page_size: int = Field(
        20,
        ge=1,
        description=f"每页行数，最大值为 HUIMIN_OPENDATA_MAX_PAGE_SIZE（默认 {DEFAULT_MAX_ROWS_PAGE_SIZE}）",
        json_schema_extra={"maximum": DEFAULT_MAX_ROWS_PAGE_SIZE},
    )
    api_key: str = Field("", description=API_KEY_QUERY, json_schema_extra={"pattern": KEY_PATTERN})


class RowPageOut(Schema):
    dataset: int
    resource: int
    version: int = Field(description="数据所属的版本号（当前版本）")
    total: int = Field(description="符合条件的行数")
    page: int
    page_size: int
    columns: list[ColumnOut]
    rows: list[dict[str, Any]] = Field(description="每行：_row（源文件行号）及各字段键的值")


# --- Reads ---------------------------------------------------------------------------------------------


def _scope(hostname: str) -> QuerySet[DatasetPage]:
    """Live, public datasets: the whole group, or those a site shows; an unknown site shows nothing."""
    hostname = hostname.strip().lower()
    if not hostname:
        return DatasetPage.objects.live().public()
    site = Site.objects.filter(hostname=hostname).first() if HOSTNAME.match(hostname) else None
    return datasets_for_site(site) if site else DatasetPage.objects.none()


def _apply(queryset: QuerySet[DatasetPage], query: DatasetQuery, skip: str = "") -> QuerySet[DatasetPage]:
    """The query's filters on a queryset, leaving out facet `skip` (for that facet's own counts)."""
    theme, unit = query.theme.strip(), query.unit.strip()
    fmt, frequency = query.format.strip().lower(), query.frequency.strip()
    if theme and skip != "theme":
        queryset = queryset.filter(theme__name=theme)
    if unit and skip != "unit":
        ok = unit.isdigit() and int(unit) <= MAX_ID
        queryset = queryset.filter(unit_id=int(unit)) if ok else queryset.none()
    if fmt and skip != "format":
        queryset = queryset.filter(pk__in=_with_format(fmt))
    if frequency and skip != "frequency":
        queryset = queryset.filter(update_frequency=frequency)
    for word in query.q.strip()[:QUERY_MAX_LENGTH].split():
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(keywords__icontains=word)
        )
    return queryset


def _with_format(fmt: str):
    return Resource.objects.filter(current_version__format=fmt).values("dataset_id")


def _counts(queryset: QuerySet[DatasetPage], key: str) -> dict:
    return dict(
        queryset.order_by().values_list(key).annotate(n=Count("pk", distinct=True)).values_list(key, "n")
    )


def _facets(scope: QuerySet[DatasetPage], query: DatasetQuery) -> dict[str, list[FacetOption]]:
    selected = {
        "theme": query.theme.strip(),
        "unit": query.unit.strip(),
        "format": query.format.strip().lower(),
        "frequency": query.frequency.strip(),
    }

    def options(name: str, choices, counts: dict) -> list[FacetOption]:
        return [
            FacetOption(str(value), label, counts.get(value, 0), str(value) == selected[name])
            for value, label in choices
            if counts.get(value) or str(value) == selected[name]
        ]

    format_counts = dict(
        Resource.objects.filter(
            dataset__in=_apply(scope, query, skip="format"), current_version__isnull=False
        )
        .order_by()
        .values_list("current_version__format")
        .annotate(n=Count("dataset_id", distinct=True))
        .values_list("current_version__format", "n")
    )
    unit_counts = _counts(_apply(scope, query, skip="unit"), "unit_id")
    return {
        "theme": options(
            "theme",
            [(name, name) for name in DataTheme.objects.values_list("name", flat=True)],
            _counts(_apply(scope, query, skip="theme"), "theme__name"),
        ),
        "unit": options(
            "unit",
            OrgUnit.objects.filter(pk__in=list(unit_counts))
            .order_by("sort_order", "name")
            .values_list("pk", "name"),
            unit_counts,
        ),
        "format": options("format", ResourceFormat.choices, format_counts),
        "frequency": options(
            "frequency",
            UpdateFrequency.choices,
            _counts(_apply(scope, query, skip="frequency"), "update_frequency"),
        ),
    }


def _visible_dataset(id: int) -> DatasetPage:
    if not 0 < id <= MAX_ID:
        raise HttpError(404, DATASET_NOT_FOUND)
    dataset = (
        with_last_updated(DatasetPage.objects.live().public().filter(pk=id))
        .select_related("unit", "theme")
        .first()
    )
    if dataset is None:
        raise HttpError(404, DATASET_NOT_FOUND)
    return dataset


# --- JSON shaping --------------------------------------------------------------------------------------


class _Context:
    """Per-request lookups: the sites (for page URLs) and the formats of a page of datasets."""

    def __init__(self, request: HttpRequest, datasets=()):
        self.request = request
        self.sites = Site.objects.in_bulk()
        self.formats = dataset_formats(list(datasets)) if datasets else {}

    def location(self, page: Page) -> tuple[Site | None, str | None]:
        parts = page.get_url_parts(request=self.request)
        if parts is None:
            return None, None
        return self.sites.get(parts[0]), page.get_full_url(request=self.request)


def _label(choices, value: str) -> str:
    return dict(choices.choices).get(value, "")


def _summary(dataset: DatasetPage, ctx: _Context) -> dict:
    site, url = ctx.location(dataset)
    return {
        "id": dataset.pk,
        "title": dataset.title,
        "url": url,
        "site": {"hostname": site.hostname, "name": site.site_name or site.hostname} if site else None,
        "description": dataset.description,
        "unit": {"id": dataset.unit_id, "name": dataset.unit.name},
        "theme": {"id": dataset.theme_id, "name": dataset.theme.name},
        "keywords": keywords(dataset.keywords),
        "update_frequency": dataset.update_frequency,
        "update_frequency_label": _label(UpdateFrequency, dataset.update_frequency),
        "open_type": dataset.open_type,
        "open_type_label": _label(OpenType, dataset.open_type),
        "formats": ctx.formats.get(dataset.pk, []),
        "pub_date": timezone.localtime(dataset.pub_date),
        "last_updated": _local(getattr(dataset, "last_updated", None)),
    }


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


def _columns(version: ResourceVersion | None) -> list[dict]:
    if version is None:
        return []
    return [
        {
            "key": str(column.get("key", "")),
            "name": str(column.get("name", "")),
            "title": str(column.get("title") or column.get("name", "")),
            "type": str(column.get("type", "")),
            "description": str(column.get("description", "")),
        }
        for column in version.columns or []
    ]


def _is_loaded(version: ResourceVersion | None) -> bool:
    return version is not None and version.status == VersionStatus.LOADED


def _resource(resource: Resource, dataset_url: str | None, request: HttpRequest) -> dict:
    current = resource.current_version
    loaded = _is_loaded(current)
    versions = sorted(resource.versions.all(), key=lambda v: -v.number)
    return {
        "id": resource.pk,
        "title": resource.title,
        "description": resource.description,
        "format": current.format if current else None,
        "row_count": current.row_count if loaded else None,
        "updated_at": _local(current.uploaded_at) if current else None,
        "columns": _columns(current) if loaded else [],
        "downloads": {
            "original": download_url(dataset_url, resource.pk, "original") if current else None,
            "csv": download_url(dataset_url, resource.pk, "csv") if loaded else None,
            "json": download_url(dataset_url, resource.pk, "json") if loaded else None,
        },
        "rows_url": rows_url(request, resource.dataset_id, resource.pk) if loaded else None,
        "versions": [
            {
                "number": version.number,
                "uploaded_at": _local(version.uploaded_at),
                "original_name": version.original_name,
                "format": version.format,
                "size": version.size,
                "status": version.status,
                "row_count": version.row_count,
                "error_count": version.error_count,
                "changes": version.changes or {},
                "download_url": download_url(dataset_url, resource.pk, f"v{version.number}"),
            }
            for version in versions
        ],
    }


def _quality(dataset: DatasetPage, now: datetime) -> dict:
    result = quality(dataset, now)
    return {
        "score": result.score,
        "reasons": list(result.reasons),
        "late": result.late,
        "due": _local(result.due) if isinstance(result.due, datetime) else None,
    }


def _detail(dataset: DatasetPage, request: HttpRequest, now: datetime) -> dict:
    ctx = _Context(request, [dataset])
    summary = _summary(dataset, ctx)
    resources = (
        Resource.objects.filter(dataset=dataset)
        .select_related("current_version")
        .prefetch_related("versions")
        .order_by("sort_order", "pk")
    )
    return {
        **summary,
        "open_condition": dataset.open_condition,
        "licence": dataset.licence,
        "licence_url": dataset.licence_url,
        "temporal_start": dataset.temporal_start,
        "temporal_end": dataset.temporal_end,
        "spatial": dataset.spatial,
        "contact": {
            "name": dataset.contact_name,
            "phone": dataset.contact_phone,
            "email": dataset.contact_email,
        },
        "quality": _quality(dataset, now),
        "resources": [_resource(resource, summary["url"], request) for resource in resources],
    }


# --- Endpoints -----------------------------------------------------------------------------------------

COMMON_ERRORS = {400: ErrorOut, 401: ErrorOut, 429: ErrorOut}


@router.get(
    "",
    response={200: DatasetList, **COMMON_ERRORS},
    url_name="dataset_list",
    summary="数据集列表",
    description="按关键词和主题、提供单位、格式、更新频率筛选已发布的数据集，附各分面的计数，最近更新的在前。"
    "未知的筛选值返回空列表而不是错误；参数值过长、含 NUL 字符，或 page、page_size 超出范围时返回 400。",
)
def list_datasets(request: HttpRequest, query: Query[DatasetQuery], x_api_key: ApiKeyHeader = API_KEY_HEADER):
    now = timezone.now()
    _throttle(request, x_api_key, query.api_key, now)
    scope = _scope(query.site)
    matching = _apply(scope, query)
    count = matching.count()
    offset = (query.page - 1) * query.page_size
    datasets = []
    if offset < count:
        datasets = list(
            with_last_updated(DatasetPage.objects.filter(pk__in=matching.values("pk")))
            .select_related("unit", "theme")
            .order_by(F("last_updated").desc(nulls_last=True), "title", "pk")[
                offset : offset + query.page_size
            ]
        )
    ctx = _Context(request, datasets)
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "results": [_summary(dataset, ctx) for dataset in datasets],
        "facets": {
            name: [asdict(option) for option in options] for name, options in _facets(scope, query).items()
        },
    }


@router.get(
    "/{id}",
    response={200: DatasetDetail, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    by_alias=True,
    url_name="dataset_detail",
    summary="数据集详情",
    description="一个已发布数据集的元数据、质量评分、各资源的字段、版本、下载地址和行数据接口地址。",
)
def get_dataset(
    request: HttpRequest,
    id: PathEx[DatasetId, P(description="数据集编号")],
    api_key: ApiKeyParam = API_KEY_PARAM,
    x_api_key: ApiKeyHeader = API_KEY_HEADER,
):
    now = timezone.now()
    _throttle(request, x_api_key, api_key, now)
    return _detail(_visible_dataset(id), request, now)


@router.get(
    "/{id}/resources/{rid}/rows",
    response={200: RowPageOut, **COMMON_ERRORS, 404: ErrorOut},
    url_name="dataset_rows",
    summary="资源行数据",
    description="数据资源当前版本的行，可筛选（filter 可重复）、排序、分页。"
    "未知的字段或操作、与字段类型不符的值、超过上限的每页行数均返回 400，并说明哪里不对。",
)
def resource_rows(
    request: HttpRequest,
    id: PathEx[DatasetId, P(description="数据集编号")],
    rid: PathEx[DatasetId, P(description="数据资源编号")],
    query: Query[RowsQuery],
    x_api_key: ApiKeyHeader = API_KEY_HEADER,
):
    now = timezone.now()
    _throttle(request, x_api_key, query.api_key, now)
    dataset = _visible_dataset(id)
    if not 0 < rid <= MAX_ID:
        raise HttpError(404, RESOURCE_NOT_FOUND)
    resource = (
        Resource.objects.filter(pk=rid, dataset_id=dataset.pk).select_related("current_version").first()
    )
    if resource is None:
        raise HttpError(404, RESOURCE_NOT_FOUND)
    version = resource.current_version
    if not _is_loaded(version):
        raise HttpError(404, NO_ROWS)
    limit = datastore.max_page_size()
    if query.page_size > limit:
        raise HttpError(400, f"参数 page_size 不能大于 {limit}。")
    if len(query.filters) > MAX_FILTERS:
        raise HttpError(400, f"筛选条件最多 {MAX_FILTERS} 个。")
    if any("\x00" in text for text in (*query.filters, query.sort)):
        raise HttpError(400, NUL_IN_ROWS_QUERY)
    try:
        filters = datastore.parse_filters(query.filters, version.columns)
        sort = datastore.parse_sort(query.sort.strip() or None, version.columns)
        result = datastore.query_rows(
            version, filters=filters, sort=sort, page=query.page, page_size=query.page_size
        )
    except datastore.QueryError as error:
        raise HttpError(400, str(error)) from None
    return {
        "dataset": dataset.pk,
        "resource": resource.pk,
        "version": version.number,
        "total": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "columns": _columns(version),
        "rows": result.rows,
    }
