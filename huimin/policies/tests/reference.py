"""The library's filters and orders written as SQL: the reference the facet index is checked against."""

from django.db.models import Q, QuerySet

from huimin.policies.enums import DocKind, SortOrder, Validity
from huimin.policies.models import PolicyPage
from huimin.policies.queries import PolicyFilters


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
