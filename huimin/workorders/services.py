"""Every change of a work order's state, one function per step: each checks who acts, runs in a transaction,
writes the order's event and the audit log entry (`huimin_workorders.<action>`), and refreshes the time
limit. Views, commands and the finding synchronisers call these and nothing else."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Site

from huimin.sites.models import OrgUnit, SiteIdentity

from . import deadlines
from .enums import DONE_STATES, Action, Closure, Priority, Source, State
from .models import WorkOrder, WorkOrderEvent, WorkOrderKind

SYSTEM = "系统"
MAX_FINDINGS = 200  # finding rows kept on one order; the count says how many there were

LOG_ACTIONS = {
    f"huimin_workorders.{action.value}": (action.label, f"工单：{action.label}") for action in Action
}


class WorkOrderError(Exception):
    """A step that cannot be taken; the message says why, in Chinese."""


def _label(actor) -> str:
    if actor is None or not actor.is_authenticated:
        return SYSTEM
    return (actor.get_full_name() or actor.get_username())[:100]


def _event(order, action: Action, actor, from_state: str, now: datetime, *, note: str = "", changes=None):
    user = actor if actor is not None and actor.is_authenticated else None
    WorkOrderEvent.objects.create(
        order=order,
        at=now,
        actor=user,
        actor_label=_label(actor),
        action=action,
        from_state=from_state,
        to_state=order.state,
        note=note[:3000],
        changes=changes or {},
    )
    data = {"status": order.get_state_display(), "number": order.number}
    if from_state and from_state != order.state:
        data["from"] = State(from_state).label
    log(instance=order, action=f"huimin_workorders.{action.value}", user=user, data=data)


def next_number(now: datetime) -> str:
    """GD<yyyymmdd>-<nnnn>, counted per day."""
    prefix = f"GD{timezone.localtime(now):%Y%m%d}-"
    last = (
        WorkOrder.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(last[-4:]) + 1 if last else 1:04d}"


def site_unit(site: Site) -> OrgUnit | None:
    identity = SiteIdentity.objects.filter(site=site).select_related("org_unit").first()
    return identity.org_unit if identity is not None else None


# ---------------------------------------------------------------------------------------------------------
# Orders opened and closed from findings (the patrol, the guide checker, the content sweep, security alerts)


def _finding_rows(findings: list[dict]) -> list[dict]:
    return [dict(row) for row in findings[:MAX_FINDINGS]]


def sync_findings(
    site: Site,
    *,
    source: Source,
    problem: str,
    kind_code: str,
    title: str,
    findings: list[dict],
    now: datetime,
    priority: Priority = Priority.NORMAL,
) -> WorkOrder | None:
    """One order per site and problem (`<source>:<problem>`), never one per finding.

    With findings: open the order (as 待派发, it needs no review), or update its finding rows, or reopen it
    when it was closed and the problem is back. Without findings (the check ran and saw nothing): close an
    open order as verified fixed. A withdrawn order (dismissed by the site's administrator) stays closed.
    Each finding is a dict with at least "url" and "evidence". Returns the order, or None when there is none.
    """
    key = f"{source}:{problem}"[:80]
    rows = _finding_rows(findings)
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().filter(site=site, finding_key=key).first()
        if not rows:
            if order is not None and order.state not in DONE_STATES:
                before = order.state
                order.state, order.closure, order.closed_at = State.CLOSED, Closure.VERIFIED, now
                order.save()
                _event(order, Action.VERIFY, None, before, now, note="复查未再发现该问题，工单自动办结。")
            return order
        description = f"{title}：共 {len(findings)} 处，详见问题明细。"
        if order is None:
            unit = site_unit(site)
            if unit is None:
                return None  # a site without identity has no unit to carry the order
            order = WorkOrder(
                number=next_number(now),
                site=site,
                unit=unit,
                kind=WorkOrderKind.objects.get(code=kind_code),
                priority=priority,
                title=title[:100],
                description=description,
                source=source,
                finding_key=key,
                findings=rows,
                url=rows[0].get("url", "")[:500],
                state=State.ACCEPTED,
                submitted_at=now,
                clock_from=now,
            )
            deadlines.refresh(order)
            order.save()
            _event(order, Action.OPEN, None, "", now, note=description)
            return order
        if order.state == State.WITHDRAWN:
            order.findings = rows
            order.save(update_fields=["findings"])
            return order
        before = order.state
        if order.state in DONE_STATES:
            order.state = State.DISPATCHED if order.assignee_id else State.ACCEPTED
            order.reopened += 1
            order.closed_at, order.closure, order.fixed_at = None, "", None
            order.clock_from, order.reminded_level = now, ""
            order.findings, order.description = rows, description
            deadlines.refresh(order)
            order.save()
            _event(order, Action.REOPEN, None, before, now, note="复查再次发现该问题，工单重新打开。")
            return order
        if order.findings != rows:
            order.findings, order.description = rows, description
            order.save(update_fields=["findings", "description"])
            _event(order, Action.UPDATE, None, before, now, note=description)
        return order
