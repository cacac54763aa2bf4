"""为您推荐: what to offer a reader on a site, and why.

For a citizen who consented, two parts, each scaled to its best candidate and mixed by
`content_share` / `similar_share` (`rules.py`):

1. **The profile**: an item scores the sum of the reader's weights (decayed, boosted) of the tags it
   carries, over the reader's strongest `profile_tags_used` tags. The region is left out here: an item's
   region is its site's, the same for every candidate on the site.
2. **Readers like you**: the `neighbours` consenting accounts active within `neighbour_window_days` whose
   profiles overlap most with the reader's (the share of their weight on tags the reader has, times how much
   the reader cares for those tags; at least `min_similarity`), and the items they read on this site, each
   scored by the similarity of those who read it. The region is left out of the similarity too: everybody
   who reads a site's items shares its region, which says where they read, not what they care about.

Never an item the reader already read or downloaded, the page being read, or an item carrying a tag the
reader blocked. What is still missing is filled from the site's popular items, then its newest. A reader
without consent (or anonymous) gets the popular items of the site. Each recommendation says why, in words.

Queries are few and their number does not grow with the reader's history: the profile (1), the chosen tags
(1), the profile's candidates (1), the neighbours and their totals (2), their reads (1), which of the
popular ones were seen (1) and the items (1); the site's popular pool is cached for
`popular_cache_seconds` (2 queries when it is not).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, F, FloatField, Max, Q, Sum, Value, When
from django.utils import timezone

from huimin.accounts.models import Account

from .enums import SEEN_KINDS, InteractionKind, InterestState
from .models import Interaction, Interest, Item, ItemTag
from .queries import Weights, weights
from .rules import rules

POOL_SIZE = 60
REASON_PROFILE = "与您关注的“{}”相关"
REASON_SIMILAR = "兴趣相近的用户也在看"
REASON_POPULAR = "本站近期热门"
REASON_NEW = "本站最新发布"
KIND_LABELS = {
    "policy": "政策文件",
    "interpretation": "政策解读",
    "guide": "办事指南",
    "notice": "通知公告",
    "news": "工作动态",
    "dataset": "开放数据",
    "topic": "专题",
}


@dataclass(frozen=True)
class Recommendation:
    item_id: int
    title: str
    path: str
    kind: str
    published_at: datetime | None
    reason: str
    score: float = 0.0

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "")


@dataclass(frozen=True)
class _PoolItem:
    item_id: int
    title: str
    path: str
    kind: str
    published_at: datetime | None
    tags: tuple[tuple[str, str], ...]
    reason: str


# --- the site's popular pool (cached per process) -------------------------------------------------------

_pool_lock = threading.Lock()
_pools: dict[int, tuple[datetime, list[_PoolItem]]] = {}


def forget_pools() -> None:
    """Forget the cached pools (after the index or the counts changed in this process)."""
    with _pool_lock:
        _pools.clear()


def _as_pool_item(item: Item, reason: str) -> _PoolItem:
    return _PoolItem(
        item.pk,
        item.title,
        item.path,
        item.kind,
        item.published_at,
        tuple(tuple(tag) for tag in item.tags),
        reason,
    )


def site_pool(site_id: int, *, now: datetime) -> list[_PoolItem]:
    """The site's most viewed recommendable items of the popular window, then its newest, up to POOL_SIZE."""
    with _pool_lock:
        cached = _pools.get(site_id)
        if cached is not None and timedelta(0) <= now - cached[0] < timedelta(
            seconds=rules().popular_cache_seconds
        ):
            return cached[1]
    start = timezone.localdate(now) - timedelta(days=rules().popular_window_days)
    popular = list(
        Item.objects.filter(site_id=site_id, recommendable=True, popularity__day__gte=start)
        .annotate(views=Sum("popularity__views"))
        .order_by("-views", "-published_at", "-pk")[:POOL_SIZE]
    )
    pool = [_as_pool_item(item, REASON_POPULAR) for item in popular]
    if len(pool) < POOL_SIZE:
        newest = (
            Item.objects.filter(site_id=site_id, recommendable=True)
            .exclude(pk__in=[item.item_id for item in pool])
            .order_by(F("published_at").desc(nulls_last=True), "-pk")[: POOL_SIZE - len(pool)]
        )
        pool += [_as_pool_item(item, REASON_NEW) for item in newest]
    with _pool_lock:
        _pools[site_id] = (now, pool)
    return pool


