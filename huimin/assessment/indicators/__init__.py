"""The automatic rows of the score sheet: one calculator per `source` named in the indicator table.

A calculator takes the unit's `Context` and the table's row, and returns a `RowResult`: the score before
clamping (the sheet clamps it to 0…points) and the evidence behind it, each item linking to what it is about.
Calculators read only what existed at `ctx.now`, and sample with `ctx.rng(...)`, so the same `now` gives the
same sheet.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wagtail.models import Site

    from huimin.sites.models import OrgUnit

    from ..models import Indicator, IndicatorTable


@dataclass
class Context:
    """What a calculator knows: the unit, its sites, the year and the moment of the computation."""

    unit: OrgUnit
    unit_class: str
    sites: list[Site]
    year: int
    now: datetime  # aware, Asia/Shanghai; the 监测时间点
    start: datetime  # 1 January of the year, 00:00
    end: datetime  # the earlier of `now` and 1 January of the next year
    table: IndicatorTable
    cache: dict = field(default_factory=dict)  # shared by the calculators of one sheet

    def rng(self, key: str) -> random.Random:
        """A random source fixed by unit, year, row and the day of `now`: the same sample on a recompute."""
        return random.Random(f"{self.unit.pk}:{self.year}:{key}:{self.now.date().isoformat()}")  # noqa: S311 (sampling)


@dataclass
class Evidence:
    text: str
    url: str = ""
    deduction: float | None = None
    by: str = ""  # who recorded it (manual findings, outside results)
    at: str = ""  # when, ISO 8601

    def as_dict(self) -> dict:
        data = {"text": self.text, "url": self.url, "deduction": self.deduction}
        if self.by or self.at:
            data.update(by=self.by, at=self.at)
        return data


@dataclass
class RowResult:
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    veto: bool = False  # for veto rows: a 单项否决 finding stands

    def deduct(self, amount, text: str, url: str = "") -> None:
        amount = float(amount)
        self.score -= amount
        self.evidence.append(Evidence(text, url, amount))

    def note(self, text: str, url: str = "") -> None:
        self.evidence.append(Evidence(text, url))


Calculator = Callable[[Context, "Indicator"], RowResult]

CALCULATORS: dict[str, Calculator] = {}


def calculator(source: str):
    """Register a calculator for an indicator row's `source`."""

    def register(function: Calculator) -> Calculator:
        CALCULATORS[source] = function
        return function

    return register


def points(row: Indicator) -> float:
    return float(row.points or Decimal(0))


def each(row: Indicator, default: float) -> float:
    return float(row.each) if row.each is not None else default


def load() -> dict[str, Calculator]:
    """Import every calculator module (they register themselves) and return the registry."""
    from . import bulletins, content, inspection, interaction, opendata, service  # noqa: F401

    return CALCULATORS
