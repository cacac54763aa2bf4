"""Every write of the profiles app: consent, recording, the citizen's corrections, the item index.

Recording (`record_page_read`, `record_download`, `record_search`, `record_question`) happens only for an
account whose consent is on at that moment: each checks it again under a lock on the account, so switching
consent off stops recording at once, even for a request already under way. What is recorded teaches the
profile (`_learn`): each tag of the thing gains weight, after the weight it had has decayed with the
half-life (`rules.py`). A citizen's corrections and the switching of consent go to the audit log.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from wagtail.log_actions import log
from wagtail.models import Page

from huimin.accounts import tags as vocabularies
from huimin.accounts.models import Account

from . import tagging
from .enums import Correction, InteractionKind, InterestState
from .models import Interaction, Interest, Item, ItemTag, Popularity
from .rules import decayed, rules, share_per_tag

LOG_ACTIONS = {
    "huimin_profiles.consent_on": ("开启个性化推荐", "开启了个性化推荐（允许记录浏览以推荐内容）"),
    "huimin_profiles.consent_off": ("关闭个性化推荐", "关闭了个性化推荐（停止记录浏览）"),
    "huimin_profiles.correct": ("修改兴趣标签", "修改了兴趣标签"),
    "huimin_profiles.clear": ("清空兴趣画像", "清空了兴趣画像和浏览记录"),
}
MAX_TEXT = 200
MAX_VALUE = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """A query or question as kept: NFKC-folded (full-width letters and digits), without control characters
    (PostgreSQL refuses NUL), spaces collapsed, cut to `limit` characters."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _CONTROL.sub("", text)
    return " ".join(text.split())[:limit]


def _own(account: Account, actor) -> None:
    if actor is None or getattr(actor, "pk", None) != account.user_id:
        raise PermissionDenied("只能查看和修改本人的兴趣画像。")


# --- consent ------------------------------------------------------------------------------------------------


def set_consent(account: Account, consent: bool, *, actor, now: datetime) -> bool:
    """Switch the recording for 为您推荐 on or off; returns whether anything changed. Switching off keeps what
    was recorded (the citizen is offered to clear it) but records nothing more, from this moment."""
    _own(account, actor)
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if locked.profiling_consent == consent:
            return False
        locked.profiling_consent = consent
        locked.profiling_consent_at = now
        locked.save(update_fields=["profiling_consent", "profiling_consent_at"])
        action = "huimin_profiles.consent_on" if consent else "huimin_profiles.consent_off"
        log(instance=locked, action=action, user=actor, data={"at": now.isoformat()})
    account.profiling_consent, account.profiling_consent_at = consent, now
    return True


# --- recording --------------------------------------------------------------------------------------------


def _consenting(account: Account) -> bool:
    """The account's consent as it is now, its row locked until the transaction ends (recording of one
    account happens one at a time, and never after consent was switched off)."""
    consent = (
        Account.objects.select_for_update().filter(pk=account.pk).values_list("profiling_consent", flat=True)
    )
    return bool(next(iter(consent), False))


def _record(
    account: Account,
    kind: str,
    subject: str,
    *,
    tags: list,
    now: datetime,
    text: str = "",
    page_id: int | None = None,
    site_id: int | None = None,
) -> Interaction | None:
    if not account.profiling_consent:  # the cheap check first: most accounts never consent
        return None
    try:
        with transaction.atomic():
            if not _consenting(account):
                return None
            existing = Interaction.objects.filter(account=account, kind=kind, subject=subject).first()
            if existing is not None and now - existing.at < timedelta(hours=rules().reread_hours):
                return existing  # again within the hour window: nothing new to learn
            if existing is None:
                existing = Interaction.objects.create(
                    account=account,
                    kind=kind,
                    subject=subject,
                    page_id=page_id,
                    site_id=site_id,
                    text=text,
                    tags=[list(tag) for tag in tags],
                    first_at=now,
                    at=now,
                )
            else:
                existing.count += 1
                existing.at = now
                existing.text = text or existing.text
                existing.tags = [list(tag) for tag in tags]
                existing.save(update_fields=["count", "at", "text", "tags"])
            _learn(account, tags, kind, now)
            return existing
    except IntegrityError:  # the same thing recorded at the same moment by another request: it counted once
        return None


def _learn(account: Account, tags: Iterable, event: str, now: datetime) -> None:
    keys = set(rules().profile_keys)
    pairs = sorted({(key, value) for key, value in tags if key in keys})
    if not pairs:
        return
    match = Q()
    for key, value in pairs:
        match |= Q(key=key, value=value)
    rows = {(row.key, row.value): row for row in Interest.objects.filter(match, account=account)}
    new, changed = [], []
    for key, value in pairs:
        add = share_per_tag(event, key, len(pairs))
        row = rows.get((key, value))
        if row is None:
            new.append(Interest(account=account, key=key, value=value, weight=add, updated_at=now))
        elif row.state != InterestState.BLOCKED:
            row.weight = decayed(row.weight, row.updated_at, now) + add
            row.updated_at = now
            changed.append(row)
    Interest.objects.bulk_create(new)
    Interest.objects.bulk_update(changed, ["weight", "updated_at"])


