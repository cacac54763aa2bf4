"""Reminders of work orders whose time runs out (`huimin workorders-sweep`, safe every 5 minutes).

An order whose clock runs gets one reminder per level it reaches: 临期 (80 % of its limit used), 超期 (past
its limit), and once more, 超期升级 to the platform team, when it is overdue by more than its whole limit
again. `reminded_level` remembers the last one sent, so a level is never announced twice; a reopened order
starts again (`services.sync_findings` and the manual reopen clear it). Each order is claimed with
`select_for_update(skip_locked=True)`: two sweeps running at once never send the same reminder twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from huimin.workdays.working_time import Schedule, add_working_time

from . import deadlines, notify, services
from .enums import CLOCK_STATES, Action, Level
from .models import WorkOrder

ESCALATED = "escalated"
# The order of the levels; `reminded_level` only moves up (until a reopening clears it).
RANK = {"": 0, Level.NORMAL: 0, Level.WARNING: 1, Level.OVERDUE: 2, ESCALATED: 3}
LEVEL_WORDS = {Level.WARNING: "临期", Level.OVERDUE: "超期", ESCALATED: "超期升级"}


def stage(order: WorkOrder, now: datetime, plan: Schedule | None = None) -> str:
    """normal, warning, overdue, or escalated (overdue by more than the order's whole limit again)."""
    level = deadlines.level(order, now)
    if level != Level.OVERDUE:
        return level
    plan = plan or deadlines.schedule()
    if now > add_working_time(plan, order.due_at, deadlines.limit(order)).due:
        return ESCALATED
    return level


def remind(order: WorkOrder, level: str, now: datetime) -> list[str]:
    """Tell who must act that `order` reached `level`, record it on the order (an event and the audit log,
    `huimin_workorders.remind`) and remember the level. The caller holds the order's row lock. Returns the
    addresses written to."""
    if level not in LEVEL_WORDS:
        raise ValueError(f"unknown reminder level {level!r}")
    with transaction.atomic():
        to = notify.reminder_addresses(order, level)
        order.reminded_level = level
        order.save(update_fields=["reminded_level"])
        if level == ESCALATED:
            told = "平台管理员"
        elif order.assignee_id:
            told = "承办人"
        else:
            told = "站点管理员和平台管理员"
        reached = f"工单{LEVEL_WORDS[level]}（办理期限 {notify.local_time(order.due_at)}）"
        note = f"{reached}，已邮件提醒{told}。" if to else f"{reached}，但{told}没有可用的电子邮箱。"
        services._event(order, Action.REMIND, None, order.state, now, note=note)
        if to:
            notify.reminder(order, level, to)
    return to


def due_for_reminder(now: datetime):
    """Orders whose clock runs and that reached at least the warning time, not yet escalated."""
    return (
        WorkOrder.objects.filter(state__in=CLOCK_STATES)
        .filter(Q(warn_at__lte=now) | Q(due_at__lte=now))
        .exclude(reminded_level=ESCALATED)
        .order_by("due_at", "pk")
    )


def sweep(now: datetime) -> Counter:
    """Send every reminder due at `now`, one per order and level; returns how many of each level."""
    plan = deadlines.schedule()
    sent: Counter = Counter()
    for pk in list(due_for_reminder(now).values_list("pk", flat=True)):
        with transaction.atomic():
            order = (
                WorkOrder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, state__in=CLOCK_STATES)
                .select_related("site", "kind", "assignee")
                .first()
            )
            if order is None:
                continue  # another sweep holds it, or it moved on meanwhile
            level = stage(order, now, plan)
            if RANK.get(level, 0) <= RANK.get(order.reminded_level, 0):
                continue
            remind(order, level, now)
            sent[level] += 1
    return sent
