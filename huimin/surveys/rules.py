"""The rules of 征集调查 as data (`data/rules.json`), loaded and checked once: the yearly number of
activities a site must hold (6 for county and function-area portals, 3 for other sites), the month within
which the results must be published after closing, and the limits of the public forms.

An administrator changes the file; a value that is not a positive whole number stops the loader with a
message naming the key, rather than letting a wrong limit through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent / "data" / "rules.json"
POSITIVE_KEYS = (
    "default_yearly_target",
    "feedback_months",
    "anonymous_answers_per_address_hour",
    "comments_per_address_hour",
    "comments_per_account_hour",
    "text_answer_max_length",
    "comment_max_length",
)


@dataclass(frozen=True)
class Rules:
    yearly_targets: dict[str, int]  # by the site unit's kind (OrgUnitKind value)
    default_yearly_target: int
    feedback_months: int
    anonymous_answers_per_address_hour: int
    comments_per_address_hour: int
    comments_per_account_hour: int
    text_answer_max_length: int
    comment_max_length: int

    def target_for(self, unit_kind: str | None) -> int:
        """How many activities a year a site of a unit of this kind must hold."""
        return self.yearly_targets.get(unit_kind or "", self.default_yearly_target)


def _positive(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{RULES_FILE.name}: {name} must be a whole number of at least 1, not {value!r}")
    return value


def parse(data: dict) -> Rules:
    targets = data.get("yearly_targets")
    if not isinstance(targets, dict):
        raise ValueError(f"{RULES_FILE.name}: yearly_targets must be an object of unit kinds")
    values = {name: _positive(name, data.get(name)) for name in POSITIVE_KEYS}
    return Rules(
        yearly_targets={str(kind): _positive(f"yearly_targets.{kind}", n) for kind, n in targets.items()},
        **values,
    )


@cache
def rules(path: Path = RULES_FILE) -> Rules:
    return parse(json.loads(path.read_text(encoding="utf-8")))
