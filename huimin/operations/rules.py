"""The rules of 运维责任 as data (`data/duty.json`, `data/responsibility.json`), read and checked on each use
so an operator's change takes effect without a restart. A file that breaks a rule raises `RuleError`
naming the key: a wrong rule must stop the screen, not be half-applied."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"


class RuleError(ValueError):
    pass


def _load(name: str) -> dict:
    try:
        return json.loads((DATA / name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RuleError(f"{name}: {error}") from error


def _int(section: dict, key: str, name: str, low: int = 0) -> int:
    value = section.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise RuleError(f"{name}: {key} must be an integer >= {low}")
    return value


@dataclass(frozen=True)
class DutyRules:
    roster_max_days: int
    roster_past_days: int
    roster_future_days: int
    roster_max_people: int
    backfill_days: int
    max_urls: int
    max_url_length: int
    max_pages: int
    max_problem_length: int


def duty() -> DutyRules:
    data = _load("duty.json")
    roster, reading = data.get("roster") or {}, data.get("reading") or {}
    return DutyRules(
        roster_max_days=_int(roster, "max_days", "duty.json roster", 1),
        roster_past_days=_int(roster, "past_days", "duty.json roster"),
        roster_future_days=_int(roster, "future_days", "duty.json roster", 1),
        roster_max_people=_int(roster, "max_people", "duty.json roster", 1),
        backfill_days=_int(reading, "backfill_days", "duty.json reading"),
        max_urls=_int(reading, "max_urls", "duty.json reading"),
        max_url_length=_int(reading, "max_url_length", "duty.json reading", 10),
        max_pages=_int(reading, "max_pages", "duty.json reading", 1),
        max_problem_length=_int(reading, "max_problem_length", "duty.json reading", 1),
    )


@dataclass(frozen=True)
class WarningRule:
    share: float
    min_days: int
    max_days: int

    def days_before(self, cycle_days: int) -> int:
        """How many days before a column's due date it shows as 即将到期."""
        return max(self.min_days, min(self.max_days, round(cycle_days * self.share)))


def warning() -> WarningRule:
    section = _load("responsibility.json").get("warning") or {}
    share = section.get("share")
    if not isinstance(share, int | float) or isinstance(share, bool) or not 0 <= share <= 1:
        raise RuleError("responsibility.json warning: share must be a number from 0 to 1")
    low = _int(section, "min_days", "responsibility.json warning")
    high = _int(section, "max_days", "responsibility.json warning")
    if high < low:
        raise RuleError("responsibility.json warning: max_days must not be below min_days")
    return WarningRule(float(share), low, high)
