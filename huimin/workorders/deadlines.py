"""A work order's time limit over working time on the working calendar (the engine the letters use): the
limit of its kind and priority, run from `clock_from` (submission or the last reopening); warning once 80 %
of it is used, overdue past it."""

from __future__ import annotations

from datetime import datetime, timedelta

from huimin.workdays.queries import default_calendar, schedule_for
from huimin.workdays.working_time import Schedule, add_working_time

from .enums import CLOCK_STATES, Level
from .models import WorkOrder

WARNING_SHARE = 0.8


def schedule() -> Schedule:
    return schedule_for(default_calendar())


def limit(order: WorkOrder) -> timedelta:
    return timedelta(hours=float(order.kind.limit_hours(order.priority)))


def refresh(order: WorkOrder, plan: Schedule | None = None) -> WorkOrder:
    """Set `warn_at` and `due_at` from the kind, the priority and `clock_from` (not saved)."""
    plan = plan or schedule()
    span = limit(order)
    order.warn_at = add_working_time(plan, order.clock_from, span * WARNING_SHARE).due
    order.due_at = add_working_time(plan, order.clock_from, span).due
    return order


def level(order: WorkOrder, now: datetime) -> str:
    """normal, warning or overdue, for an order whose clock runs; otherwise normal."""
    if order.state not in CLOCK_STATES or order.due_at is None:
        return Level.NORMAL
    if now > order.due_at:
        return Level.OVERDUE
    if order.warn_at is not None and now >= order.warn_at:
        return Level.WARNING
    return Level.NORMAL
