"""Freshness and quality of a dataset: when it is due for an update by its declared frequency, and a score
of 0–100 from metadata completeness, freshness, machine-readable resources and documented columns, with the
reasons in Chinese.

The rules are data: `data/frequencies.json` (days each update frequency allows) and `data/quality.json`
(weights, the metadata fields counted, the assessment's 3 months, format shares, placeholder column titles).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .enums import OpenType, UpdateFrequency, VersionStatus

DATA_DIR = Path(__file__).resolve().parent / "data"
PARTS = ("metadata", "freshness", "machine_readable", "columns")


@dataclass(frozen=True)
class Rules:
    weights: dict[str, float]
    metadata_fields: dict[str, str]
    assessment_days: int
    stale_share: float
    format_shares: dict[str, float]
    placeholder_titles: tuple[re.Pattern, ...]
    frequency_days: dict[str, int]


@dataclass(frozen=True)
class Quality:
    score: int
    reasons: list[str]
    late: bool
    last_updated: datetime | None
    due: datetime | None
    parts: dict[str, float] = field(default_factory=dict)


def _read(name: str) -> dict:
    try:
        return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"opendata/data/{name} cannot be read: {error}") from error


def parse_rules(quality: dict, frequencies: dict) -> Rules:
    """Validate the two data files; ImproperlyConfigured names what is wrong."""

    def fail(message):
        raise ImproperlyConfigured(f"opendata quality rules: {message}")

    weights = quality.get("weights", {})
    if set(weights) != set(PARTS):
        fail(f"weights must name exactly {', '.join(PARTS)}")
    if any(not isinstance(v, int | float) or v < 0 for v in weights.values()) or sum(weights.values()) != 100:
        fail("weights must be non-negative numbers summing to 100")
    fields_ = quality.get("metadata_fields", {})
    if not fields_ or not all(isinstance(k, str) and isinstance(v, str) for k, v in fields_.items()):
        fail("metadata_fields must map field names to Chinese labels")
    from .models import DatasetPage

    known = {f.name for f in DatasetPage._meta.get_fields()}
    if unknown := set(fields_) - known:
        fail(f"unknown dataset fields {sorted(unknown)}")
    days = quality.get("assessment_days")
    if not isinstance(days, int) or days < 1:
        fail("assessment_days must be a positive integer")
    stale = quality.get("stale_share")
    if not isinstance(stale, int | float) or not 0 <= stale <= 1:
        fail("stale_share must be between 0 and 1")
    shares = quality.get("format_shares", {})
    if any(not isinstance(v, int | float) or not 0 <= v <= 1 for v in shares.values()):
        fail("format_shares must be between 0 and 1")
    try:
        placeholders = tuple(re.compile(p, re.IGNORECASE) for p in quality.get("placeholder_titles", []))
    except re.error as error:
        fail(f"bad placeholder pattern: {error}")
    frequency_days = {k: v for k, v in frequencies.items() if not k.startswith("_")}
    if missing := set(UpdateFrequency.values) - set(frequency_days):
        fail(f"frequencies.json lacks {sorted(missing)}")
    if any(not isinstance(v, int) or v < 1 for v in frequency_days.values()):
        fail("frequencies.json values must be positive integers (days)")
    return Rules(
        weights={k: float(v) for k, v in weights.items()},
        metadata_fields=dict(fields_),
        assessment_days=days,
        stale_share=float(stale),
        format_shares={k: float(v) for k, v in shares.items()},
        placeholder_titles=placeholders,
        frequency_days=frequency_days,
    )


@cache
def rules() -> Rules:
    return parse_rules(_read("quality.json"), _read("frequencies.json"))


def allowed_days(frequency: str) -> int:
    """Days a dataset of that declared frequency may go without a new version."""
    days = rules().frequency_days
    return days.get(frequency, days[UpdateFrequency.IRREGULAR])


def due_date(dataset, last_updated: datetime | None) -> datetime:
    """When the next update is due: from the last update, or from publication for a dataset without data."""
    start = last_updated or dataset.first_published_at or dataset.pub_date
    return start + timedelta(days=allowed_days(dataset.update_frequency))


def is_late(dataset, now: datetime, last_updated: datetime | None = None) -> bool:
    from .queries import dataset_last_updated

    last = last_updated if last_updated is not None else dataset_last_updated(dataset)
    return now > due_date(dataset, last)


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def _points(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def is_documented(column: dict, placeholders=None) -> bool:
    """A column is documented when it has a description, or a title that is more than a placeholder."""
    placeholders = rules().placeholder_titles if placeholders is None else placeholders
    if str(column.get("description") or "").strip():
        return True
    title = str(column.get("title") or "").strip()
    return bool(title) and not any(p.match(title) for p in placeholders)


def quality(dataset, now: datetime) -> Quality:
    """The dataset's score with its reasons, whether it is late, its last update and when the next is due."""
    from .queries import dataset_last_updated

    r = rules()
    reasons: list[str] = []
    parts: dict[str, float] = {}

    # Metadata completeness.
    labels = dict(r.metadata_fields)
    missing = [label for name, label in labels.items() if not getattr(dataset, name, None)]
    if dataset.open_type == OpenType.CONDITIONAL:
        labels["open_condition"] = "开放条件"
        if not dataset.open_condition.strip():
            missing.append("开放条件")
    parts["metadata"] = r.weights["metadata"] * (len(labels) - len(missing)) / len(labels)
    if missing:
        lost = r.weights["metadata"] - parts["metadata"]
        reasons.append(f"元数据不完整，缺少：{'、'.join(missing)}（扣{_points(lost)}分）。")

    # Freshness.
    last = dataset_last_updated(dataset)
    due = due_date(dataset, last)
    late = now > due
    frequency = UpdateFrequency(dataset.update_frequency).label
    if last is None:
        parts["freshness"] = 0.0
        reasons.append(f"尚未上传可用的数据（扣{_points(r.weights['freshness'])}分）。")
    elif late:
        parts["freshness"] = 0.0
        reasons.append(
            f"未按声明的更新频率（{frequency}）更新：最近更新为 {_day(last)}，应在 {_day(due)} 前更新"
            f"（扣{_points(r.weights['freshness'])}分）。"
        )
    elif now - last > timedelta(days=r.assessment_days):
        parts["freshness"] = r.weights["freshness"] * r.stale_share
        lost = r.weights["freshness"] - parts["freshness"]
        reasons.append(
            f"最近更新为 {_day(last)}，已超过 3 个月；考核要求开放数据 3 个月内更新（扣{_points(lost)}分）。"
        )
    else:
        parts["freshness"] = r.weights["freshness"]

    # Machine-readable resources and documented columns.
    resources = list(dataset.resources.all())
    shares, columns, empty = [], [], []
    for resource in resources:
        version = resource.current_version
        if version is None or version.status != VersionStatus.LOADED:
            shares.append(0.0)
            empty.append(resource.title)
            continue
        share = r.format_shares.get(version.format, 0.0)
        shares.append(share)
        if share < 1:
            reasons.append(
                f"资源“{resource.title}”的原始文件为 {version.format.upper()} 格式，"
                "建议同时提供 CSV 等开放格式。"
            )
        columns.extend(version.columns or [])
    if not resources:
        parts["machine_readable"] = 0.0
        reasons.append(f"没有数据资源（扣{_points(r.weights['machine_readable'])}分）。")
    else:
        parts["machine_readable"] = r.weights["machine_readable"] * sum(shares) / len(shares)
        if empty:
            reasons.append(f"资源{'、'.join(f'“{t}”' for t in empty)}没有可用的数据（导入失败或尚未上传）。")
    if columns:
        bare = [c for c in columns if not is_documented(c, r.placeholder_titles)]
        parts["columns"] = r.weights["columns"] * (len(columns) - len(bare)) / len(columns)
        if bare:
            lost = r.weights["columns"] - parts["columns"]
            names = "、".join(str(c.get("title") or c.get("name") or c.get("key")) for c in bare[:5])
            more = f"等 {len(bare)} 个字段" if len(bare) > 5 else ""
            reasons.append(f"字段{names}{more}缺少说明或有意义的名称（扣{_points(lost)}分）。")
    else:
        parts["columns"] = 0.0
        reasons.append(f"没有可说明的字段（扣{_points(r.weights['columns'])}分）。")

    score = max(0, min(100, round(sum(parts.values()))))
    return Quality(score=score, reasons=reasons, late=late, last_updated=last, due=due, parts=parts)


def late_datasets(datasets, now: datetime) -> list[tuple]:
    """(dataset, last_updated, due) of the late ones among `datasets`, most overdue first."""
    from .queries import with_last_updated

    late = []
    for dataset in with_last_updated(datasets).select_related("unit"):
        due = due_date(dataset, dataset.last_updated)
        if now > due:
            late.append((dataset, dataset.last_updated, due))
    return sorted(late, key=lambda item: item[2])
