"""A published page becomes a `Publication` and its deliveries, once per substantive version.

The rule (docs/push.md): a page of a pushed kind (policy, interpretation, guide, notice, dataset) that is live
and public is pushed when it is published for the first time, and again only when the version published
changed in substance from the version published before it: its title, 文号 or validity changed, or its text
changed by more than `text_change_ratio` (data/push.json). The version before is read from Wagtail's log of
publications (`wagtail.publish` entries and their revisions). A `Publication` is unique per (page,
fingerprint of its substance), and a `Delivery` per (account, publication, channel): a re-publication, a
retried task or a second worker changes nothing.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, PageViewRestriction, Revision

from ..criteria import key_labels
from ..enums import (
    PUSHED_KINDS,
    Channel,
    DeliveryStatus,
    Frequency,
    PublicationReason,
    PublicationState,
)
from ..matching import Match, changes, facts_of, fastest, fingerprint, match, substance
from ..models import Delivery, Publication, Subscription
from ..rules import rules

BULK_BATCH = 5000


@contextmanager
def paused_gc():
    """Hold the cycle collector while a publication's matches and deliveries are built: a hundred thousand
    small objects made in a row trigger full collections of the whole process's heap, which cost more than
    the work itself (the bench: 3x). Nothing made here is cyclic; collection resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class PublishOutcome:
    status: (
        str  # pushed / done_before / unchanged / archive / not_pushed / not_public / gone / no_subscriptions
    )
    publication: Publication | None = None
    matched: int = 0
    queued: int = 0
    changes: list[str] = field(default_factory=list)


def _is_public(page: Page) -> bool:
    if not page.live:
        return False
    ancestors = Page.objects.ancestor_of(page, inclusive=True).values("pk")
    return not PageViewRestriction.objects.filter(page__in=ancestors).exists()


def _content(page: Page, revision: Revision | None):
    return revision.as_object() if revision is not None else page.specific


def previous_version(page: Page, revision: Revision | None):
    """The version published before `revision`, from the log: (found, object or None). found False: this is
    the page's first publication; found True with None: there was one, but its revision is gone."""
    entries = PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish").exclude(revision_id=None)
    if revision is not None:
        entries = entries.filter(revision_id__lt=revision.pk)
    entry = entries.order_by("-revision_id", "-pk").first()
    if entry is None:
        return False, None
    earlier = Revision.objects.filter(pk=entry.revision_id).first()
    return True, (earlier.as_object() if earlier is not None else None)


def is_archive(item, now: datetime) -> bool:
    """Whether the item is dated more than `max_item_age_days` before now: old documents imported or put
    online late (an archive) are not news to anyone, and are not pushed."""
    dated = getattr(item, "pub_date", None)
    if dated is None:
        return False
    day = timezone.localdate(dated) if isinstance(dated, datetime) else dated
    return (timezone.localdate(now) - day).days > rules().max_item_age_days


def decide(page: Page, revision: Revision | None, parts: dict) -> tuple[str | None, list[str]]:
    """(reason, changes): FIRST, CHANGED with what changed, or (None, []) when not worth pushing."""
    found, earlier = previous_version(page, revision)
    if not found:
        return PublicationReason.FIRST, []
    if earlier is None:
        return None, []  # the earlier version cannot be compared: push nothing rather than repeat
    changed = changes(substance(earlier), parts, rules().text_change_ratio)
    return (PublicationReason.CHANGED, changed) if changed else (None, [])


def publish(page_id: int, revision_id: int | None = None, *, now: datetime) -> PublishOutcome:
    """Match a just-published version of a page and queue its deliveries (idempotent)."""
    if not Subscription.objects.exists():
        return PublishOutcome("no_subscriptions")
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return PublishOutcome("gone")
    if not _is_public(page):
        return PublishOutcome("not_public")
    revision = Revision.objects.filter(pk=revision_id).first() if revision_id else page.live_revision
    item = _content(page, revision)
    facts = facts_of(item)
    kind = next(iter(facts.get("kind", ())), "")
    if kind not in PUSHED_KINDS:
        return PublishOutcome("not_pushed")
    if is_archive(item, now):
        return PublishOutcome("archive")
    parts = substance(item)
    reason, changed = decide(page, revision, parts)
    if reason is None:
        return PublishOutcome("unchanged")
    publication = _publication(page, revision, item, facts, kind, reason, changed, fingerprint(parts), now)
    if publication.state == PublicationState.DONE:
        return PublishOutcome("done_before", publication, publication.matched, publication.queued)
    with paused_gc():
        matches = match(facts)
        with transaction.atomic():
            queued = _queue_deliveries(publication, matches, facts, now)
            accounts = len({m.account_id for m in matches})
            Publication.objects.filter(pk=publication.pk).update(
                state=PublicationState.DONE, matched=accounts, queued=queued, finished_at=now
            )
            publication.state, publication.matched, publication.queued = (
                PublicationState.DONE,
                accounts,
                queued,
            )
            if queued:
                from ..tasks import queue_sending

                queue_sending()
    return PublishOutcome("pushed", publication, accounts, queued, changed)


