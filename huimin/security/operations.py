"""The periodic work of the security app, shared by its commands and tasks: the escalation sweep and the
scan of the patrolled sites, each scan recorded and its exposures handed to the alerts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from huimin.inspection.models import Target
from huimin.inspection.services import sync_group_targets

from . import scans, services

logger = logging.getLogger(__name__)


def sweep(now: datetime):
    return services.escalate_due(now)


def scan_targets(
    now: datetime,
    *,
    target_ids: list[int] | None = None,
    site=None,
    timeout: float = 15.0,
    ca_file: str | None = None,
    advance: Callable[[], None] = lambda: None,
    scanner=scans.scan,
):
    """Scan every active target (or those named, or the target of `site`) and record each result. One site
    whose scan fails is logged and skipped; the others go on."""
    sync_group_targets()
    targets = Target.objects.select_related("site").order_by("name", "pk")
    if site is not None:
        targets = targets.filter(site=site)
    elif target_ids:
        targets = targets.filter(pk__in=target_ids)
    else:
        targets = targets.filter(active=True)
    saved = []
    for target in targets:
        try:
            result = scanner(target.url, now, timeout=timeout, ca_file=ca_file)
            saved.append(services.record_scan(target, result, now))
        except Exception:
            logger.exception("Security scan of %s (%s) failed", target, target.url)
        advance()
    return saved


def targets_to_scan(*, site=None) -> int:
    found = Target.objects.all()
    return found.filter(site=site).count() if site is not None else found.filter(active=True).count()
