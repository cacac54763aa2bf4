"""The rules of the security app, as data (`data/*.json`), loaded and checked here: alert thresholds,
escalation and who is told (thresholds.json), what the exposure checks request (exposure.json), what a scan
checks (scan.json), the software versions known to be vulnerable (known_bad.json), and the quarterly
requirement of 应急演练 and 渗透测试 (exercises.json).

A file that breaks a rule raises `RulesError` with a Chinese message naming the file and the entry; each
file is read once per process (`reload()` forgets them, for tests and after an edit)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .enums import AlertKind, Audience, Risk, Severity

DATA_DIR = Path(__file__).resolve().parent / "data"
TLS_VERSIONS = ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
WHERE = ("generator", "server", "powered_by", "script")


class RulesError(ValueError):
    """A data file of the security app is wrong; the message says where, in Chinese."""


@dataclass(frozen=True)
class Step:
    after_minutes: int
    notify: tuple[str, ...]


@dataclass(frozen=True)
class Thresholds:
    consecutive_failures: int
    slow_ms: int
    slow_consecutive: int
    min_similarity: float
    min_characters: int
    publish_grace_minutes: int
    publish_actions: tuple[str, ...]
    severity: dict  # AlertKind -> Severity
    notify: tuple[str, ...]
    escalation: tuple[Step, ...]


@dataclass(frozen=True)
class Exposure:
    listing_paths: tuple[str, ...]
    listing_markers: tuple[str, ...]
    admin_paths: tuple[str, ...]


@dataclass(frozen=True)
class HeaderRule:
    code: str
    label: str
    header: str
    risk: str
    expect: str = ""
    or_csp: str = ""
    https_only: bool = False


@dataclass(frozen=True)
class ScanRules:
    headers: tuple[HeaderRule, ...]
    min_tls: str
    warn_days: int


@dataclass(frozen=True)
class KnownBad:
    product: str
    where: str
    pattern: re.Pattern
    below: tuple[int, ...]
    below_text: str
    note: str


@dataclass(frozen=True)
class ExerciseRules:
    requirement: str  # "any" or "each"
    warn_from_month: int
    lookback_quarters: int


def _read(name: str) -> dict:
    try:
        data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RulesError(f"无法读取规则文件 {name}：{error}") from error
    if not isinstance(data, dict):
        raise RulesError(f"规则文件 {name} 应为一个 JSON 对象。")
    return data


def _number(value, name: str, where: str, *, low: float, high: float, integer: bool = True):
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or not low <= value <= high:
        raise RulesError(f"规则文件 {name} 中的 {where} 应为 {low} 到 {high} 之间的数。")
    return value


def _audiences(value, name: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or any(v not in Audience.values for v in value):
        known = "、".join(Audience.values)
        raise RulesError(f"规则文件 {name} 中的 {where} 应为受众列表（{known}）。")
    return tuple(value)


def _severity(entry, name: str, kind: str) -> str:
    value = entry.get("severity") if isinstance(entry, dict) else None
    if value not in Severity.values:
        raise RulesError(f"规则文件 {name} 中 {kind} 的 severity 应为 {'、'.join(Severity.values)} 之一。")
    return value


def version_tuple(text: str) -> tuple[int, ...]:
    """ "2.4.49" -> (2, 4, 49); parts that are not numbers end it ("1.2b" -> (1,))."""
    parts = []
    for part in str(text).strip().split("."):
        if not part.isdigit():
            break
        parts.append(int(part))
    return tuple(parts)


@cache
def thresholds() -> Thresholds:
    name = "thresholds.json"
    data = _read(name)
    try:
        down, slow, defaced = data["unreachable"], data["slow"], data["defaced"]
        severity = {kind: _severity(data[kind.value], name, kind.value) for kind in AlertKind}
        steps = []
        for number, step in enumerate(data["escalation"], start=1):
            after = _number(
                step.get("after_minutes"),
                name,
                f"escalation 第 {number} 项的 after_minutes",
                low=1,
                high=100_000,
            )
            steps.append(
                Step(after, _audiences(step.get("notify"), name, f"escalation 第 {number} 项的 notify"))
            )
        if [s.after_minutes for s in steps] != sorted({s.after_minutes for s in steps}):
            raise RulesError(f"规则文件 {name} 中 escalation 的 after_minutes 应逐项增大。")
        actions = defaced["publish_actions"]
        if not isinstance(actions, list) or not all(isinstance(a, str) and a for a in actions):
            raise RulesError(f"规则文件 {name} 中的 defaced.publish_actions 应为页面操作名称的列表。")
        return Thresholds(
            consecutive_failures=_number(
                down["consecutive_failures"], name, "unreachable.consecutive_failures", low=1, high=100
            ),
            slow_ms=_number(slow["milliseconds"], name, "slow.milliseconds", low=1, high=600_000),
            slow_consecutive=_number(slow["consecutive"], name, "slow.consecutive", low=1, high=100),
            min_similarity=float(
                _number(
                    defaced["min_similarity"], name, "defaced.min_similarity", low=0, high=1, integer=False
                )
            ),
            min_characters=_number(
                defaced["min_characters"], name, "defaced.min_characters", low=0, high=10**6
            ),
            publish_grace_minutes=_number(
                defaced["publish_grace_minutes"], name, "defaced.publish_grace_minutes", low=0, high=10_000
            ),
            publish_actions=tuple(actions),
            severity=severity,
            notify=_audiences(data["notify"], name, "notify"),
            escalation=tuple(steps),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise RulesError(f"规则文件 {name} 缺少或写错了 {error} 项。") from error


def _paths(value, name: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(p, str) and p.startswith("/") for p in value):
        raise RulesError(f"规则文件 {name} 中的 {where} 应为以 / 开头的路径列表。")
    return tuple(value)


@cache
def exposure() -> Exposure:
    name = "exposure.json"
    data = _read(name)
    markers = data.get("listing_markers")
    if not isinstance(markers, list) or not all(isinstance(m, str) and m for m in markers):
        raise RulesError(f"规则文件 {name} 中的 listing_markers 应为文字列表。")
    return Exposure(
        listing_paths=_paths(data.get("listing_paths"), name, "listing_paths"),
        listing_markers=tuple(markers),
        admin_paths=_paths(data.get("admin_paths"), name, "admin_paths"),
    )


@cache
def scan_rules() -> ScanRules:
    name = "scan.json"
    data = _read(name)
    headers = []
    try:
        for number, entry in enumerate(data["headers"], start=1):
            if entry.get("risk") not in Risk.values or not entry.get("code") or not entry.get("header"):
                raise RulesError(f"规则文件 {name} 中 headers 第 {number} 项缺少 code、header 或 risk 写错。")
            headers.append(
                HeaderRule(
                    code=str(entry["code"]),
                    label=str(entry.get("label") or entry["header"]),
                    header=str(entry["header"]).lower(),
                    risk=entry["risk"],
                    expect=str(entry.get("expect", "")).lower(),
                    or_csp=str(entry.get("or_csp", "")).lower(),
                    https_only=bool(entry.get("https_only", False)),
                )
            )
        tls = data["tls"]
        if tls.get("min_version") not in TLS_VERSIONS:
            raise RulesError(f"规则文件 {name} 中的 tls.min_version 应为 {'、'.join(TLS_VERSIONS)} 之一。")
        return ScanRules(
            tuple(headers),
            tls["min_version"],
            _number(tls.get("warn_days"), name, "tls.warn_days", low=0, high=3650),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise RulesError(f"规则文件 {name} 缺少或写错了 {error} 项。") from error


@cache
def known_bad() -> tuple[KnownBad, ...]:
    name = "known_bad.json"
    data = _read(name)
    found = []
    for number, entry in enumerate(data.get("products") or [], start=1):
        if not isinstance(entry, dict) or entry.get("where") not in WHERE or not entry.get("product"):
            raise RulesError(
                f"规则文件 {name} 中第 {number} 项缺少 product，或 where 不是 {'、'.join(WHERE)} 之一。"
            )
        try:
            pattern = re.compile(str(entry.get("pattern", "")), re.IGNORECASE)
        except re.error as error:
            raise RulesError(
                f"规则文件 {name} 中第 {number} 项的 pattern 不是有效的正则表达式：{error}"
            ) from error
        below = version_tuple(entry.get("below", ""))
        if pattern.groups < 1 or not below:
            raise RulesError(f"规则文件 {name} 中第 {number} 项的 pattern 应取出版本号，below 应为版本号。")
        found.append(
            KnownBad(
                str(entry["product"]),
                entry["where"],
                pattern,
                below,
                str(entry["below"]),
                str(entry.get("note", "")),
            )
        )
    return tuple(found)


@cache
def exercise_rules() -> ExerciseRules:
    name = "exercises.json"
    data = _read(name)
    if data.get("requirement") not in ("any", "each"):
        raise RulesError(f"规则文件 {name} 中的 requirement 应为 any 或 each。")
    return ExerciseRules(
        data["requirement"],
        _number(data.get("warn_from_month"), name, "warn_from_month", low=1, high=3),
        _number(data.get("lookback_quarters"), name, "lookback_quarters", low=0, high=40),
    )


def reload() -> None:
    for loader in (thresholds, exposure, scan_rules, known_bad, exercise_rules):
        loader.cache_clear()