def _publication(page, revision, item, facts, kind, reason, changed, print_, now) -> Publication:
    defaults = {
        "revision": revision,
        "reason": reason,
        "changes": changed,
        "kind": kind,
        "title": (item.title or "")[:255],
        "url": (page.get_full_url() or page.url_path)[:500],
        "facts": {key: sorted(values) for key, values in facts.items()},
        "created_at": now,
    }
    try:
        with transaction.atomic():
            publication, _ = Publication.objects.get_or_create(
                page=page, fingerprint=print_, defaults=defaults
            )
    except IntegrityError:  # another worker made it first
        publication = Publication.objects.get(page=page, fingerprint=print_)
    return publication


def display_values(facts: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """How the facts' ids read (pages, units, sites, kinds, validity) for the reasons people are shown."""
    from huimin.policies.enums import Validity
    from huimin.sites.models import OrgUnit

    shown: dict[str, dict[str, str]] = {}
    page_ids = [int(v) for key in ("column", "topic_page") for v in facts.get(key, ()) if v.isdigit()]
    titles = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "title"))
    for key in ("column", "topic_page"):
        shown[key] = {v: titles.get(int(v), v) for v in facts.get(key, ()) if v.isdigit()}
    unit_ids = [int(v) for v in facts.get("unit", ()) if v.isdigit()]
    units = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    shown["unit"] = {v: units.get(int(v), v) for v in facts.get("unit", ()) if v.isdigit()}
    shown["kind"] = {v: PUSHED_KINDS.get(v, v) for v in facts.get("kind", ())}
    shown["validity"] = {v: Validity(v).label for v in facts.get("validity", ()) if v in Validity.values}
    return shown


def _why(matches: list[Match], shown, labels, cache: dict[tuple[str, str], str]) -> str:
    """The reason of a delivery as JSON text: each matched subscription with the values that matched (the
    part per distinct criteria is encoded once: many subscriptions share it)."""
    parts = []
    for m in matches:
        matched = cache.get(("matched", m.signature))
        if matched is None:
            readable = {
                labels.get(key, key): [shown.get(key, {}).get(value, value) for value in values]
                for key, values in m.matched.items()
            }
            matched = cache[("matched", m.signature)] = json.dumps(readable, ensure_ascii=False)
        title = cache.get(("title", m.title))
        if title is None:
            title = cache[("title", m.title)] = json.dumps(m.title, ensure_ascii=False)
        parts.append(f'{{"subscription": {int(m.subscription_id)}, "title": {title}, "matched": {matched}}}')
    return "[" + ", ".join(parts) + "]"


def _queue_deliveries(publication: Publication, matches: list[Match], facts, now: datetime) -> int:
    """One delivery per (account, channel) the matched subscriptions ask for and the account can receive."""
    by_account: dict[int, list[Match]] = defaultdict(list)
    for m in matches:
        by_account[m.account_id].append(m)
    shown, labels, cache = display_values(facts), key_labels(), {}
    rows = []
    for account_id, found in by_account.items():
        reasons: dict[tuple[int, ...], str] = {}  # mail and inbox often come from the same subscriptions
        wanted: dict[str, list[Match]] = defaultdict(list)
        for m in found:
            for channel in m.channels:
                if channel in m.reachable:
                    wanted[channel].append(m)
        for channel, subscriptions in wanted.items():
            inbox = channel == Channel.INBOX
            frequency = Frequency.IMMEDIATE if inbox else fastest(m.frequency for m in subscriptions)
            immediate = frequency == Frequency.IMMEDIATE
            ids = tuple(m.subscription_id for m in subscriptions)
            if ids not in reasons:
                reasons[ids] = _why(subscriptions, shown, labels, cache)
            rows.append(
                (
                    account_id,
                    channel,
                    frequency,
                    DeliveryStatus.SENT if inbox else DeliveryStatus.QUEUED,
                    reasons[ids],
                    immediate,
                    inbox,
                )
            )
    _insert(publication, rows, now)
    return Delivery.objects.filter(publication=publication).count()


