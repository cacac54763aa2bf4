"""The open data catalog as DCAT-AP style JSON-LD, for harvesters such as CKAN (ckanext-dcat) and udata.

`/catalog.jsonld` describes the datasets the requesting host's site shows (the city portal gathers the
group); `/catalog.jsonld?scope=group` describes every live, public dataset of the group. One `dcat:Catalog`
node holds its `dcat:dataset` nodes, each with its `dcat:distribution` nodes nested: the original file,
the clean CSV and JSON of each loaded resource, and the resource's rows API. Identifiers of datasets and
distributions are their absolute URLs, so a harvester sees the same node on every run.

Vocabularies follow DCAT-AP: frequencies, file types and access rights are the EU Publications Office
authority URIs, media types the IANA URIs, sizes `xsd:nonNegativeInteger`, times `xsd:dateTime` in
Beijing time.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from wagtail.models import Site

from huimin.sites.models import SiteIdentity

from .addresses import download_url, keywords, rows_url
from .enums import OpenType, ResourceFormat, UpdateFrequency, VersionStatus
from .models import DatasetPage, Resource
from .queries import datasets_for_site, with_last_updated

CONTENT_TYPE = "application/ld+json; charset=utf-8"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority"
FREQUENCIES = {
    UpdateFrequency.DAILY: "DAILY",
    UpdateFrequency.WEEKLY: "WEEKLY",
    UpdateFrequency.MONTHLY: "MONTHLY",
    UpdateFrequency.QUARTERLY: "QUARTERLY",
    UpdateFrequency.HALF_YEARLY: "ANNUAL_2",
    UpdateFrequency.YEARLY: "ANNUAL",
    UpdateFrequency.IRREGULAR: "IRREG",
}
FILE_TYPES = {ResourceFormat.CSV: "CSV", ResourceFormat.XLSX: "XLSX", ResourceFormat.JSON: "JSON"}
MEDIA_TYPES = {
    ResourceFormat.CSV: "text/csv",
    ResourceFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ResourceFormat.JSON: "application/json",
}
ACCESS_RIGHTS = {OpenType.UNCONDITIONAL: "PUBLIC", OpenType.CONDITIONAL: "RESTRICTED"}
LANGUAGE = f"{EU}/language/ZHO"


def _iri(url: str) -> dict:
    return {"@id": url}


def _datetime(moment: datetime) -> dict:
    return {"@value": timezone.localtime(moment).isoformat(timespec="seconds"), "@type": "xsd:dateTime"}


def _date(day: date) -> dict:
    return {"@value": day.isoformat(), "@type": "xsd:date"}


def _media_type(fmt: str) -> dict:
    return _iri(f"http://www.iana.org/assignments/media-types/{MEDIA_TYPES[fmt]}")


def _file_type(fmt: str) -> dict:
    return _iri(f"{EU}/file-type/{FILE_TYPES[fmt]}")


def _licence(dataset: DatasetPage) -> dict:
    node = {"@type": "dct:LicenseDocument", "dct:title": dataset.licence}
    return {"@id": dataset.licence_url, **node} if dataset.licence_url else node


def _distributions(
    dataset: DatasetPage, resource: Resource, landing: str, request: HttpRequest
) -> list[dict]:
    version = resource.current_version
    if version is None or version.status != VersionStatus.LOADED:
        return []
    licence = _licence(dataset)
    common = {
        "@type": "dcat:Distribution",
        "dct:license": licence,
        "dct:modified": _datetime(version.uploaded_at),
    }
    if resource.description:
        common["dct:description"] = resource.description
    original = download_url(landing, resource.pk, "original")
    clean_csv, clean_json = (
        download_url(landing, resource.pk, "csv"),
        download_url(landing, resource.pk, "json"),
    )
    api = rows_url(request, dataset.pk, resource.pk)
    return [
        {
            "@id": original,
            **common,
            "dct:title": f"{resource.title}（原始文件，{version.get_format_display()}）",
            "dcat:accessURL": _iri(landing),
            "dcat:downloadURL": _iri(original),
            "dcat:mediaType": _media_type(version.format),
            "dct:format": _file_type(version.format),
            "dcat:byteSize": {"@value": str(version.size), "@type": "xsd:nonNegativeInteger"},
        },
        {
            "@id": clean_csv,
            **common,
            "dct:title": f"{resource.title}（CSV，UTF-8）",
            "dcat:accessURL": _iri(landing),
            "dcat:downloadURL": _iri(clean_csv),
            "dcat:mediaType": _media_type(ResourceFormat.CSV),
            "dct:format": _file_type(ResourceFormat.CSV),
        },
        {
            "@id": clean_json,
            **common,
            "dct:title": f"{resource.title}（JSON）",
            "dcat:accessURL": _iri(landing),
            "dcat:downloadURL": _iri(clean_json),
            "dcat:mediaType": _media_type(ResourceFormat.JSON),
            "dct:format": _file_type(ResourceFormat.JSON),
        },
        {
            "@id": api,
            **common,
            "dct:title": f"{resource.title}（数据接口）",
            "dct:description": "按条件查询、排序和分页的行数据接口（JSON），说明见 /api/v1/docs。",
            "dcat:accessURL": _iri(api),
            "dcat:mediaType": _media_type(ResourceFormat.JSON),
            "dct:format": _file_type(ResourceFormat.JSON),
        },
    ]


def _contact(dataset: DatasetPage) -> dict:
    node = {"@type": "vcard:Organization", "vcard:fn": dataset.contact_name or dataset.unit.name}
    if dataset.contact_email:
        node["vcard:hasEmail"] = _iri(f"mailto:{dataset.contact_email}")
    if dataset.contact_phone:
        node["vcard:hasTelephone"] = dataset.contact_phone
    return node


def dataset_node(dataset: DatasetPage, request: HttpRequest, catalog_id: str) -> dict | None:
    """One dataset as a `dcat:Dataset` node; None for a page no site reaches (it has no landing page)."""
    landing = dataset.get_full_url(request=request)
    if not landing:
        return None
    modified = getattr(dataset, "last_updated", None) or dataset.pub_date
    node = {
        "@id": landing,
        "@type": "dcat:Dataset",
        "dct:identifier": str(dataset.pk),
        "dct:title": dataset.title,
        "dct:description": dataset.description,
        "dcat:keyword": keywords(dataset.keywords),
        "dcat:theme": {
            "@id": f"{catalog_id}#theme-{dataset.theme_id}",
            "@type": "skos:Concept",
            "skos:prefLabel": dataset.theme.name,
        },
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": dataset.unit.name},
        "dct:issued": _datetime(dataset.pub_date),
        "dct:modified": _datetime(modified),
        "dct:accrualPeriodicity": _iri(
            f"{EU}/frequency/{FREQUENCIES.get(dataset.update_frequency, 'UNKNOWN')}"
        ),
        "dct:accessRights": _iri(f"{EU}/access-right/{ACCESS_RIGHTS.get(dataset.open_type, 'RESTRICTED')}"),
        "dct:language": _iri(LANGUAGE),
        "dcat:contactPoint": _contact(dataset),
        "dcat:landingPage": _iri(landing),
        "dcat:distribution": [
            distribution
            for resource in dataset.prefetched_resources
            for distribution in _distributions(dataset, resource, landing, request)
        ],
    }
    if dataset.temporal_start or dataset.temporal_end:
        period = {"@type": "dct:PeriodOfTime"}
        if dataset.temporal_start:
            period["dcat:startDate"] = _date(dataset.temporal_start)
        if dataset.temporal_end:
            period["dcat:endDate"] = _date(dataset.temporal_end)
        node["dct:temporal"] = period
    if dataset.spatial:
        node["dct:spatial"] = {"@type": "dct:Location", "skos:prefLabel": dataset.spatial}
    if dataset.open_type == OpenType.CONDITIONAL and dataset.open_condition:
        node["dct:rights"] = {"@type": "dct:RightsStatement", "dct:description": dataset.open_condition}
    return node


def _datasets(queryset: QuerySet[DatasetPage]) -> QuerySet[DatasetPage]:
    resources = Resource.objects.select_related("current_version").order_by("sort_order", "pk")
    return (
        with_last_updated(queryset)
        .select_related("unit", "theme")
        .prefetch_related(Prefetch("resources", queryset=resources, to_attr="prefetched_resources"))
        .order_by("pk")
    )


def build_catalog(site: Site, request: HttpRequest, *, group: bool = False) -> dict:
    """The JSON-LD document of a site's catalog, or of the whole group's."""
    identity = SiteIdentity.objects.filter(site=site).first()
    site_name = (identity.site_name if identity else "") or site.site_name or site.hostname
    publisher = (identity.sponsor if identity else "") or site_name
    scope = DatasetPage.objects.live().public() if group else datasets_for_site(site)
    catalog_id = request.build_absolute_uri("/catalog.jsonld") + ("?scope=group" if group else "")
    datasets = [
        node
        for node in (dataset_node(dataset, request, catalog_id) for dataset in _datasets(scope))
        if node is not None
    ]
    title = f"{site_name}{'（全市网站群）' if group else ''}数据开放目录"
    catalog = {
        "@context": CONTEXT,
        "@id": catalog_id,
        "@type": "dcat:Catalog",
        "dct:title": title,
        "dct:description": f"{title}：按 DCAT-AP 描述的开放数据集及其下载地址和数据接口。",
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": publisher},
        "dct:language": _iri(LANGUAGE),
        "foaf:homepage": _iri(request.build_absolute_uri("/")),
        "dcat:dataset": datasets,
    }
    modified = [node["dct:modified"]["@value"] for node in datasets]
    if modified:
        catalog["dct:modified"] = {"@value": max(modified), "@type": "xsd:dateTime"}
    return catalog


@require_safe
def catalog_view(request: HttpRequest) -> HttpResponse:
    """`/catalog.jsonld` on every host of the group; `?scope=group` for the whole group."""
    site = Site.find_for_request(request)
    if site is None:
        return JsonResponse({"detail": "站点不存在。"}, status=404, json_dumps_params={"ensure_ascii": False})
    group = request.GET.get("scope", "") == "group"
    document = build_catalog(site, request, group=group)
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "public, max-age=300"
    return response
