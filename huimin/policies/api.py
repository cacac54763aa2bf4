"""The policy library in the public API: `/api/v1/policies` (filtered, faceted, paged) and one policy.

Filtering, facets and ordering are the library's own (`queries`); this module only shapes JSON. Only live,
public pages appear: policies, their successors and their interpretations alike.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.errors import HttpError
from wagtail.models import Page, Site
from wagtail.rich_text import expand_db_html

from huimin.core.api import HOSTNAME, MAX_ID, NO_NUL, ErrorOut, id_in_path

from .enums import SortOrder, Validity
from .models import InterpretationPage, PolicyAttachment, PolicyPage, PolicyRelation
from .queries import MAX_PAGE_SIZE, PAGE_SIZE, PolicyFilters, library_scope, scope_prefixes, search

router = Router(tags=["政策文件库"])

POLICY_NOT_FOUND = "政策文件不存在或未公开"
PolicyId = id_in_path()
KEYWORD_SEPARATORS = re.compile(r"[,，、\s]+")
# Facets whose values are database ids or years: digits only.


# --- Schemas -------------------------------------------------------------------------------------------


class NamedRef(Schema):
    id: int
    name: str


class SiteRef(Schema):
    hostname: str = Field(description="站点主机名，可作为 site 参数")
    name: str = Field(description="站点名称")


class PolicyLink(Schema):
    id: int
    title: str
    url: str | None = Field(description="页面绝对地址")


class PolicySummary(Schema):
    id: int = Field(description="政策文件编号（页面编号）")
    title: str
    url: str | None = Field(description="页面绝对地址；页面不属于任何站点时为 null")
    site: SiteRef | None = Field(description="发布站点；页面不属于任何站点时为 null")
    index_number: str = Field(description="索引号")
    doc_number: str = Field(description="文号，可为空字符串")
    doc_kind: str = Field(description="文种，如 通知、意见、办法")
    topic: NamedRef | None = Field(description="主题分类")
    issuer: NamedRef = Field(description="发布机构")
    written_date: date | None = Field(description="成文日期")
    pub_date: datetime = Field(description="发布日期（北京时间，+08:00）")
    validity: str = Field(description="时效：valid、expired、repealed、revised")
    validity_label: str = Field(description="时效的中文名称")
    successors: list[PolicyLink] = Field(description="修订或替代本文件的文件")
    interpretation_count: int = Field(description="已发布的解读数")


class AttachmentOut(Schema):
    title: str
    url: str = Field(description="下载地址（绝对地址，经此下载计入下载次数）")
    download_count: int


class InterpretationOut(Schema):
    id: int
    title: str
    url: str | None
    form: str = Field(description="解读形式：text、graphic、media、press、animation")
    form_label: str
    interpreter: str = Field(description="解读人或单位")
    pub_date: datetime


class PolicyDetail(PolicySummary):
    keywords: list[str]
    summary: str
    body: str = Field(description="正文 HTML")
    industries: list[NamedRef]
    service_objects: list[NamedRef]
    attachments: list[AttachmentOut]
    interpretations: list[InterpretationOut] = Field(description="已发布的解读，新的在前")


class FacetOptionOut(Schema):
    value: str = Field(description="作为同名参数的取值")
    label: str
    count: int = Field(description="在其他已选条件下的文件数")
    selected: bool


class PolicyList(Schema):
    count: int = Field(description="符合条件的文件总数")
    page: int
    page_size: int
    results: list[PolicySummary]
    facets: dict[str, list[FacetOptionOut]] = Field(
        description="分面：issuer、topic、industry、service_object、year、doc_kind、validity"
    )


class PolicyQuery(Schema):
    issuer: str = Field("", max_length=100, pattern=NO_NUL, description="发布机构编号")
    topic: str = Field("", max_length=100, pattern=NO_NUL, description="主题分类编号")
    industry: str = Field("", max_length=100, pattern=NO_NUL, description="行业编号")
    service_object: str = Field("", max_length=100, pattern=NO_NUL, description="服务对象编号")
    year: str = Field("", max_length=100, pattern=NO_NUL, description="发布年份，如 2024")
    doc_kind: str = Field("", max_length=100, pattern=NO_NUL, description="文种，如 通知")
    validity: str = Field(
        "",
        max_length=100,
        pattern=NO_NUL,
        description="时效：valid、expired、repealed、revised；其他值列表为空",
    )
    sort: str = Field(
        SortOrder.NEWEST.value,
        max_length=100,
        pattern=NO_NUL,
        description="排序：-date（发布日期新→旧，默认）、date（旧→新）、title（标题）；其他值按 -date",
    )
    site: str = Field(
        "",
        max_length=255,
        pattern=NO_NUL,
        description="站点主机名：只列该站点的文件；不填为全市网站群；不是网站群站点的主机名时列表为空",
    )
    page: int = Field(1, ge=1, description="页码，从 1 开始")
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，1–{MAX_PAGE_SIZE}")


# --- Reads ---------------------------------------------------------------------------------------------


def _visible_page_ids() -> QuerySet:
    """Ids of live, public pages (one query for the view restrictions, then a subquery)."""
    return Page.objects.live().public().values("pk")


def _with_listing_data(queryset: QuerySet[PolicyPage], visible: QuerySet) -> QuerySet[PolicyPage]:
    counts = (
        InterpretationPage.policies.through.objects.filter(
            policypage_id=OuterRef("pk"), interpretationpage_id__in=visible
        )
        .order_by()
        .values("policypage_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    successors = PolicyRelation.objects.filter(successor_id__in=visible).select_related("successor")
    return queryset.annotate(
        visible_interpretation_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    ).prefetch_related(Prefetch("successor_links", queryset=successors, to_attr="visible_successor_links"))


def _prefixes(hostname: str) -> tuple[str, ...] | None:
    """The whole group (None), or one site's tree; a hostname no site has covers nothing."""
    if not hostname:
        return None
    hostname = hostname.lower()
    sites = (
        Site.objects.filter(hostname=hostname).select_related("root_page") if HOSTNAME.match(hostname) else []
    )
    return scope_prefixes(sites=list(sites))


