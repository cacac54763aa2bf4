"""One option of a facet on a filtered list page or API answer (the policy library, guides, the data
catalog): its parameter value, its label, how many items it would show, and whether it is chosen."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