def _item(page_id: int, now: datetime) -> Item | None:
    return Item.objects.filter(pk=page_id).first() or index_page(page_id, now=now)


def _record_page(account: Account, kind: str, page_id: int, now: datetime) -> Interaction | None:
    if not account.profiling_consent:
        return None
    item = _item(page_id, now)
    if item is None:
        return None
    return _record(
        account,
        kind,
        f"page:{item.pk}",
        tags=item.tags,
        now=now,
        text=item.title[:MAX_TEXT],
        page_id=item.pk,
        site_id=item.site_id,
    )


def record_page_read(account: Account, page_id: int, *, now: datetime) -> Interaction | None:
    """A consenting citizen read a page; None when nothing was recorded (no consent, not an item)."""
    return _record_page(account, InteractionKind.READ, page_id, now)


def record_download(account: Account, page_id: int, *, now: datetime) -> Interaction | None:
    """A consenting citizen downloaded a file of a page (an attachment, a dataset's resource)."""
    return _record_page(account, InteractionKind.DOWNLOAD, page_id, now)


def _record_text(account: Account, kind: str, text: str, *, site_id: int | None, now: datetime):
    if not account.profiling_consent:
        return None
    text = clean_text(text)
    if not text:
        return None
    return _record(
        account, kind, f"text:{text}", tags=tagging.text_tags(text), now=now, text=text, site_id=site_id
    )


def record_search(account: Account, query: str, *, site_id: int | None, now: datetime):
    """A consenting citizen searched for `query`: kept with the tags the query names."""
    return _record_text(account, InteractionKind.SEARCH, query, site_id=site_id, now=now)


def record_question(account: Account, question: str, *, site_id: int | None, now: datetime):
    """A consenting citizen asked 智能问答 a question: kept with the tags it names."""
    return _record_text(account, InteractionKind.QUESTION, question, site_id=site_id, now=now)


# --- the citizen's corrections ---------------------------------------------------------------------------


def _checked_tag(key: str, value: str) -> tuple[str, str]:
    if not isinstance(key, str) or key not in rules().profile_keys:
        raise ValidationError({"key": "没有这个标签类别。"})
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({"value": "请指明要修改的标签。"})
    if len(value) > MAX_VALUE:
        raise ValidationError({"value": f"标签过长：最多 {MAX_VALUE} 个字。"})
    if _CONTROL.search(value):
        raise ValidationError({"value": "标签含有不可见的控制字符。"})
    return key, value.strip()


def correct(account: Account, action: str, key: str, value: str, *, actor, now: datetime) -> Interest | None:
    """The citizen corrects one interest: boost it (counts double, and at least the floor), take the boost
    back, remove it (it may come back from what they read later), block it (never learned again, and
    nothing carrying it is recommended), or lift the block. Boosting or blocking a tag not yet in the profile
    is allowed for a tag of the group's vocabularies."""
    _own(account, actor)
    key, value = _checked_tag(key, value)
    if action not in Correction.values:
        raise ValidationError({"action": "没有这种操作。"})
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).first()
        row = Interest.objects.filter(account=account, key=key, value=value).first()
        if row is None:
            if action not in (Correction.BOOST, Correction.BLOCK):
                raise ValidationError({"value": f"您的兴趣画像中没有标签“{value}”。"})
            if not vocabularies.is_valid(key, value):
                raise ValidationError({"value": f"“{value}”不是可选的标签。"})
            row = Interest(account=account, key=key, value=value, weight=0.0, updated_at=now)
        if action == Correction.BOOST:
            weight = decayed(row.weight, row.updated_at, now) if row.state != InterestState.BLOCKED else 0.0
            row.weight, row.state = (
                weight,
                InterestState.BOOSTED,
            )  # counted × boost_factor, at least the floor
        elif action == Correction.UNBOOST:
            row.weight, row.state = decayed(row.weight, row.updated_at, now), InterestState.LEARNED
        elif action == Correction.BLOCK:
            row.weight, row.state = 0.0, InterestState.BLOCKED
        elif action == Correction.UNBLOCK and row.state != InterestState.BLOCKED:
            raise ValidationError({"value": f"标签“{value}”没有被设为不再推荐。"})
        log(
            instance=account,
            action="huimin_profiles.correct",
            user=actor,
            data={"action": action, "key": key, "value": value},
        )
        if action in (Correction.REMOVE, Correction.UNBLOCK):
            row.delete()
            return None
        row.updated_at = now
        row.save()
        return row


@dataclass
class Cleared:
    interests: int = 0
    interactions: int = 0


def clear_profile(account: Account, *, actor, now: datetime) -> Cleared:
    """Delete the whole profile and everything recorded for it (the consent stays as it is)."""
    _own(account, actor)
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).first()
        cleared = Cleared(
            interests=Interest.objects.filter(account=account).delete()[0],
            interactions=Interaction.objects.filter(account=account).delete()[0],
        )
        log(
            instance=account,
            action="huimin_profiles.clear",
            user=actor,
            data={"interests": cleared.interests, "interactions": cleared.interactions},
        )
    return cleared


