"""Search in the public API: `GET /api/v1/search?q=&type=&site=&page=` (and `unit`, `topic`, `year`) — one
page of results of the same search as the results page (`queries.search`), with facets whose values are
what the parameter of the same name takes (a site by its hostname). Without `site` the whole group is
searched; with a site's hostname, that site and the whole group's documents (knowledge entries for every
site). Requests are rate limited per client address and hour like the open data API
(`HUIMIN_OPENDATA_API_PER_IP_HOUR`, its own bucket); beyond the limit 429. Every search is logged
(personal data scrubbed) like a search on the page."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from huimin.core import throttle
from huimin.core.api import NO_NUL, SITE_OR_EMPTY_PATTERN, SITE_RE, ErrorOut, without_null

from . import queries, services
from .enums import DocumentKind

router = Router(tags=["搜索"])

PAGE_SIZE = 10
MAX_PAGE = 1000
HOUR = timedelta(hours=1)
IP_BUCKET = "search-api-ip"
UNKNOWN_SITE = "没有这个站点：site 须为网站群中某个站点的主机名，如 127.0.0.1。"
UNKNOWN_TYPE = "type 的值无效，可选：" + "、".join(DocumentKind.values) + "。"


class SearchQuery(Schema):
    q: str = Field(
        "",
        max_length=1000,
        description="检索词：汉字、拼音或拼音首字母；繁体、全角自动转换，控制字符忽略",
    )
    type: str = Field(
        "",
        description="类型："
        + "、".join(f"{v}（{label}）" for v, label in DocumentKind.choices)
        + "；不填为全部类型",
        json_schema_extra={"enum": ["", *DocumentKind.values]},
    )
    site: str = Field(
        "",
        description="站点主机名：只在该站点中搜索；不填为全市网站群；不是网站群站点的主机名时返回 400",
        json_schema_extra={"pattern": SITE_OR_EMPTY_PATTERN},
    )
    page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，从 1 开始，每页 10 条")
    unit: int | None = Field(
        None, ge=1, description="单位编号（分面 unit 的取值）", json_schema_extra=without_null
    )
    topic: str = Field("", max_length=100, pattern=NO_NUL, description="主题（分面 topic 的取值）")
    year: int | None = Field(
        None, ge=1900, le=2100, description="发布年份（分面 year 的取值）", json_schema_extra=without_null
    )


class SearchResultOut(Schema):
    type: str = Field(description="类型代码，如 policy")
    type_label: str
    title: str
    url: str = Field(description="内容的绝对地址")
    snippet: str = Field(description="摘要片段（HTML：除 <mark> 标出的检索词外均已转义）")
    score: float = Field(description="相关度得分（已计入时效与效力）")
    site: str | None = Field(description="所属站点名称")
    published_at: datetime | None = Field(description="发布时间（北京时间）")
    validity: str = Field(description="效力：已废止、已失效的政策文件标明，其他为空")


class FacetOptionOut(Schema):
    value: str = Field(description="作为同名参数的取值")
    label: str
    count: int
    selected: bool


class BestBetOut(Schema):
    title: str
    url: str
    description: str


class SearchOut(Schema):
    count: int = Field(description="结果总数")
    page: int
    page_size: int
    partial: bool = Field(description="为 true 时没有同时包含全部词语的结果，列出的是部分匹配")
    did_you_mean: str = Field(description="建议的检索词，没有则为空")
    best_bets: list[BestBetOut] = Field(description="编辑推荐的结果（仅第 1 页）")
    results: list[SearchResultOut]
    facets: dict[str, list[FacetOptionOut]] = Field(description="分面：type、site、unit、topic、year")


def _throttle(request: HttpRequest, now: datetime) -> None:
    limit = settings.HUIMIN_OPENDATA_API_PER_IP_HOUR
    if not throttle.hit(IP_BUCKET, throttle.client_ip(request), limit=limit, window=HOUR, now=now):
        raise HttpError(429, f"请求过于频繁：每个地址每小时最多请求 {limit} 次，请稍后再试。")


@router.get(
    "",
    response={200: SearchOut, 400: ErrorOut, 429: ErrorOut},
    url_name="search",
    summary="全文检索",
    description="在全市网站群（或指定站点）已发布的内容中检索：文章、政策文件、政策解读、办事指南、专题、"
    "访谈、数据集、已公开的留言。按相关度（计入时效与效力）排序，附分面计数。空检索词返回空结果。"
    "site 不是网站群中站点的主机名、type 不是所列类型之一，或参数超出范围时返回 400。",
)
def search(request: HttpRequest, query: Query[SearchQuery]):
    now = timezone.now()
    _throttle(request, now)
    site = None
    if query.site:
        from huimin.sites.queries import site_for_hostname  # here: sites.queries reaches the API on import

        site = site_for_hostname(query.site) if SITE_RE.fullmatch(query.site) else None
        if site is None:
            raise HttpError(400, UNKNOWN_SITE)
    if query.type and query.type not in DocumentKind.values:
        raise HttpError(400, UNKNOWN_TYPE)
    results = queries.search(
        query.q,
        site=site,
        scope="site" if site else "group",
        kind=query.type or None,
        unit=query.unit,
        topic=query.topic.strip() or None,
        year=query.year,
        page=query.page,
        page_size=PAGE_SIZE,
        now=now,
    )
    from wagtail.models import Site

    hostnames = dict(Site.objects.values_list("pk", "hostname"))
    if not results.empty_query and query.page == 1:
        services.log_search(
            query.q,
            site=site,
            results_count=results.total,
            kind=query.type,
            scope="api",
            visitor=services.visitor_key(throttle.client_ip(request)),
            now=now,
        )
    return {
        "count": results.total,
        "page": results.page,
        "page_size": results.page_size,
        "partial": results.partial,
        "did_you_mean": results.did_you_mean,
        "best_bets": [vars(bet) for bet in results.best_bets],
        "results": [
            {
                "type": r.document.kind,
                "type_label": r.kind_label,
                "title": r.document.title,
                "url": r.document.url,
                "snippet": str(r.snippet),
                "score": r.score,
                "site": r.site_name or None,
                "published_at": timezone.localtime(r.document.published_at)
                if r.document.published_at
                else None,
                "validity": r.validity_label,
            }
            for r in results.results
        ],
        "facets": {
            name: [_facet_option(name, option, hostnames) for option in options]
            for name, options in results.facets.items()
        },
    }


def _facet_option(name: str, option, hostnames: dict[int, str]) -> dict:
    """A facet option whose value is what the parameter of the same name takes (a site by hostname)."""
    out = vars(option).copy()
    if name == "site":
        out["value"] = hostnames.get(int(option.value), str(option.value))
    out["value"] = str(out["value"])
    return out
