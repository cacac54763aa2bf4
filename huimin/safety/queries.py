"""Reads of the content-safety dictionary for the admin: the filtered list of terms and a term's history."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from wagtail.models import ModelLogEntry

from .enums import TERM_CHECKS, Severity
from .models import Term, TermCategory

Q_MAX = 50


@dataclass(frozen=True)
class Filters:
    q: str = ""
    category: int | None = None
    kind: str = ""
    severity: str = ""
    state: str = ""  # "" all, "active", "inactive"

    @classmethod
    def from_query(cls, params) -> Filters:
        def pick(name: str, allowed) -> str:
            value = str(params.get(name) or "")
            return value if value in allowed else ""

        raw = str(params.get("category") or "")
        category = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        return cls(
            q=" ".join(str(params.get("q") or "").split())[:Q_MAX],
            category=category,
            kind=pick("kind", [c.value for c in TERM_CHECKS]),
            severity=pick("severity", Severity.values),
            state=pick("state", ("active", "inactive")),
        )

    def as_params(self) -> dict:
        values = {
            "q": self.q,
            "category": self.category or "",
            "kind": self.kind,
            "severity": self.severity,
            "state": self.state,
        }
        return {k: v for k, v in values.items() if v}


def terms(filters: Filters) -> QuerySet[Term]:
    found = Term.objects.select_related("category")
    if filters.q:
        from .engine import term_key

        found = found.filter(
            Q(term__icontains=filters.q)
            | Q(key__contains=term_key(filters.q))
            | Q(suggestion__icontains=filters.q)
        )
    if filters.category:
        found = found.filter(category_id=filters.category)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.severity:
        found = found.filter(severity=filters.severity)
    if filters.state:
        found = found.filter(active=filters.state == "active")
    return found.order_by("category__order", "term")


def categories() -> QuerySet[TermCategory]:
    return TermCategory.objects.all()


def history(term: Term) -> QuerySet[ModelLogEntry]:
    """The audit entries of a term, newest first."""
    content_type = ContentType.objects.get_for_model(Term)
    return (
        ModelLogEntry.objects.filter(content_type=content_type, object_id=str(term.pk))
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
