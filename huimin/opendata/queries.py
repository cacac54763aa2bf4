"""Reads of open data: which datasets a catalog or a site shows, the catalog's filters and facet counts, and
when a dataset was last updated. Shared by the pages, the admin, the API and the DCAT catalog."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count, DateTimeField, F, Max, OuterRef, Q, QuerySet, Subquery
from wagtail.models import Site

from huimin.core.facets import FacetOption
from huimin.sites.models import OrgUnit

from .enums import ResourceFormat, UpdateFrequency, VersionStatus
from .models import DataCatalogPage, DatasetPage, DataTheme, Resource, ResourceVersion

PAGE_SIZE = 20
PREVIEW_PAGE_SIZE = 20
QUERY_MAX_LENGTH = 100


def catalog_scope(catalog: DataCatalogPage) -> QuerySet[DatasetPage]:
    """Live, public datasets a catalog lists: its own, or the whole group's for an aggregating catalog."""
    queryset = DatasetPage.objects.live().public()
    if not catalog.aggregate_group:
        queryset = queryset.descendant_of(catalog)
    return queryset


def datasets_for_site(site: Site) -> QuerySet[DatasetPage]:
    """Live, public datasets a site shows: the whole group's when one of its catalogs aggregates the group
    (the city portal), otherwise those published on the site itself."""
    aggregating = DataCatalogPage.objects.live().in_site(site).filter(aggregate_group=True).exists()
    queryset = DatasetPage.objects.live().public()
    return queryset if aggregating else queryset.in_site(site)


def last_updated_subquery():
    """The upload time of the newest loaded version of any of a dataset's resources (for annotate)."""
    newest = (
        ResourceVersion.objects.filter(resource__dataset=OuterRef("pk"), status=VersionStatus.LOADED)
        .order_by()
        .values("resource__dataset")
        .annotate(newest=Max("uploaded_at"))
        .values("newest")
    )
    return Subquery(newest, output_field=DateTimeField())


def with_last_updated(queryset: QuerySet[DatasetPage]) -> QuerySet[DatasetPage]:
    return queryset.annotate(last_updated=last_updated_subquery())


def dataset_last_updated(dataset: DatasetPage) -> datetime | None:
    """When the dataset's data last changed: the upload time of its newest loaded version, or None."""
    annotated = getattr(dataset, "last_updated", None)
    if annotated is not None:
        return annotated
    return ResourceVersion.objects.filter(
        resource__dataset_id=dataset.pk, status=VersionStatus.LOADED
    ).aggregate(newest=Max("uploaded_at"))["newest"]


# --- the catalog page's filters -------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogFilters:
    """A catalog query. Unknown values are kept as given and simply match nothing."""

    theme: str = ""
    unit: str = ""
    format: str = ""
    frequency: str = ""
    q: str = ""

    FACETS = ("theme", "unit", "format", "frequency")

    @classmethod
    def from_params(cls, params) -> CatalogFilters:
        return cls(
            **{f.name: str(params.get(f.name, "") or "").strip()[:QUERY_MAX_LENGTH] for f in fields(cls)}
        )

    def as_params(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


FACET_LABELS = {"theme": "数据主题", "unit": "提供单位", "format": "资源格式", "frequency": "更新频率"}


def _apply(queryset: QuerySet[DatasetPage], filters: CatalogFilters, skip: str = "") -> QuerySet[DatasetPage]:
    if filters.theme and skip != "theme":
        queryset = queryset.filter(theme__name=filters.theme)
    if filters.unit and skip != "unit":
        known = filters.unit.isdigit() and len(filters.unit) <= 12
        queryset = queryset.filter(unit_id=int(filters.unit)) if known else queryset.none()
    if filters.format and skip != "format":
        queryset = queryset.filter(resources__current_version__format=filters.format)
    if filters.frequency and skip != "frequency":
        queryset = queryset.filter(update_frequency=filters.frequency)
    if filters.q:
        q = filters.q
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(keywords__icontains=q)
        )
    return queryset


def _counts(queryset: QuerySet[DatasetPage], key: str) -> dict:
    return dict(
        queryset.order_by()
        .filter(**{f"{key}__isnull": False})
        .values_list(key)
        .annotate(n=Count("pk", distinct=True))
        .values_list(key, "n")
    )


def listing(catalog: DataCatalogPage, filters: CatalogFilters):
    """(matching datasets, newest data first, facets {name: [FacetOption]}) for a catalog page. The count
    beside each option is how many datasets match with that option chosen and the other filters kept."""
    scope = catalog_scope(catalog)
    results = with_last_updated(_apply(scope, filters).distinct()).select_related("unit", "theme")

    def options(name, choices, key):
        counts = _counts(_apply(scope, filters, skip=name), key)
        selected = getattr(filters, name)
        return [
            FacetOption(str(value), label, counts.get(value, 0), str(value) == selected)
            for value, label in choices
            if counts.get(value) or str(value) == selected
        ]

    facets = {
        "theme": options("theme", [(t.name, t.name) for t in DataTheme.objects.all()], "theme__name"),
        "unit": options(
            "unit", [(u.pk, u.name) for u in OrgUnit.objects.order_by("sort_order", "name")], "unit"
        ),
        "format": options("format", ResourceFormat.choices, "resources__current_version__format"),
        "frequency": options("frequency", UpdateFrequency.choices, "update_frequency"),
    }
    ordered = results.order_by(_newest_first(), "title", "pk")
    return ordered, facets


def _newest_first():
    return F("last_updated").desc(nulls_last=True)


def encode(params: dict[str, str]) -> str:
    return urlencode(params)


def dataset_formats(datasets) -> dict[int, list[str]]:
    """The formats of each dataset's current resource versions (one query for a page of datasets)."""
    formats: dict[int, list[str]] = {}
    for dataset_id, fmt in (
        Resource.objects.filter(dataset_id__in=[d.pk for d in datasets], current_version__isnull=False)
        .order_by("dataset_id", "sort_order", "pk")
        .values_list("dataset_id", "current_version__format")
    ):
        label = ResourceFormat(fmt).label if fmt in ResourceFormat.values else fmt
        if label not in formats.setdefault(dataset_id, []):
            formats[dataset_id].append(label)
    return formats


def source_site_names(pages) -> dict[int, str]:
    """The name of the site each page was published on, from the tree paths (no query per page)."""
    roots = [
        (site.root_page.path, site.site_name or site.hostname)
        for site in Site.objects.select_related("root_page")
    ]
    return {page.pk: next((name for path, name in roots if page.path.startswith(path)), "") for page in pages}


def editable_datasets(user) -> QuerySet[DatasetPage]:
    """The datasets (live or draft) a person may edit, by Wagtail's page permissions (superuser: all)."""
    from wagtail.permission_policies.pages import PagePermissionPolicy

    editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change", "publish"])
    return DatasetPage.objects.filter(pk__in=editable.values("pk"))
