"""Which letters a member of staff sees, and the lists they work from."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q, QuerySet

from huimin.sites.enums import Role
from huimin.sites.models import Membership

from .deadlines import WAITING_STATES
from .enums import Rating, State
from .models import Letter, ReplyTemplate
from .services import UNIT_ROLES


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
    return letters.select_related("unit", "site").order_by(F("due_at").asc(nulls_last=True), "received_at")


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
        .select_related("unit", "site")
        .order_by(F("due_at").asc(nulls_last=True), "received_at")
    )


def templates_for(letter: Letter) -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(Q(unit__isnull=True) | Q(unit_id=letter.unit_id))
