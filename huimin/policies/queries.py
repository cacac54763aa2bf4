"""Reads of the policy library: filters, facet counts, coverage. Shared by pages, feeds, the API and bench."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from wagtail.models import Page, Site

from huimin.core.facets import FacetOption
from huimin.sites import chrome
from huimin.sites.models import OrgUnit

from . import facet_index
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


def library_scope(library: Page | None = None, *, site: Site | None = None) -> QuerySet[PolicyPage]:
    """Live, public policies: a library's own, or the whole group's for an aggregating library (or none).

    `site` narrows to one site of the group (the API's `site` parameter).
    """
    queryset = chrome.current().public(PolicyPage.objects.live())
    if library is not None and not getattr(library, "aggregate_group", False):
        queryset = queryset.descendant_of(library)
    if site is not None:
        queryset = queryset.in_site(site)
    return queryset


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


FACET_LABELS = {
    "issuer": "发布机构",
    "topic": "主题分类",
    "industry": "行业",
    "service_object": "服务对象",
    "year": "年份",
    "doc_kind": "文种",
    "validity": "时效",
}


class Listing(Sequence):
    """The matching policies of a library query, in order, fetched from the database a page at a time.

    `count` and the facet counts come from the facet index; slicing loads just that slice's policies
    through `prepare` (which adds what the caller shows beside each title).
    """

    def __init__(self, index: facet_index.FacetIndex, mask: int, filters: PolicyFilters, prepare):
        self.count = mask.bit_count()
        self._index, self._mask, self._sort, self._prepare = index, mask, filters.sort, prepare

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("Listing supports slices only")
        start, stop, _ = key.indices(self.count)
        pks = self._index.select(self._mask, self._sort, start, stop - start)
        found = self._prepare(
            PolicyPage.objects.filter(pk__in=pks).select_related("issuer", "topic")
        ).in_bulk()
        return [found[pk] for pk in pks if pk in found]


def scope_prefixes(library: Page | None = None, *, sites=None) -> tuple[str, ...] | None:
    """The tree paths a query covers: a library's own, the given sites' or (None) the whole group's."""
    if sites is not None:
        return tuple(site.root_page.path for site in sites)
    if library is not None and not getattr(library, "aggregate_group", False):
        return (library.path,)
    return None


def search(
    filters: PolicyFilters, prefixes: tuple[str, ...] | None = None, *, prepare=lambda queryset: queryset
) -> tuple[Listing, dict[str, list[FacetOption]]]:
    """A library query: the ordered matching policies and, for each facet, its options with counts under
    every other active filter (disjunctive faceting)."""
    index = facet_index.current()
    scope = index.scope_mask(prefixes)
    conditions = {name: getattr(filters, name) for name in PolicyFilters.FACETS if getattr(filters, name)}
    listing = Listing(index, index.matching(scope, conditions), filters, prepare)
    labels = _facet_labels()
    facets = {}
    for name, counts in index.counts(scope, conditions).items():
        selected = facet_index.normalise(name, getattr(filters, name))
        options = [
            FacetOption(value, labels[name].get(value, value), count, value == selected)
            for value, count in counts.items()
        ]
        if name == "year":
            options.sort(key=lambda o: int(o.value), reverse=True)
        else:
            order = {value: i for i, value in enumerate(labels[name])}
            options.sort(key=lambda o: (order.get(o.value, len(order)), o.value))
        facets[name] = options
    return listing, {name: facets[name] for name in PolicyFilters.FACETS}


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
