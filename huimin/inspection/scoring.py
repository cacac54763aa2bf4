"""The score of a crawl: deductions per indicator from the weights data file (`data/weights.json`, or the
file HUIMIN_INSPECTION_WEIGHTS names), and the national single-veto items. The total is 100 minus the
deductions; a vetoed site fails: its total is 0, as the annual assessment scores it (seed 附件2), and the
points it would have had are kept beside it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .document import Finding
from .enums import Check, Severity

DEFAULT_WEIGHTS = Path(__file__).with_name("data") / "weights.json"
COUNTS = ("findings", "targets", "items")
WHERE = ("homepage", "other", "")


class WeightsError(ValueError):
    """The weights file is not valid; the message says where."""


@dataclass(frozen=True)
class Weights:
    indicators: tuple[dict, ...]
    group_max: dict
    veto_checks: frozenset
    veto_counts: dict


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise WeightsError(f"{where} must be a non-negative number")
    return float(value)


def parse_weights(data: dict) -> Weights:
    checks = {str(c) for c in Check}
    indicators = []
    for n, item in enumerate(data.get("indicators", []), start=1):
        where = f"indicator {n}"
        if not isinstance(item, dict) or item.get("check") not in checks or not item.get("indicator"):
            raise WeightsError(f"{where}: needs `indicator` and a known `check`")
        if item.get("count", "findings") not in COUNTS or item.get("where", "") not in WHERE:
            raise WeightsError(f"{where}: `count` must be one of {COUNTS}, `where` homepage or other")
        _number(item.get("each"), f"{where}.each")
        _number(item.get("max"), f"{where}.max")
        indicators.append(item)
    veto_checks = frozenset(data.get("veto_checks", []))
    if not veto_checks <= checks or not set(data.get("veto_counts", {})) <= checks:
        raise WeightsError("veto_checks and veto_counts must name known checks")
    return Weights(
        tuple(indicators), dict(data.get("group_max", {})), veto_checks, dict(data.get("veto_counts", {}))
    )


@lru_cache(maxsize=4)
def load_weights(path: str = "") -> Weights:
    file = Path(path or os.environ.get("HUIMIN_INSPECTION_WEIGHTS") or DEFAULT_WEIGHTS)
    try:
        return parse_weights(json.loads(file.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as error:
        raise WeightsError(f"cannot read {file}: {error}") from error


def _counted(findings: list[Finding], how: str) -> int:
    if how == "targets":
        return len({(f.target or f.url) for f in findings})
    if how == "items":
        return len({item for f in findings for item in (f.target or f.evidence).split("、") if item})
    return len(findings)


def score(findings: list[Finding], weights: Weights | None = None) -> dict:
    weights = weights or load_weights()
    by_check: dict[str, list[Finding]] = {}
    for finding in findings:
        by_check.setdefault(str(finding.check), []).append(finding)
    items, groups = [], {}
    for indicator in weights.indicators:
        chosen = by_check.get(indicator["check"], [])
        if indicator.get("where") == "homepage":
            chosen = [f for f in chosen if f.homepage]
        elif indicator.get("where") == "other":
            chosen = [f for f in chosen if not f.homepage]
        deducted = min(
            _counted(chosen, indicator.get("count", "findings")) * indicator["each"], indicator["max"]
        )
        group = indicator.get("group")
        if group:
            room = weights.group_max.get(group, float("inf")) - groups.get(group, 0.0)
            deducted = max(min(deducted, room), 0.0)
            groups[group] = groups.get(group, 0.0) + deducted
        items.append({"indicator": indicator["indicator"], "deducted": round(deducted, 2)})
    vetoed = any(
        f.severity == Severity.VETO for check in weights.veto_checks for f in by_check.get(check, [])
    ) or any(len(by_check.get(check, [])) >= n for check, n in weights.veto_counts.items())
    points = max(100.0 - sum(item["deducted"] for item in items), 0.0)
    total = 0.0 if vetoed else points
    return {"total": round(total, 2), "vetoed": vetoed, "items": items, "points": round(points, 2)}
