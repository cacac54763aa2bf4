"""Reads of the policy library: filters, facet counts, coverage. Shared by pages, feeds, the API and bench."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from wagtail.models import Page, Site

from huimin.sites.models import OrgUnit

from .enums import DocKind, SortOrder, Validity
from .models import Industry, InterpretationPage, PolicyPage, PolicyTopic, ServiceObject

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class PolicyFilters:
    """A library query. Unknown values are kept as given and simply match nothing."""

    issuer: str = ""
    topic: str = ""
    industry: str = ""
    service_object: str = ""
    year: str = ""
    doc_kind: str = ""
    validity: str = ""
    sort: str = SortOrder.NEWEST

    FACETS = ("issuer", "topic", "industry", "service_object", "year", "doc_kind", "validity")

    @classmethod
    def from_params(cls, params) -> PolicyFilters:
        values = {f.name: str(params.get(f.name, "") or "").strip()[:100] for f in fields(cls)}
        if values["sort"] not in SortOrder.values:
            values["sort"] = SortOrder.NEWEST
        return cls(**values)

    def as_params(self, **changes) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self)} | changes
        return {k: v for k, v in values.items() if v and not (k == "sort" and v == SortOrder.NEWEST)}

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in self.FACETS)


def _int(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _condition(name: str, value: str) -> Q:
    """The filter for one facet; a value that cannot exist yields a condition that matches nothing."""
    if name == "doc_kind":
        return Q(doc_kind=value) if value in DocKind.values else Q(pk__in=[])
    if name == "validity":
        return Q(validity=value) if value in Validity.values else Q(pk__in=[])
    number = _int(value)
    if number is None:
        return Q(pk__in=[])
    lookup = {
        "issuer": "issuer_id",
        "topic": "topic_id",
        "year": "pub_year",
        "industry": "industries",
        "service_object": "service_objects",
    }[name]
    return Q(**{lookup: number})


def library_scope(library: Page | None = None, *, site: Site | None = None) -> QuerySet[PolicyPage]:
    """Live, public policies: a library's own, or the whole group's for an aggregating library (or none).

    `site` narrows to one site of the group (the API's `site` parameter).
    """
    queryset = PolicyPage.objects.live().public()
    if library is not None and not getattr(library, "aggregate_group", False):
        queryset = queryset.descendant_of(library)
    if site is not None:
        queryset = queryset.in_site(site)
    return queryset


def filter_policies(scope: QuerySet[PolicyPage], filters: PolicyFilters, *, skip: str = "") -> QuerySet:
    queryset = scope
    for name in PolicyFilters.FACETS:
        value = getattr(filters, name)
        if value and name != skip:
            queryset = queryset.filter(_condition(name, value))
    return queryset


def ordered(queryset: QuerySet[PolicyPage], filters: PolicyFilters) -> QuerySet[PolicyPage]:
    order = {
        SortOrder.NEWEST: ("-pub_date", "-pk"),
        SortOrder.OLDEST: ("pub_date", "pk"),
        SortOrder.TITLE: ("title", "pk"),
    }[SortOrder(filters.sort)]
    return queryset.select_related("issuer", "topic").order_by(*order)


def with_listing_relations(queryset: QuerySet[PolicyPage]) -> QuerySet[PolicyPage]:
    """What a list of policies shows beside each title: successors of documents no longer valid."""
    return queryset.prefetch_related("successor_links__successor")


def source_site_names(policies) -> dict[int, str]:
    """The name of the site each policy was published on, from the tree paths (no query per policy)."""
    roots = [
        (site.root_page.path, site.site_name or site.hostname)
        for site in Site.objects.select_related("root_page")
    ]
    return {
        policy.pk: next((name for path, name in roots if policy.path.startswith(path)), "")
        for policy in policies
    }


def encode(params: dict[str, str]) -> str:
    return urlencode(params)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


FACET_LABELS = {
    "issuer": "发布机构",
    "topic": "主题分类",
    "industry": "行业",
    "service_object": "服务对象",
    "year": "年份",
    "doc_kind": "文种",
    "validity": "时效",
}


def facet_counts(scope: QuerySet[PolicyPage], filters: PolicyFilters) -> dict[str, list[FacetOption]]:
    """For each facet, its options with counts under every other active filter (disjunctive faceting)."""
    group_fields = {
        "issuer": "issuer_id",
        "topic": "topic_id",
        "year": "pub_year",
        "doc_kind": "doc_kind",
        "validity": "validity",
        "industry": "industries",
        "service_object": "service_objects",
    }
    labels = _facet_labels()
    result = {}
    for name, column in group_fields.items():
        rows = (
            filter_policies(scope, filters, skip=name)
            .order_by()
            .values(column)
            .annotate(n=Count("pk", distinct=name in ("industry", "service_object")))
        )
        counts = {str(row[column]): row["n"] for row in rows if row[column] not in (None, "")}
        selected = getattr(filters, name)
        options = [
            FacetOption(value, labels[name].get(value, value), count, value == selected)
            for value, count in counts.items()
        ]
        if name == "year":
            options.sort(key=lambda o: o.value, reverse=True)
        else:
            order = list(labels[name])
            options.sort(key=lambda o: order.index(o.value) if o.value in labels[name] else len(order))
        result[name] = options
    return result


def _facet_labels() -> dict[str, dict[str, str]]:
    return {
        "issuer": {str(pk): name for pk, name in OrgUnit.objects.values_list("pk", "name")},
        "topic": {str(pk): name for pk, name in PolicyTopic.objects.values_list("pk", "name")},
        "industry": {str(pk): name for pk, name in Industry.objects.values_list("pk", "name")},
        "service_object": {str(pk): name for pk, name in ServiceObject.objects.values_list("pk", "name")},
        "year": {},
        "doc_kind": dict(DocKind.choices),
        "validity": dict(Validity.choices),
    }


@dataclass(frozen=True)
class CoverageRow:
    key: Any
    label: str
    total: int
    interpreted: int

    @property
    def share(self) -> float:
        return self.interpreted / self.total if self.total else 0.0


def _interpreted() -> Exists:
    return Exists(
        InterpretationPage.policies.through.objects.filter(
            policypage_id=OuterRef("pk"), interpretationpage__live=True
        )
    )


def coverage_by_unit() -> list[CoverageRow]:
    """Per issuing unit: its live policies and how many have at least one live interpretation."""
    rows = (
        PolicyPage.objects.live()
        .annotate(has=_interpreted())
        .values("issuer_id", "issuer__name")
        .annotate(total=Count("pk"), interpreted=Count("pk", filter=Q(has=True)))
        .order_by("issuer__name")
    )
    return [CoverageRow(r["issuer_id"], r["issuer__name"], r["total"], r["interpreted"]) for r in rows]


def coverage_by_site() -> list[CoverageRow]:
    rows = []
    for site in Site.objects.select_related("root_page").order_by("hostname"):
        policies = PolicyPage.objects.live().descendant_of(site.root_page).annotate(has=_interpreted())
        counts = policies.aggregate(total=Count("pk"), interpreted=Count("pk", filter=Q(has=True)))
        rows.append(
            CoverageRow(site.pk, site.site_name or site.hostname, counts["total"], counts["interpreted"])
        )
    return rows


def policies_without_interpretation() -> QuerySet[PolicyPage]:
    return (
        PolicyPage.objects.live()
        .annotate(has=_interpreted())
        .filter(has=False)
        .select_related("issuer")
        .order_by("issuer__name", "-pub_date")
    )


def interpretations_without_policy() -> QuerySet[InterpretationPage]:
    return InterpretationPage.objects.live().filter(policies__isnull=True).order_by("-pub_date")