DELIVERY_COLUMNS = (
    "account_id",
    "publication_id",
    "channel",
    "frequency",
    "status",
    "reason",
    "queued_at",
    "due_at",
    "sent_at",
    "attempts",
    "error",
)


def _insert(publication: Publication, rows: list[tuple], now: datetime) -> None:
    """Insert the deliveries in bulk, bypassing the ORM's per-object work (a hundred thousand rows through
    bulk_create take longer than the matching): on PostgreSQL by COPY into a temporary table, on SQLite by
    one prepared statement executed over all rows. A row that exists already (a retried task) is left as it
    is (INSERT … ON CONFLICT DO NOTHING, both engines). Call inside a transaction."""
    meta = Delivery._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in DELIVERY_COLUMNS)
    postgres = connection.vendor == "postgresql"
    at = now if postgres else meta.get_field("queued_at").get_db_prep_save(now, connection)
    values = [
        (
            account_id,
            publication.pk,
            channel,
            frequency,
            status,
            why,
            at,
            at if immediate else None,
            at if inbox else None,
            0,
            "",
        )
        for account_id, channel, frequency, status, why, immediate, inbox in rows
    ]
    # Table and column names come from the model's own metadata, quoted; every value is a parameter or
    # COPY data.
    with connection.cursor() as cursor:
        if postgres:
            load = quote("huimin_push_delivery_load")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {load} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
            )
            with cursor.cursor.copy(f"COPY {load} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {load} ON CONFLICT DO NOTHING"  # noqa: S608
            )
            cursor.execute(f"DROP TABLE {load}")
            return
        placeholders = ", ".join(["%s"] * len(DELIVERY_COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING"  # noqa: S608
        for start in range(0, len(values), BULK_BATCH):
            cursor.executemany(sql, values[start : start + BULK_BATCH])


# ---- reach: what an editor sees before publishing ----


@dataclass
class Reach:
    accounts: int
    by_channel: dict[str, int]
    by_frequency: dict[str, int]
    pushed: bool
    reason: str
    changes: list[str]
    kind: str


def reach(page: Page) -> Reach:
    """How many accounts the latest version of `page` would reach if published now, by channel (where they
    can receive it) and by frequency; and whether publishing it now would push at all."""
    page = page.specific
    draft = page.get_latest_revision_as_object()
    facts = facts_of(draft)
    kind = next(iter(facts.get("kind", ())), "")
    parts = substance(draft)
    if kind not in PUSHED_KINDS:
        pushed, reason, changed = False, "此类页面不推送。", []
    elif not page.live or page.live_revision_id is None:
        pushed, reason, changed = True, PublicationReason.FIRST.label, []
    else:
        changed = changes(substance(_content(page, page.live_revision)), parts, rules().text_change_ratio)
        pushed = bool(changed)
        reason = (
            PublicationReason.CHANGED.label if changed else "与线上版本相比没有实质变更，发布后不会再次推送。"
        )
    with paused_gc():
        matches = match(facts) if kind in PUSHED_KINDS else []
    channels: dict[str, set[int]] = {channel: set() for channel in Channel.values}
    frequencies: dict[str, set[int]] = {frequency: set() for frequency in Frequency.values}
    for m in matches:
        frequencies[m.frequency].add(m.account_id)
        for channel in m.channels:
            if channel in m.reachable:
                channels[channel].add(m.account_id)
    return Reach(
        accounts=len({m.account_id for m in matches}),
        by_channel={Channel(c).label: len(ids) for c, ids in channels.items()},
        by_frequency={Frequency(f).label: len(ids) for f, ids in frequencies.items()},
        pushed=pushed,
        reason=reason,
        changes=changed,
        kind=PUSHED_KINDS.get(kind, ""),
    )
