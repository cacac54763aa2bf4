"""Which letters a member of staff sees, and the lists they work from."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import F, Q, QuerySet

from huimin.sites.enums import Role
from huimin.sites.models import Membership, OrgUnit
from huimin.workdays.queries import schedule_for
from huimin.workdays.working_time import SHANGHAI, working_time_between

from .deadlines import WAITING_STATES
from .enums import Channel, Rating, State
from .models import Letter, ReplyTemplate
from .services import UNIT_ROLES


def channel_for_token(token: str) -> str | None:
    """The intake channel whose token (HUIMIN_LETTER_TOKENS) this is, compared in constant time; None for
    an empty or unknown token."""
    for channel, expected in settings.HUIMIN_LETTER_TOKENS.items():
        if (
            token
            and expected
            and channel in Channel.values
            and hmac.compare_digest(token.encode(), expected.encode())
        ):
            return channel
    return None


def unit_from(value) -> OrgUnit | None:
    """The org unit a form or query value names by id; anything that cannot be an id names none."""
    value = str(value or "")
    ok = value.isascii() and value.isdigit() and len(value) < 10
    return OrgUnit.objects.filter(pk=int(value)).first() if ok else None


def dispatch_sites(user) -> list[int] | None:
    """The sites whose letters the user dispatches: None for all (platform administrators)."""
    if user.is_superuser:
        return None
    return list(Membership.objects.filter(user=user, role=Role.SITE_ADMIN).values_list("site_id", flat=True))


def own_units(user) -> list[int]:
    return list(
        Membership.objects.filter(user=user, role__in=UNIT_ROLES).values_list("org_unit_id", flat=True)
    )


def visible_letters(user) -> QuerySet[Letter]:
    """Letters a person may see: dispatchers their sites' (all for platform administrators), units their
    own. Everyone else: none."""
    if not user.is_authenticated:
        return Letter.objects.none()
    sites = dispatch_sites(user)
    if sites is None:
        return Letter.objects.all()
    return Letter.objects.filter(Q(site_id__in=sites) | Q(unit_id__in=own_units(user)))


def inbox(user, state: str = "") -> QuerySet[Letter]:
    """A unit's letters that still need it, soonest due first."""
    letters = Letter.objects.filter(unit_id__in=own_units(user))
    letters = (
        letters.filter(state=state)
        if state in State.values
        else letters.filter(state__in=(State.DISPATCHED, State.ACCEPTED, State.AWAITING_INFO, State.REPLIED))
    )
    return letters.select_related("unit", "site", "calendar").order_by(
        F("due_at").asc(nulls_last=True), "received_at"
    )


def board(user, now: datetime) -> QuerySet[Letter]:
    """The dispatcher's board: letters to dispatch, letters late or about to be, and unsatisfied answers."""
    letters = Letter.objects.all()
    sites = dispatch_sites(user)
    if sites is not None:
        letters = letters.filter(site_id__in=sites)
    return (
        letters.filter(
            Q(state__in=(State.SUBMITTED, State.RETURNED))
            | Q(state__in=WAITING_STATES, warn_at__lte=now)
            | Q(state__in=(State.PUBLISHED, State.CLOSED), rating=Rating.UNSATISFIED)
        )
        .select_related("unit", "site", "calendar", "chosen_unit")
        .order_by(F("due_at").asc(nulls_last=True), "received_at")
    )


def templates_for(letter: Letter) -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(Q(unit__isnull=True) | Q(unit_id=letter.unit_id))


# --- public disclosure and statistics -----------------------------------------------------------------


def published(site, unit_id: int | None = None) -> QuerySet[Letter]:
    """A site's published letters (答复 given, reviewed, allowed by the citizen), newest answers first."""
    letters = Letter.objects.filter(site=site, state=State.PUBLISHED, replied_at__isnull=False)
    if unit_id is not None:
        letters = letters.filter(reply_unit_id=unit_id)
    return letters.select_related("reply_unit").order_by("-published_at", "-pk")


@dataclass(frozen=True)
class MonthFigures:
    year: int
    month: int
    received: int
    answered: int
    on_time: int
    average_hours: float | None
    rated: int
    satisfied: int

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.answered if self.answered else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def monthly_figures(site, unit_id: int | None, year: int, month: int) -> MonthFigures:
    """Letters received on a site (and answered by a unit) in one month: how many were answered, on time,
    in how many working hours on average, and how satisfied the writers were (满意 + 基本满意 of those
    who rated)."""
    start = datetime(year, month, 1, tzinfo=SHANGHAI)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI)
    letters = Letter.objects.filter(site=site, received_at__gte=start, received_at__lt=end).exclude(
        state__in=(State.INVALID, State.DUPLICATE)
    )
    if unit_id is not None:
        letters = letters.filter(unit_id=unit_id)
    received = answered = on_time = rated = satisfied = 0
    hours = []
    schedules = {}
    for letter in letters.select_related("calendar"):
        received += 1
        if letter.replied_at is None:
            continue
        answered += 1
        if letter.reply_due is None or letter.replied_at <= letter.reply_due:
            on_time += 1
        schedule = schedules.setdefault(letter.calendar_id, schedule_for(letter.calendar))
        spent = working_time_between(schedule, letter.received_at, letter.replied_at) - letter.paused
        hours.append(max(spent.total_seconds(), 0) / 3600)
        if letter.rating:
            rated += 1
            satisfied += letter.rating in (Rating.SATISFIED, Rating.BASICALLY)
    average = round(sum(hours) / len(hours), 1) if hours else None
    return MonthFigures(year, month, received, answered, on_time, average, rated, satisfied)


def months_with_letters(site, now: datetime) -> list[tuple[int, int]]:
    """Every month from the site's first letter to now, newest first."""
    first = (
        Letter.objects.filter(site=site).order_by("received_at").values_list("received_at", flat=True).first()
    )
    if first is None:
        return []
    first, now = first.astimezone(SHANGHAI), now.astimezone(SHANGHAI)
    months, year, month = [], now.year, now.month
    while (year, month) >= (first.year, first.month):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months
