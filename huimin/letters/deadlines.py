"""A letter's deadlines and how late it is, on its own working calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from huimin.workdays.queries import schedule_for
from huimin.workdays.working_time import Schedule, add_working_time, working_time_between

from .enums import VETO_DAYS, WARNING_SHARE, Kind, Level, State
from .models import Letter, TimeLimitRule

DEFAULTS = {"dispatch_hours": Decimal(1), "accept_hours": Decimal(1), "reply_days": Decimal(5)}
SERIOUS_SHARE = 2.0  # past twice its time limit, a late letter is seriously overdue


def rule_for(kind: str) -> TimeLimitRule:
    return TimeLimitRule.objects.filter(kind=kind).first() or TimeLimitRule(kind=kind, **DEFAULTS)


def reply_limit(schedule: Schedule, rule: TimeLimitRule, simple: bool) -> timedelta:
    days = rule.simple_reply_days if simple and rule.simple_reply_days is not None else rule.reply_days
    return schedule.day_length * float(days)


def refresh(letter: Letter, schedule: Schedule | None = None) -> Letter:
    """Recompute the three deadlines from their inputs (received, dispatched, limits, extension, pauses)."""
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
    return letter


def current_stage(letter: Letter) -> tuple[datetime | None, datetime | None, timedelta]:
    """(stage start, stage due, stage limit) of whatever the letter waits for now."""
    rule = rule_for(letter.kind)
    if letter.state in (State.SUBMITTED, State.RETURNED):
        return letter.received_at, letter.dispatch_due, timedelta(hours=float(rule.dispatch_hours))
    if letter.state == State.DISPATCHED:
        return letter.dispatched_at, letter.accept_due, timedelta(hours=float(rule.accept_hours))
    if letter.state in (State.ACCEPTED, State.REPLIED):
        return letter.received_at, letter.reply_due, letter.reply_limit + letter.extension + letter.paused
    return None, None, timedelta(0)


def level(letter: Letter, now: datetime, schedule: Schedule | None = None) -> str:
    """normal, warning (80 % of the time used), overdue, or serious (twice the time, or a consultation
    unanswered for more than three months: the national veto line)."""
    if letter.state not in (
        State.SUBMITTED,
        State.RETURNED,
        State.DISPATCHED,
        State.ACCEPTED,
        State.AWAITING_INFO,
    ):
        return Level.NORMAL
    if letter.kind == Kind.CONSULT and now - letter.received_at > timedelta(days=VETO_DAYS):
        return Level.SERIOUS
    start, due, limit = current_stage(letter)
    if due is None or start is None or limit <= timedelta(0):
        return Level.NORMAL
    schedule = schedule or schedule_for(letter.calendar)
    used = working_time_between(schedule, start, now) / limit
    if now > due:
        return Level.SERIOUS if used >= SERIOUS_SHARE else Level.OVERDUE
    return Level.WARNING if used >= WARNING_SHARE else Level.NORMAL
