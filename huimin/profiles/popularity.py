"""Views per item, site and day, for everybody and about nobody: what anonymous visitors are recommended.

A view is not a write: `count_view` adds it to this process's tally, and the tally goes to the database
(`Popularity`, one statement per item and day) when it is `popularity_flush_seconds` old or holds
`popularity_flush_size` items, and when the process exits. The same visitor (a hash of the address, kept
only in memory until the next flush) viewing the same item the same day counts once. A crash loses at most
one tally; popularity is a hint, not a statistic anyone reports.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import threading
from collections import Counter
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Item, Popularity
from .rules import rules

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_tally: Counter[tuple[int, int, date]] = Counter()
_visitors: set[bytes] = set()
_since: datetime | None = None


def _visitor_hash(visitor: str, item_id: int, day: date) -> bytes:
    return hashlib.blake2b(f"{visitor}|{item_id}|{day.isoformat()}".encode(), digest_size=12).digest()


def count_view(item_id: int, site_id: int, visitor: str, *, now: datetime) -> None:
    """Count one view of an item by `visitor` (an address or a session: never stored)."""
    global _since
    day = timezone.localdate(now)
    key = _visitor_hash(visitor, item_id, day)
    with _lock:
        if key in _visitors:
            return
        _visitors.add(key)
        _tally[(item_id, site_id, day)] += 1
        if _since is None:
            _since = now
        due = (
            len(_tally) >= rules().popularity_flush_size
            or (now - _since).total_seconds() >= rules().popularity_flush_seconds
        )
    if due:
        flush()


def pending() -> int:
    """How many views wait in this process's tally."""
    with _lock:
        return sum(_tally.values())


def flush() -> int:
    """Write this process's tally to the database; returns how many views were written."""
    global _since
    with _lock:
        tally = dict(_tally)
        _tally.clear()
        _visitors.clear()
        _since = None
    if not tally:
        return 0
    live = set(
        Item.objects.filter(pk__in={item_id for item_id, _site, _day in tally}).values_list("pk", flat=True)
    )
    written = 0
    for (item_id, site_id, day), views in sorted(tally.items()):
        if item_id not in live:
            continue  # unpublished meanwhile
        with transaction.atomic():
            updated = Popularity.objects.filter(item_id=item_id, day=day).update(views=F("views") + views)
            if not updated:
                try:
                    with transaction.atomic():
                        Popularity.objects.create(item_id=item_id, site_id=site_id, day=day, views=views)
                except IntegrityError:  # another process created it meanwhile
                    Popularity.objects.filter(item_id=item_id, day=day).update(views=F("views") + views)
        written += views
    from .recommender import forget_pools

    forget_pools()
    return written


def discard() -> None:
    """Drop the tally without writing it (tests)."""
    global _since
    with _lock:
        _tally.clear()
        _visitors.clear()
        _since = None


def _flush_at_exit() -> None:
    try:
        flush()
    except Exception:  # the process is ending; the database may be gone already
        logger.warning("view counts not written at exit", exc_info=True)


atexit.register(_flush_at_exit)