def _final(item: _PoolItem, reason: str | None = None, score: float = 0.0) -> Recommendation:
    return Recommendation(
        item.item_id, item.title, item.path, item.kind, item.published_at, reason or item.reason, score
    )


def popular(site_id: int, *, now: datetime, exclude=(), count: int | None = None) -> list[Recommendation]:
    count = count or rules().count
    excluded = set(exclude)
    return [_final(item) for item in site_pool(site_id, now=now) if item.item_id not in excluded][:count]


# --- the personal part -------------------------------------------------------------------------------------


def _pairs_q(pairs) -> Q:
    match = Q()
    for key, value in pairs:
        match |= Q(key=key, value=value)
    return match


def _weight_case(pairs_weights: dict, *, field: str | None = None) -> Case:
    whens = [
        When(key=key, value=value, then=(F(field) * Value(weight)) if field else Value(weight))
        for (key, value), weight in pairs_weights.items()
    ]
    return Case(*whens, default=Value(0.0), output_field=FloatField())


def _seen(account: Account):
    return Interaction.objects.filter(account=account, kind__in=SEEN_KINDS, page__isnull=False).values(
        "page_id"
    )


def _by_profile(profile: Weights, site_id: int, account: Account, exclude: set[int]) -> dict[int, float]:
    r = rules()
    used = {
        pair: weight
        for pair, weight in profile.strongest(r.profile_tags_used, without=("region",))
        if weight > 0
    }
    if not used:
        return {}
    rows = (
        ItemTag.objects.filter(_pairs_q(used), site_id=site_id, recommendable=True)
        .exclude(item_id__in=_seen(account))
        .exclude(item_id__in=exclude)
        .values("item_id")
        .annotate(score=Sum(_weight_case(used)), newest=Max("published_at"))
        .order_by("-score", F("newest").desc(nulls_last=True), "-item_id")[: r.candidates]
    )
    return {row["item_id"]: row["score"] for row in rows}


def _neighbours(profile: Weights, account: Account, now: datetime) -> dict[int, float]:
    """The consenting accounts most like the reader, with their similarity in (0, 1]."""
    r = rules()
    mine = dict(profile.strongest(r.profile_tags_used * 2, without=("region",)))
    total = sum(mine.values())
    if not total:
        return {}
    shares = {pair: weight / total for pair, weight in mine.items()}
    active = now - timedelta(days=r.neighbour_window_days)
    live = Q(account__profiling_consent=True, updated_at__gte=active) & ~Q(state=InterestState.BLOCKED)
    overlaps = list(
        Interest.objects.filter(live, _pairs_q(shares))
        .exclude(account=account)
        .values("account_id")
        .annotate(overlap=Sum(_weight_case(shares, field="weight")))
        .order_by("-overlap", "account_id")[: r.neighbours * 3]
    )
    if not overlaps:
        return {}
    totals = dict(
        Interest.objects.filter(live, account_id__in=[row["account_id"] for row in overlaps])
        .exclude(key="region")
        .values("account_id")
        .annotate(total=Sum("weight"))
        .values_list("account_id", "total")
    )
    similarity = {
        row["account_id"]: row["overlap"] / totals[row["account_id"]]
        for row in overlaps
        if totals.get(row["account_id"])
    }
    best = sorted(similarity.items(), key=lambda pair: (-pair[1], pair[0]))[: r.neighbours]
    return {account_id: value for account_id, value in best if value >= r.min_similarity}


