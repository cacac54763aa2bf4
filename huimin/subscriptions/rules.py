"""The rules of precise push, kept as data (`data/push.json`), loaded and checked once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).with_name("data") / "push.json"


@dataclass(frozen=True)
class PushRules:
    text_change_ratio: float
    max_item_age_days: int
    max_subscriptions_per_account: int
    max_values_per_key: int
    max_attempts: int
    retry_minutes: tuple[int, ...]
    send_batch: int
    digest_items_max: int
    inbox_page_size: int


def load(path: Path = RULES_FILE) -> PushRules:
    data = json.loads(path.read_text(encoding="utf-8"))
    rules = PushRules(
        text_change_ratio=float(data["text_change_ratio"]),
        max_item_age_days=int(data["max_item_age_days"]),
        max_subscriptions_per_account=int(data["max_subscriptions_per_account"]),
        max_values_per_key=int(data["max_values_per_key"]),
        max_attempts=int(data["max_attempts"]),
        retry_minutes=tuple(int(minutes) for minutes in data["retry_minutes"]),
        send_batch=int(data["send_batch"]),
        digest_items_max=int(data["digest_items_max"]),
        inbox_page_size=int(data["inbox_page_size"]),
    )
    if not 0 < rules.text_change_ratio < 1:
        raise ValueError(f"{path.name}: text_change_ratio must be between 0 and 1")
    if (
        min(
            rules.max_subscriptions_per_account, rules.max_attempts, rules.send_batch, rules.max_item_age_days
        )
        < 1
    ):
        raise ValueError(f"{path.name}: limits must be at least 1")
    if not rules.retry_minutes or min(rules.retry_minutes) < 1:
        raise ValueError(f"{path.name}: retry_minutes must list positive minutes")
    return rules


@cache
def rules() -> PushRules:
    return load()