def erase(account: Account) -> str:
    """For 我的数据 and the deletion of an account: everything here may go, nothing is kept by law."""
    with transaction.atomic():
        Interest.objects.filter(account=account).delete()
        Interaction.objects.filter(account=account).delete()
    return ""


# --- the item index ---------------------------------------------------------------------------------------


ARTICLE_MODEL = "huimin_articles.ArticlePage"


def _model_label(page: Page) -> str:
    return page.specific_class._meta.label if page.specific_class else ""


def index_page(page_id: int, *, now: datetime) -> Item | None:
    """Write the item of a page as it is now (live, public, of an indexed type, on a site), or remove it;
    returns the item, or None when the page is no item (any more)."""
    from .recommender import forget_pools

    page = Page.objects.filter(pk=page_id).first()
    recommendable = rules().indexed_models.get(_model_label(page)) if page is not None else None
    parts = None
    if page is not None and recommendable is not None and page.live:
        page = page.specific
        if not page.get_view_restrictions().exists():
            parts = page.get_url_parts(request=None)
    if not parts or parts[0] is None or parts[2] is None:
        removed = Item.objects.filter(pk=page_id).delete()[0]
        if removed:
            forget_pools()
        return None
    site_id, _root, path = parts
    pairs, kind = tagging.describe(page)
    if recommendable and _model_label(page) == ARTICLE_MODEL:
        column = page.get_parent().specific
        column_type = getattr(getattr(column, "column_type", None), "name", "")
        recommendable = column_type in rules().article_column_types
    published = getattr(page, "pub_date", None) or page.first_published_at or page.last_published_at
    described = {
        "site_id": site_id,
        "kind": kind,
        "title": page.title[:500],
        "path": path[:1000],
        "published_at": published,
        "recommendable": bool(recommendable),
        "tags": [list(pair) for pair in pairs],
    }
    existing = Item.objects.filter(pk=page.pk).first()
    if existing is not None and all(getattr(existing, name) == value for name, value in described.items()):
        return existing  # unchanged: nothing to write
    with transaction.atomic():
        item, _created = Item.objects.update_or_create(
            page_id=page.pk, defaults={**described, "indexed_at": now}
        )
        ItemTag.objects.filter(item=item).delete()
        ItemTag.objects.bulk_create(
            ItemTag(
                item=item,
                key=key,
                value=value,
                site_id=site_id,
                recommendable=item.recommendable,
                published_at=published,
            )
            for key, value in pairs
        )
    forget_pools()
    return item


@dataclass
class Reindexed:
    indexed: int = 0
    removed: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


def indexed_pages():
    """Live pages of the indexed types (every site), as a queryset of plain pages."""
    from django.apps import apps

    models = [apps.get_model(label) for label in rules().indexed_models]
    return Page.objects.live().type(*models).order_by("path")


def reindex(*, now: datetime, progress: Callable[[int, int], None] | None = None) -> Reindexed:
    """Rebuild the item index from the pages as they are: write every live item, remove the rest."""
    result = Reindexed()
    ids = list(indexed_pages().values_list("pk", flat=True))
    for done, page_id in enumerate(ids, start=1):
        item = index_page(page_id, now=now)
        if item is not None:
            result.indexed += 1
            result.kinds[item.kind] = result.kinds.get(item.kind, 0) + 1
        if progress is not None:
            progress(done, len(ids))
    result.removed = Item.objects.exclude(pk__in=ids).delete()[0] if ids else Item.objects.all().delete()[0]
    return result


# --- retention --------------------------------------------------------------------------------------------

PRUNE_BATCH = 1000


@dataclass
class Pruned:
    interactions: int = 0
    interests: int = 0
    popularity: int = 0


def prune(*, now: datetime) -> Pruned:
    """Forget what is past keeping: interactions older than the retention, learned interests decayed to
    almost nothing, and view counts older than the popular window. Safe to run any time, in several
    processes at once (each claims its batch of interests with SKIP LOCKED)."""
    r = rules()
    pruned = Pruned()
    pruned.interactions = Interaction.objects.filter(at__lt=now - timedelta(days=r.retention_days)).delete()[
        0
    ]
    pruned.popularity = Popularity.objects.filter(
        day__lt=(now - timedelta(days=r.popular_window_days + 1)).date()
    ).delete()[0]
    # A learned weight below `forget_below` after decay: older than the time its largest possible weight
    # takes to get there is a cheap filter; the exact test is done on the claimed rows.
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(
                Interest.objects.select_for_update(skip_locked=True)
                .filter(state=InterestState.LEARNED, pk__gt=last_id, updated_at__lt=now - timedelta(days=1))
                .order_by("pk")[:PRUNE_BATCH]
            )
            if not batch:
                break
            last_id = batch[-1].pk
            faded = [row.pk for row in batch if decayed(row.weight, row.updated_at, now) < r.forget_below]
            pruned.interests += Interest.objects.filter(pk__in=faded).delete()[0]
    return pruned