def _by_neighbours(
    neighbours: dict[int, float], site_id: int, account: Account, exclude: set[int], now: datetime
) -> dict[int, float]:
    if not neighbours:
        return {}
    r = rules()
    since = now - timedelta(days=r.neighbour_window_days)
    recommendable = Item.objects.filter(site_id=site_id, recommendable=True).values("pk")
    similarity = Case(
        *[When(account_id=account_id, then=Value(value)) for account_id, value in neighbours.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    rows = (
        Interaction.objects.filter(
            account_id__in=list(neighbours),
            kind=InteractionKind.READ,
            site_id=site_id,
            at__gte=since,
            page_id__in=recommendable,
        )
        .exclude(page_id__in=_seen(account))
        .exclude(page_id__in=exclude)
        .values("page_id")
        .annotate(score=Sum(similarity))
        .order_by("-score", "-page_id")[: r.candidates]
    )
    return {row["page_id"]: row["score"] for row in rows}


def _scaled(scores: dict[int, float]) -> dict[int, float]:
    best = max(scores.values(), default=0.0)
    return {key: value / best for key, value in scores.items()} if best > 0 else {}


def _reason(tags, profile: Weights) -> str:
    best = max(
        ((profile.weight(tuple(tag)), tag) for tag in tags if tag[0] != "region"),
        default=(0.0, None),
        key=lambda pair: pair[0],
    )
    return REASON_PROFILE.format(best[1][1]) if best[1] is not None and best[0] > 0 else ""


def personal(
    account: Account,
    site_id: int,
    *,
    now: datetime,
    exclude=(),
    count: int | None = None,
    shares: tuple[float, float] | None = None,
) -> list[Recommendation]:
    """The consenting reader's recommendations; `shares` (profile, readers like you) replaces the rules'
    mix, for measuring each part alone (`bench/recommend/`)."""
    r = rules()
    content_share, similar_share = shares if shares is not None else (r.content_share, r.similar_share)
    count = count or r.count
    excluded = set(exclude)
    profile = weights(account, now=now)
    by_profile = _scaled(_by_profile(profile, site_id, account, excluded)) if content_share else {}
    by_neighbours = (
        _scaled(_by_neighbours(_neighbours(profile, account, now), site_id, account, excluded, now))
        if similar_share
        else {}
    )
    scores = {
        item_id: content_share * by_profile.get(item_id, 0.0)
        + similar_share * by_neighbours.get(item_id, 0.0)
        for item_id in by_profile.keys() | by_neighbours.keys()
    }
    pool = [item for item in site_pool(site_id, now=now) if item.item_id not in excluded]
    pool_ids = [item.item_id for item in pool if item.item_id not in scores]
    seen_in_pool = (
        set(
            Interaction.objects.filter(
                account=account, kind__in=SEEN_KINDS, page_id__in=pool_ids
            ).values_list("page_id", flat=True)
        )
        if pool_ids
        else set()
    )
    items = (
        {
            item.pk: _as_pool_item(item, "")
            for item in Item.objects.filter(pk__in=list(scores)).only(
                "pk", "title", "path", "kind", "published_at", "tags"
            )
        }
        if scores
        else {}
    )
    chosen: list[Recommendation] = []
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], -pair[0]))
    for item_id, score in ranked:
        item = items.get(item_id)
        if item is None or profile.blocks(item.tags):
            continue
        from_profile = content_share * by_profile.get(item_id, 0.0)
        from_neighbours = similar_share * by_neighbours.get(item_id, 0.0)
        reason = _reason(item.tags, profile) if from_profile >= from_neighbours else REASON_SIMILAR
        chosen.append(_final(item, reason or REASON_SIMILAR, score))
        if len(chosen) == count:
            return chosen
    taken = {rec.item_id for rec in chosen}
    for item in pool:
        if item.item_id in taken or item.item_id in seen_in_pool or item.item_id in scores:
            continue
        if profile.blocks(item.tags):
            continue
        chosen.append(_final(item))
        if len(chosen) == count:
            break
    return chosen


def recommend(
    account: Account | None, site_id: int, *, now: datetime, exclude=(), count: int | None = None
) -> list[Recommendation]:
    """Up to `count` items of the site for this reader (see the module's docstring)."""
    if account is not None and account.profiling_consent:
        return personal(account, site_id, now=now, exclude=exclude, count=count)
    return popular(site_id, now=now, exclude=exclude, count=count)
