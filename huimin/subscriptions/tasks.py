"""Background work of precise push: matching a publication and sending what is due. Each task recomputes
from the database as it is when it runs, so a task run late, twice or out of order changes nothing more
(publications and deliveries are unique; the sender claims rows with skip_locked)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task


@task()
def publish_task(page_id: int, revision_id: int | None) -> str:
    """Match a page's just-published version and queue its deliveries; returns what happened."""
    from . import services

    outcome = services.publish(page_id, revision_id, now=timezone.now())
    return f"{outcome.status}: {outcome.matched} accounts, {outcome.queued} deliveries"


@task()
def send_task() -> dict:
    """Send the mail and SMS deliveries that are due, within the rate limits."""
    from . import services

    return services.send_due(timezone.now()).as_dict()


def queue_publication(page_id: int, revision_id: int | None) -> None:
    transaction.on_commit(partial(publish_task.enqueue, page_id, revision_id))


def queue_sending() -> None:
    transaction.on_commit(send_task.enqueue)
