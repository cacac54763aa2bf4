"""A letter's deadlines and how late it is, on its own working calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from huimin.workdays.queries import schedule_for
from huimin.workdays.working_time import Schedule, add_working_time

from .enums import VETO_DAYS, WARNING_SHARE, Kind, Level, State
from .models import Letter, TimeLimitRule

DEFAULTS = {"dispatch_hours": Decimal(1), "accept_hours": Decimal(1), "reply_days": Decimal(5)}
SERIOUS_SHARE = 2.0  # past twice its time limit, a late letter is seriously overdue
# The states in which a letter waits for someone on the platform (a clock may be running).
WAITING_STATES = (State.SUBMITTED, State.RETURNED, State.DISPATCHED, State.ACCEPTED, State.AWAITING_INFO)


def rule_for(kind: str) -> TimeLimitRule:
    return TimeLimitRule.objects.filter(kind=kind).first() or TimeLimitRule(kind=kind, **DEFAULTS)


def reply_limit(schedule: Schedule, rule: TimeLimitRule, simple: bool) -> timedelta:
    days = rule.simple_reply_days if simple and rule.simple_reply_days is not None else rule.reply_days
    return schedule.day_length * float(days)


def refresh(letter: Letter, schedule: Schedule | None = None) -> Letter:
    """Recompute the deadlines from their inputs (received, dispatched, limits, extension, pauses), and the
    warning, due and serious moments of the stage the letter waits in now."""
    schedule = schedule or schedule_for(letter.calendar)
    rule = rule_for(letter.kind)
    letter.dispatch_due = add_working_time(
        schedule, letter.received_at, timedelta(hours=float(rule.dispatch_hours))
    ).due
    letter.accept_due = (
        add_working_time(schedule, letter.dispatched_at, timedelta(hours=float(rule.accept_hours))).due
        if letter.dispatched_at
        else None
    )
    if letter.paused_since is not None:
        letter.reply_due = None  # the clock stands still until the citizen answers
    else:
        total = letter.reply_limit + letter.extension + letter.paused
        letter.reply_due = add_working_time(schedule, letter.received_at, total).due
    letter.warn_at = letter.due_at = letter.serious_at = None
    start, due, limit = current_stage(letter, rule)
    if start is not None and due is not None and limit > timedelta(0):
        letter.warn_at = add_working_time(schedule, start, limit * WARNING_SHARE).due
        letter.due_at = due
        letter.serious_at = add_working_time(schedule, start, limit * SERIOUS_SHARE).due
    if letter.kind == Kind.CONSULT and letter.state in WAITING_STATES:
        veto = letter.received_at + timedelta(days=VETO_DAYS)
        letter.serious_at = min(letter.serious_at or veto, veto)
    return letter


def current_stage(letter: Letter, rule: TimeLimitRule) -> tuple[datetime | None, datetime | None, timedelta]:
    """(stage start, stage due, stage limit) of whatever the letter waits for now."""
    if letter.state in (State.SUBMITTED, State.RETURNED):
        return letter.received_at, letter.dispatch_due, timedelta(hours=float(rule.dispatch_hours))
    if letter.state == State.DISPATCHED:
        return letter.dispatched_at, letter.accept_due, timedelta(hours=float(rule.accept_hours))
    if letter.state == State.ACCEPTED:
        return letter.received_at, letter.reply_due, letter.reply_limit + letter.extension + letter.paused
    return None, None, timedelta(0)


def level(letter: Letter, now: datetime) -> str:
    """normal, warning (80 % of the stage's time used), overdue, or serious (twice the time, or a
    consultation unanswered for more than three months: the national veto line)."""
    if letter.state not in WAITING_STATES:
        return Level.NORMAL
    if letter.serious_at is not None and now >= letter.serious_at:
        return Level.SERIOUS
    if letter.due_at is not None and now > letter.due_at:
        return Level.OVERDUE
    if letter.warn_at is not None and now >= letter.warn_at:
        return Level.WARNING
    return Level.NORMAL
