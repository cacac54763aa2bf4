"""The rules of profiles and recommendations, as data (`data/rules.json`), loaded and checked once.

- `half_life_days`: an interest loses half its weight in this many days without a new signal (the setting
  HUIMIN_PROFILE_HALF_LIFE_DAYS, when set, takes precedence);
- `event_weights`: what one read, download, search or question adds to each tag it carries, before the
  `key_weights` of the tag's key; an item with n tags gives each 1/√n of it, so a page tagged with ten
  industries teaches no more in all than one tagged with one;
- `reread_hours`: reading a page again within this time teaches nothing new;
- `boost_factor`, `boost_floor`: a tag the citizen boosted counts this many times, and at least the floor;
- `chosen_tag_weight`: a tag the citizen chose under 我的标签 counts as an interest of this weight;
- `indexed_models`: the page types kept in the item index, true for those 为您推荐 may offer;
- `article_column_types`: an article is offered only from a column of these types (news, notices,
  policies …), not from 机构职能 or 信息公开指南, which are read for reference; it still teaches when read;
- `shown_on_models`: the page types under which 为您推荐 appears (the home page and content pages);
- `count`: how many items 为您推荐 shows; `profile_tags_used`: the strongest tags used for ranking;
- `content_share`, `similar_share`: how the profile's match and "users like you read it" mix;
- `neighbours`, `neighbour_window_days`, `min_similarity`: how many similar users at most, among those
  active in the window, and how similar (0–1: the share of their interests the reader shares) at least;
- `popular_window_days`, `popular_cache_seconds`: the span of "popular on this site" and its cache;
- `retention_days`: interactions older than this are deleted by `huimin profiles-prune`;
- `popularity_flush_seconds`, `popularity_flush_size`: how long anonymous view counts wait in memory.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DATA = Path(__file__).with_name("data") / "rules.json"


@dataclass(frozen=True)
class Rules:
    half_life_days: float
    event_weights: dict[str, float]
    key_weights: dict[str, float]
    profile_keys: tuple[str, ...]
    reread_hours: float
    boost_factor: float
    boost_floor: float
    chosen_tag_weight: float
    forget_below: float
    indexed_models: dict[str, bool]
    article_column_types: tuple[str, ...]
    shown_on_models: tuple[str, ...]
    count: int
    profile_tags_used: int
    candidates: int
    content_share: float
    similar_share: float
    neighbours: int
    min_similarity: float
    neighbour_window_days: int
    popular_window_days: int
    popular_cache_seconds: int
    retention_days: int
    popularity_flush_seconds: float
    popularity_flush_size: int


def _positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ImproperlyConfigured(f"{DATA}: {name} must be a positive number, not {value!r}")
    return value


@cache
def rules() -> Rules:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    half_life = getattr(settings, "HUIMIN_PROFILE_HALF_LIFE_DAYS", None) or raw["half_life_days"]
    values = {
        "half_life_days": float(_positive("half_life_days", half_life)),
        "event_weights": {
            k: float(_positive(f"event_weights.{k}", v)) for k, v in raw["event_weights"].items()
        },
        "key_weights": {k: float(_positive(f"key_weights.{k}", v)) for k, v in raw["key_weights"].items()},
        "profile_keys": tuple(raw["profile_keys"]),
        "indexed_models": {str(k): bool(v) for k, v in raw["indexed_models"].items()},
        "shown_on_models": tuple(raw["shown_on_models"]),
        "article_column_types": tuple(raw["article_column_types"]),
    }
    for name in Rules.__dataclass_fields__:
        if name not in values:
            values[name] = _positive(name, raw[name])
    for name in ("count", "profile_tags_used", "candidates", "neighbours", "neighbour_window_days"):
        values[name] = int(values[name])
    for name in ("popular_window_days", "popular_cache_seconds", "retention_days", "popularity_flush_size"):
        values[name] = int(values[name])
    missing = set(values["profile_keys"]) - set(values["key_weights"])
    if missing:
        raise ImproperlyConfigured(f"{DATA}: key_weights lacks {sorted(missing)}")
    from .enums import InteractionKind

    if set(values["event_weights"]) != set(InteractionKind.values):
        raise ImproperlyConfigured(f"{DATA}: event_weights must name {sorted(InteractionKind.values)}")
    return Rules(**values)


def decay_factor(since: datetime, now: datetime) -> float:
    """What is left of a weight recorded at `since`, at `now`: one half per half-life (1 for the future)."""
    days = (now - since).total_seconds() / 86400
    return 1.0 if days <= 0 else 0.5 ** (days / rules().half_life_days)


def decayed(weight: float, since: datetime, now: datetime) -> float:
    return weight * decay_factor(since, now)


def share_per_tag(event: str, key: str, tag_count: int) -> float:
    """What one `event` adds to one tag of `key` on an item carrying `tag_count` profile tags."""
    r = rules()
    return r.event_weights[event] * r.key_weights.get(key, 1.0) / math.sqrt(max(tag_count, 1))
