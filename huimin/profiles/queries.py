"""Reading a profile: the weights as they are now, for ranking and for the citizen's own page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from huimin.accounts import tags as vocabularies
from huimin.accounts.models import Account, AccountTag

from .enums import InteractionKind, InterestState
from .models import Interaction, Interest
from .rules import decayed, rules

LEVELS = ((0.66, "较强"), (0.33, "一般"), (0.0, "较弱"))


@dataclass
class Weights:
    """An account's interests at one moment: weight per (key, value) after decay, boosts and the tags the
    citizen chose, and the tags they blocked."""

    values: dict[tuple[str, str], float] = field(default_factory=dict)
    blocked: set[tuple[str, str]] = field(default_factory=set)

    def weight(self, pair: tuple[str, str]) -> float:
        return self.values.get(tuple(pair), 0.0)

    def strongest(self, count: int, *, without: tuple[str, ...] = ()) -> list[tuple[tuple[str, str], float]]:
        ranked = sorted(
            ((pair, weight) for pair, weight in self.values.items() if pair[0] not in without),
            key=lambda entry: (-entry[1], entry[0]),
        )
        return ranked[:count]

    def blocks(self, tags) -> bool:
        return any(tuple(tag) in self.blocked for tag in tags)

    def __bool__(self) -> bool:
        return any(weight > 0 for weight in self.values.values())


def weights(account: Account, *, now: datetime) -> Weights:
    """Two queries: the interests, and the tags chosen under 我的标签."""
    r = rules()
    result = Weights()
    for row in Interest.objects.filter(account=account):
        pair = (row.key, row.value)
        if row.state == InterestState.BLOCKED:
            result.blocked.add(pair)
            continue
        weight = decayed(row.weight, row.updated_at, now)
        if row.state == InterestState.BOOSTED:
            weight = max(weight * r.boost_factor, r.boost_floor)
        result.values[pair] = weight
    keys = set(r.profile_keys)
    for key, value in AccountTag.objects.filter(account=account).values_list("key", "value"):
        pair = (key, value)
        if key in keys and pair not in result.blocked:
            result.values[pair] = result.values.get(pair, 0.0) + r.chosen_tag_weight
    return result


@dataclass(frozen=True)
class ShownInterest:
    key: str
    value: str
    weight: float
    share: float  # of the strongest, 0–1
    level: str
    state: str
    chosen: bool

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class InterestGroup:
    key: str
    label: str
    interests: list[ShownInterest]


def profile_groups(account: Account, *, now: datetime) -> tuple[list[InterestGroup], list[ShownInterest]]:
    """The citizen's own profile as shown to them: groups by tag key (in the vocabularies' order and
    labels), strongest first, and the blocked tags."""
    r = rules()
    labels = vocabularies.labels()
    rows = list(Interest.objects.filter(account=account))
    chosen = set(AccountTag.objects.filter(account=account).values_list("key", "value"))
    current = weights(account, now=now)
    strongest = max(current.values.values(), default=0.0) or 1.0
    states = {(row.key, row.value): row.state for row in rows}
    shown: dict[str, list[ShownInterest]] = {}
    for (key, value), weight in current.values.items():
        if weight <= 0 and states.get((key, value)) != InterestState.BOOSTED:
            continue
        share = min(weight / strongest, 1.0)
        level = next(name for bound, name in LEVELS if share >= bound)
        shown.setdefault(key, []).append(
            ShownInterest(
                key, value, weight, share, level, states.get((key, value), ""), (key, value) in chosen
            )
        )
    groups = [
        InterestGroup(key, labels.get(key, key), sorted(shown[key], key=lambda s: (-s.weight, s.value)))
        for key in r.profile_keys
        if key in shown
    ]
    blocked = sorted(
        (
            ShownInterest(row.key, row.value, 0.0, 0.0, "", row.state, False)
            for row in rows
            if row.state == InterestState.BLOCKED
        ),
        key=lambda s: (r.profile_keys.index(s.key) if s.key in r.profile_keys else 99, s.value),
    )
    return groups, blocked


def recent_activity(account: Account, limit: int = 10) -> list[Interaction]:
    return list(
        Interaction.objects.filter(account=account).select_related("site").order_by("-at", "-pk")[:limit]
    )


def activity_counts(account: Account) -> dict[str, int]:
    from django.db.models import Count

    counts = dict(
        Interaction.objects.filter(account=account)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {kind: counts.get(kind, 0) for kind in InteractionKind.values}


def export(account: Account) -> dict:
    """What 我的数据 exports of the profile: every interest and every record, as they are stored."""
    return {
        "interests": [
            {
                "key": row.key,
                "value": row.value,
                "weight": round(row.weight, 6),
                "state": row.state,
                "updated_at": row.updated_at.isoformat(),
            }
            for row in Interest.objects.filter(account=account).order_by("key", "value")
        ],
        "interactions": [
            {
                "kind": row.kind,
                "text": row.text,
                "page": row.page_id,
                "site": row.site_id,
                "tags": row.tags,
                "count": row.count,
                "first_at": row.first_at.isoformat(),
                "at": row.at.isoformat(),
            }
            for row in Interaction.objects.filter(account=account).order_by("first_at", "pk")
        ],
    }
