"""The link to the city's event-dispatch platform (市域治理"一张网").

Out: `enqueue(letter)` writes an `OutboxMessage` in the letter's own transaction; `deliver_due(now)`
(the command `huimin dispatch-push`, run periodically, and a task queued after each new letter) POSTs
each due message as JSON with `X-Huimin-Timestamp`, `X-Huimin-Signature: sha256=<HMAC of
"timestamp.body">` and `Idempotency-Key`. A 2xx marks it delivered; anything else (an error status, a
timeout, a refused connection) schedules another attempt with exponential backoff (30 s doubling, at most
1 hour). Rows are claimed with SKIP LOCKED, so workers running side by side never send one twice.

In: the platform reports dispatch, acceptance and reply to `POST /api/v1/letters/{id}/events`, signed the
same way; `verify` checks the signature and the timestamp's freshness.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Letter, OutboxMessage

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(seconds=30)
MAX_SKEW_SECONDS = 300
LEASE = timedelta(minutes=2)  # how long a claimed message is left to the worker that claimed it


def enabled() -> bool:
    return bool(settings.HUIMIN_DISPATCH_URL)


def sign(timestamp: str, body: bytes, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.HUIMIN_DISPATCH_SECRET).encode()
    return "sha256=" + hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(timestamp: str, signature: str, body: bytes, *, now: float | None = None) -> bool:
    if not settings.HUIMIN_DISPATCH_SECRET or not timestamp.isdigit():
        return False
    if abs((now or time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    return hmac.compare_digest(sign(timestamp, body), signature or "")


def payload(letter: Letter) -> dict:
    """What the platform receives: the letter without the writer's contact details beyond the phone it
    needs to call back."""
    return {
        "id": letter.pk,
        "query_code": letter.query_code,
        "kind": letter.kind,
        "channel": letter.channel,
        "site": letter.site.hostname,
        "chosen_unit": letter.chosen_unit.name if letter.chosen_unit else None,
        "title": letter.title,
        "content": letter.content,
        "contact_phone": letter.contact_phone,
        "received_at": timezone.localtime(letter.received_at).isoformat(),
        "reply_due": timezone.localtime(letter.reply_due).isoformat() if letter.reply_due else None,
    }


def enqueue(letter: Letter) -> OutboxMessage | None:
    """Inside the letter's transaction: record the push, then try it as soon as the transaction commits."""
    if not enabled():
        return None
    message = OutboxMessage.objects.create(
        letter=letter,
        idempotency_key=f"huimin-letter-{letter.pk}-{letter.query_code}",
        payload=payload(letter),
        created_at=letter.received_at,
        next_attempt_at=letter.received_at,
    )
    transaction.on_commit(lambda: push_task.enqueue())
    return message


@task()
def push_task() -> int:
    return deliver_due()


def _backoff(attempts: int) -> timedelta:
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _post(message: OutboxMessage) -> str:
    """Send one message; returns "" on success, else what went wrong."""
    body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Huimin-Timestamp": timestamp,
        "X-Huimin-Signature": sign(timestamp, body),
        "Idempotency-Key": message.idempotency_key,
    }
    try:
        response = requests.post(
            settings.HUIMIN_DISPATCH_URL, data=body, headers=headers, timeout=settings.HUIMIN_DISPATCH_TIMEOUT
        )
    except requests.RequestException as error:
        return f"{type(error).__name__}: {error}"[:500]
    return "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}: {response.text[:200]}"


def deliver_due(now: datetime | None = None, batch: int = 20) -> int:
    """Deliver every message whose time has come; returns how many were delivered.

    Messages are claimed in a short transaction (their next attempt moved a lease ahead), then sent
    outside any transaction, so a slow peer never holds a lock on the database; a worker that dies
    mid-way leaves the claim to expire and another retries (the idempotency key makes that safe).
    """
    if not enabled():
        return 0
    delivered = 0
    while True:
        moment = now or timezone.now()
        with transaction.atomic():
            due = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(delivered_at__isnull=True, next_attempt_at__lte=moment)
                .order_by("next_attempt_at", "pk")[:batch]
            )
            OutboxMessage.objects.filter(pk__in=[m.pk for m in due]).update(next_attempt_at=moment + LEASE)
        for message in due:
            error = _post(message)
            message.attempts += 1
            if error:
                message.last_error = error
                message.next_attempt_at = moment + _backoff(message.attempts)
                logger.warning(
                    "Push of letter %s to the dispatch platform failed (attempt %d, next %s): %s",
                    message.letter_id, message.attempts, message.next_attempt_at.isoformat(), error,
                )  # fmt: skip
            else:
                message.delivered_at, message.last_error = moment, ""
                delivered += 1
            message.save(update_fields=["attempts", "last_error", "next_attempt_at", "delivered_at"])
        if len(due) < batch:
            return delivered


def undelivered():
    """Messages not yet accepted by the platform, the oldest first (the admin's outbox)."""
    return (
        OutboxMessage.objects.filter(delivered_at__isnull=True)
        .select_related("letter")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def retry_now(ids: list[int], *, actor, now: datetime | None = None) -> int:
    """An administrator asks for undelivered messages to be tried again at once (after the peer is fixed).
    Returns how many were rescheduled; the push task runs when the transaction commits."""
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("只有平台管理员可以重试推送。")
    now = now or timezone.now()
    count = undelivered().filter(pk__in=ids).update(next_attempt_at=now)
    if count:
        logger.info("%s asked for %d undelivered pushes to be retried now", actor.get_username(), count)
        transaction.on_commit(lambda: push_task.enqueue())
    return count