def _filters(query: PolicyQuery) -> PolicyFilters:
    return PolicyFilters.from_params({name: getattr(query, name) for name in (*PolicyFilters.FACETS, "sort")})


# --- JSON shaping --------------------------------------------------------------------------------------


@dataclass
class _Context:
    request: HttpRequest
    sites: dict[int, Site]


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _location(page: Page, ctx: _Context) -> tuple[Site | None, str | None]:
    """The page's site and absolute URL, from the site root paths cached on the request."""
    parts = page.get_url_parts(request=ctx.request)
    if parts is None:
        return None, None
    site_id, _root_url, _path = parts
    return ctx.sites.get(site_id), page.get_full_url(request=ctx.request)


def _summary(page: PolicyPage, ctx: _Context) -> dict:
    site, url = _location(page, ctx)
    return {
        "id": page.pk,
        "title": page.title,
        "url": url,
        "site": {"hostname": site.hostname, "name": site.site_name or site.hostname} if site else None,
        "index_number": page.index_number,
        "doc_number": page.doc_number,
        "doc_kind": page.doc_kind,
        "topic": _ref(page.topic),
        "issuer": _ref(page.issuer),
        "written_date": page.written_date,
        "pub_date": _local(page.pub_date),
        "validity": page.validity,
        "validity_label": Validity(page.validity).label if page.validity in Validity.values else "",
        "successors": [
            {"id": link.successor.pk, "title": link.successor.title, "url": _location(link.successor, ctx)[1]}
            for link in page.visible_successor_links
        ],
        "interpretation_count": page.visible_interpretation_count,
    }


def _attachment(attachment: PolicyAttachment, page_url: str | None, page: PolicyPage, ctx: _Context) -> dict:
    if page_url:  # the page's own download route, which counts the download
        url = page_url + page.reverse_subpage("attachment", kwargs={"attachment_id": attachment.pk})
    else:
        url = ctx.request.build_absolute_uri(attachment.document.url)
    return {"title": attachment.display_title(), "url": url, "download_count": attachment.download_count}


def _detail(page: PolicyPage, ctx: _Context) -> dict:
    summary = _summary(page, ctx)
    return {
        **summary,
        "keywords": [word for word in KEYWORD_SEPARATORS.split(page.keywords) if word],
        "summary": page.summary,
        "body": expand_db_html(page.body),
        "industries": [_ref(item) for item in page.industries.all()],
        "service_objects": [_ref(item) for item in page.service_objects.all()],
        "attachments": [_attachment(item, summary["url"], page, ctx) for item in page.attachments.all()],
        "interpretations": [
            {
                "id": item.pk,
                "title": item.title,
                "url": _location(item, ctx)[1],
                "form": item.form,
                "form_label": item.get_form_display(),
                "interpreter": item.interpreter,
                "pub_date": _local(item.pub_date),
            }
            for item in page.visible_interpretations
        ],
    }


def _context(request: HttpRequest) -> _Context:
    return _Context(request=request, sites=Site.objects.in_bulk())


# --- Endpoints -----------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: PolicyList, 400: ErrorOut},
    url_name="policy_list",
    summary="政策文件列表",
    description=(
        "按条件筛选政策文件，附各分面的计数。未知或不可能的筛选值（包括不是网站群站点的 site）"
        "返回空列表而不是错误；参数值过长、含 NUL 字符，或 page、page_size 超出范围时返回 400。"
    ),
)
def list_policies(request: HttpRequest, query: Query[PolicyQuery]):
    filters = _filters(query)
    visible = _visible_page_ids()
    listing, facets = search(
        filters, _prefixes(query.site.strip()), prepare=lambda queryset: _with_listing_data(queryset, visible)
    )
    offset = (query.page - 1) * query.page_size
    pages = listing[offset : offset + query.page_size] if offset < listing.count else []
    ctx = _context(request) if pages else None
    return {
        "count": listing.count,
        "page": query.page,
        "page_size": query.page_size,
        "results": [_summary(page, ctx) for page in pages],
        "facets": {name: [asdict(option) for option in options] for name, options in facets.items()},
    }


@router.get(
    "/{id}",
    response={200: PolicyDetail, 404: ErrorOut},
    url_name="policy_detail",
    summary="政策文件详情",
    description="一份已发布、公开的政策文件及其正文、附件和解读。",
)
def get_policy(request: HttpRequest, id: PathEx[PolicyId, P(description="政策文件编号")]):
    if not 0 < id <= MAX_ID:
        raise HttpError(404, POLICY_NOT_FOUND)
    visible = _visible_page_ids()
    interpretations = InterpretationPage.objects.filter(pk__in=visible).order_by("-pub_date", "-pk")
    page = (
        _with_listing_data(library_scope(None), visible)
        .select_related("issuer", "topic")
        .prefetch_related(
            "industries",
            "service_objects",
            Prefetch("attachments", queryset=PolicyAttachment.objects.select_related("document")),
            Prefetch("interpretations", queryset=interpretations, to_attr="visible_interpretations"),
        )
        .filter(pk=id)
        .first()
    )
    if page is None:
        raise HttpError(404, POLICY_NOT_FOUND)
    return _detail(page, _context(request))
