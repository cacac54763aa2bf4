"""Background work of the security app (Django's tasks API): the escalation sweep and the security scan,
for a worker to run on a schedule or the admin to queue. Both are idempotent per moment."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from . import operations


@task()
def sweep_task() -> int:
    """Escalate the unanswered alerts (as `huimin security-sweep`); returns how many went up."""
    return len(operations.sweep(timezone.now()))


@task()
def scan_task(target_ids: list[int] | None = None) -> int:
    """Scan the given targets, or every active one (as `huimin security-scan`); returns how many."""
    return len(operations.scan_targets(timezone.now(), target_ids=target_ids))
