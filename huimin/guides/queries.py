"""Reads of the service guides: the contract `guides()`, list filters and facet counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from wagtail.models import Site

from huimin.core.facets import FacetOption
from huimin.policies.models import ServiceObject
from huimin.sites.models import OrgUnit

from .models import GuideIndexPage, ServiceGuidePage, ServiceTheme

PAGE_SIZE = 20


def guides(*, site: Site | None = None, themes: Iterable[str] = (), unit=None, service_object=None):
    """Live, public guides ordered by title; narrowed to a site, any of the theme names, a unit, an object.

    `unit` is an OrgUnit or its pk; `service_object` a ServiceObject, its pk or its name.
    """
    queryset = ServiceGuidePage.objects.live().public()
    if site is not None:
        queryset = queryset.in_site(site)
    themes = [name for name in themes if name]
    if themes:
        queryset = queryset.filter(themes__name__in=themes)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    if service_object is not None:
        if isinstance(service_object, str) and not service_object.isdigit():
            queryset = queryset.filter(service_objects__name=service_object)
        else:
            queryset = queryset.filter(service_objects=service_object)
    return queryset.distinct().order_by("title", "pk")


def index_scope(index: GuideIndexPage) -> QuerySet[ServiceGuidePage]:
    queryset = ServiceGuidePage.objects.live().public()
    if not index.aggregate_group:
        queryset = queryset.descendant_of(index)
    return queryset


@dataclass(frozen=True)
class GuideFilters:
    unit: str = ""
    theme: str = ""
    service_object: str = ""
    q: str = ""

    FACETS = ("unit", "theme", "service_object")

    @classmethod
    def from_params(cls, params) -> GuideFilters:
        return cls(
            **{
                name: str(params.get(name, "") or "").strip()[:100]
                for name in ("unit", "theme", "service_object", "q")
            }
        )

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.unit or self.theme or self.service_object or self.q)


FACET_LABELS = {"unit": "办理部门", "theme": "办事主题", "service_object": "服务对象"}


def _apply(queryset, filters: GuideFilters, skip: str = ""):
    if filters.unit and skip != "unit":
        queryset = queryset.filter(unit_id=filters.unit) if filters.unit.isdigit() else queryset.none()
    if filters.theme and skip != "theme":
        queryset = queryset.filter(themes__name=filters.theme)
    if filters.service_object and skip != "service_object":
        queryset = queryset.filter(service_objects__name=filters.service_object)
    return queryset


def search_ids(scope: QuerySet[ServiceGuidePage], q: str) -> list[int]:
    """Pks of the guides in `scope` matching `q`: Wagtail's search backend, plus a substring match on the
    title, item code and conditions (the database backends do not segment Chinese words, so a query such as
    "取水" would miss "取水许可审批" on SQLite)."""
    found = {page.pk for page in scope.search(q, operator="and")}
    contains = Q(title__icontains=q) | Q(item_code__icontains=q) | Q(conditions__icontains=q)
    found.update(scope.filter(contains).values_list("pk", flat=True))
    return sorted(found)


def listing(index: GuideIndexPage, filters: GuideFilters):
    """(matching guides ordered by title, facets {name: [FacetOption]}) for a guide list page."""
    scope = index_scope(index)
    if filters.q:
        scope = ServiceGuidePage.objects.filter(pk__in=search_ids(scope, filters.q))
    results = _apply(scope, filters).distinct().order_by("title", "pk")

    def counted(skip, model_qs, key, value_of, label_of):
        base = _apply(scope, filters, skip=skip).order_by()
        counts = dict(
            base.filter(**{f"{key}__isnull": False})
            .values_list(key)
            .annotate(n=Count("pk", distinct=True))
            .values_list(key, "n")
        )
        selected = getattr(filters, skip)
        return [
            FacetOption(value_of(obj), label_of(obj), counts.get(obj.pk, 0), value_of(obj) == selected)
            for obj in model_qs
            if counts.get(obj.pk) or value_of(obj) == selected
        ]

    facets = {
        "unit": counted(
            "unit",
            OrgUnit.objects.order_by("sort_order", "name"),
            "unit",
            lambda o: str(o.pk),
            lambda o: o.name,
        ),
        "theme": counted("theme", ServiceTheme.objects.all(), "themes", lambda o: o.name, lambda o: o.name),
        "service_object": counted(
            "service_object",
            ServiceObject.objects.all(),
            "service_objects",
            lambda o: o.name,
            lambda o: o.name,
        ),
    }
    return results, facets


def unit_filter(queryset, unit_ids: Iterable[int]):
    return queryset.filter(Q(unit_id__in=list(unit_ids)))
