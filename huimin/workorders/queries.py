"""Reads of 网站工单: who may do what (the services check the same predicates before every step), which
orders a person sees, the list with its filters, what waits for a person, and the platform team's board.

Scoping: platform admins see every order; a site's 站点管理员 the orders of their sites; a unit's staff (any
site role) their units' orders; an assignee the orders assigned to them; a requester their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from wagtail.models import Site

from huimin.sites.enums import SITE_ROLES, Role
from huimin.sites.models import Membership, OrgUnit, SiteIdentity
from huimin.workdays.working_time import Schedule, working_time_between

from . import deadlines
from .enums import CLOCK_STATES, EDITABLE_STATES, OPEN_STATES, Assignee, Level, Source, State
from .models import VendorAccount, WorkOrder, WorkOrderFile, WorkOrderKind

SEARCH_LIMIT = 50
DISPATCH_FROM = (State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS)
FIX_FROM = (State.DISPATCHED, State.IN_PROGRESS)

# ---------------------------------------------------------------------------------------------------------
# Who may act


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_platform(user) -> bool:
    return _active(user) and user.is_superuser


def admin_site_ids(user) -> set[int]:
    """The sites where the person is 站点管理员."""
    if not _active(user):
        return set()
    return set(
        Membership.objects.filter(user=user, role=Role.SITE_ADMIN, site__isnull=False).values_list(
            "site_id", flat=True
        )
    )


def unit_ids(user) -> set[int]:
    """The units the person works for on some site."""
    if not _active(user):
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=SITE_ROLES, site__isnull=False).values_list(
            "org_unit_id", flat=True
        )
    )


def _posts(user) -> set[tuple[int, int]]:
    """(site, unit) of each site role the person holds."""
    if not _active(user):
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=SITE_ROLES, site__isnull=False).values_list(
            "site_id", "org_unit_id"
        )
    )


def uses_workorders(user) -> bool:
    """Anyone with a role on a site, the platform team, and active vendor accounts."""
    if not _active(user):
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(user=user, role__in=SITE_ROLES, site__isnull=False).exists()
        or VendorAccount.objects.filter(user=user, active=True).exists()
    )


def may_review(user, order: WorkOrder) -> bool:
    """审核 (accept, return, merge): the site's 站点管理员 or a platform admin."""
    return is_platform(user) or order.site_id in admin_site_ids(user)


def may_dispatch(user) -> bool:
    return is_platform(user)


def is_reviewer(user) -> bool:
    return is_platform(user) or bool(admin_site_ids(user))


def is_colleague(user, order: WorkOrder) -> bool:
    """A person with a site role on the order's site in the order's unit."""
    return (order.site_id, order.unit_id) in _posts(user)


def is_requester_side(user, order: WorkOrder) -> bool:
    return _active(user) and (order.requester_id == user.pk or is_colleague(user, order))


def from_findings(order: WorkOrder) -> bool:
    return order.source != Source.MANUAL


def may_edit(user, order: WorkOrder) -> bool:
    return not from_findings(order) and is_requester_side(user, order)


def may_confirm(user, order: WorkOrder) -> bool:
    """Confirm or reopen a fixed order: the requester's side; the reviewers for orders from findings."""
    return may_review(user, order) if from_findings(order) else is_requester_side(user, order)


def may_withdraw(user, order: WorkOrder) -> bool:
    return may_review(user, order) if from_findings(order) else is_requester_side(user, order)


def is_assignee(user, order: WorkOrder) -> bool:
    return _active(user) and order.assignee_id is not None and order.assignee_id == user.pk


def may_add_files(user, order: WorkOrder, role: str) -> bool:
    if role == WorkOrderFile.Role.FIX:
        return is_assignee(user, order) and order.state in (*FIX_FROM, State.FIXED)
    if order.state not in OPEN_STATES:
        return False
    return is_requester_side(user, order) or may_review(user, order)


def site_unit(site: Site) -> OrgUnit | None:
    identity = SiteIdentity.objects.filter(site=site).select_related("org_unit").first()
    return identity.org_unit if identity is not None else None


def submit_sites(user) -> QuerySet[Site]:
    """The sites the person may submit orders for."""
    if is_platform(user):
        return Site.objects.order_by("hostname")
    if not _active(user):
        return Site.objects.none()
    ids = Membership.objects.filter(user=user, role__in=SITE_ROLES, site__isnull=False).values("site_id")
    return Site.objects.filter(pk__in=ids).order_by("hostname")


def submit_unit(user, site: Site) -> OrgUnit | None:
    """The unit an order of this person on this site belongs to; None when they may not submit there."""
    if not _active(user):
        return None
    membership = (
        Membership.objects.filter(user=user, site=site, role__in=SITE_ROLES)
        .select_related("org_unit")
        .order_by("pk")
        .first()
    )
    if membership is not None:
        return membership.org_unit
    return site_unit(site) if user.is_superuser else None


def may_dispatch_to(assignee_kind: str, assignee) -> bool:
    if not _active(assignee):
        return False
    if assignee_kind == Assignee.PLATFORM:
        return assignee.is_superuser
    if assignee_kind == Assignee.VENDOR:
        return VendorAccount.objects.filter(user=assignee, active=True).exists()
    return False


def available_actions(user, order: WorkOrder) -> list[str]:
    """The steps this person may take on the order as it stands (the services check again)."""
    state, found = order.state, []
    reviewer = may_review(user, order)
    if reviewer and state == State.SUBMITTED:
        found += ["accept", "return"]
    if reviewer and state in (State.SUBMITTED, State.ACCEPTED):
        found.append("merge")
    if may_dispatch(user) and state in DISPATCH_FROM:
        found.append("dispatch")
    if is_assignee(user, order):
        if state == State.DISPATCHED:
            found.append("start")
        if state in FIX_FROM:
            found.append("fix")
    if state == State.FIXED and may_confirm(user, order):
        found += ["confirm", "reopen"]
    if may_withdraw(user, order) and state in (OPEN_STATES if from_findings(order) else EDITABLE_STATES):
        found.append("withdraw")
    if may_add_files(user, order, WorkOrderFile.Role.FIX):
        found.append("attach_fix")
    elif may_add_files(user, order, WorkOrderFile.Role.REQUEST) and not (
        may_edit(user, order) and state in EDITABLE_STATES  # 修改 takes files too
    ):
        found.append("attach")
    return found


def assignee_choices() -> list[tuple[str, str]]:
    """Who an order may be dispatched to: `platform:<user id>` or `vendor:<user id>`, with a label."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(is_active=True, is_superuser=True).order_by("username")
    choices = [
        (f"{Assignee.PLATFORM}:{user.pk}", f"平台运维团队：{user.get_full_name() or user.get_username()}")
        for user in people
    ]
    vendors = VendorAccount.objects.filter(active=True, user__is_active=True).select_related("user")
    choices += [(f"{Assignee.VENDOR}:{vendor.user_id}", f"外包服务商：{vendor}") for vendor in vendors]
    return choices


# ---------------------------------------------------------------------------------------------------------
# Which orders


def visible_orders(user) -> QuerySet[WorkOrder]:
    if not _active(user):
        return WorkOrder.objects.none()
    if user.is_superuser:
        return WorkOrder.objects.all()
    return WorkOrder.objects.filter(
        Q(unit_id__in=unit_ids(user))
        | Q(site_id__in=admin_site_ids(user))
        | Q(assignee=user)
        | Q(requester=user)
    )


def _posts_q(user) -> Q:
    query = Q(pk__in=[])
    for site_id, unit_id in _posts(user):
        query |= Q(site_id=site_id, unit_id=unit_id)
    return query


def awaiting_q(user) -> Q:
    """The orders waiting for this person's step now: to review, to dispatch, to handle, to confirm, or
    returned to change."""
    if not _active(user):
        return Q(pk__in=[])
    own = (Q(requester=user) | _posts_q(user)) & Q(source=Source.MANUAL)
    query = Q(state__in=FIX_FROM, assignee=user) | (Q(state__in=(State.FIXED, State.RETURNED)) & own)
    if user.is_superuser:
        reviewer_sites = Q()
        query |= Q(state=State.ACCEPTED)
    else:
        sites = admin_site_ids(user)
        if not sites:
            return query
        reviewer_sites = Q(site_id__in=sites)
    return (
        query
        | (Q(state=State.SUBMITTED) & reviewer_sites)
        | (Q(state=State.FIXED) & ~Q(source=Source.MANUAL) & reviewer_sites)
    )


def level_q(level: str, now: datetime) -> Q:
    """The orders at `level` (as `deadlines.level` computes it) at `now`."""
    running = Q(state__in=CLOCK_STATES, due_at__isnull=False)
    overdue = running & Q(due_at__lt=now)
    warning = running & Q(warn_at__lte=now, due_at__gte=now)
    if level == Level.OVERDUE:
        return overdue
    if level == Level.WARNING:
        return warning
    return ~(overdue | warning)


def _number(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _search(value) -> str:
    text = "".join(c for c in str(value or "") if c.isprintable())
    return " ".join(text.split())[:SEARCH_LIMIT]


@dataclass
class Filters:
    state: str = ""
    kind: str = ""
    level: str = ""
    site: int | None = None
    unit: int | None = None
    q: str = ""
    todo: bool = False

    @classmethod
    def from_query(cls, params) -> Filters:
        state, level, kind = params.get("state", ""), params.get("level", ""), str(params.get("kind", ""))
        return cls(
            state=state if state in State.values or state == "open" else "",
            kind=kind if kind.isascii() and kind.replace("-", "").replace("_", "").isalnum() else "",
            level=level if level in Level.values else "",
            site=_number(params.get("site")),
            unit=_number(params.get("unit")),
            q=_search(params.get("q")),
            todo=params.get("todo") == "1",
        )

    def as_params(self) -> dict:
        params = {
            "state": self.state,
            "kind": self.kind[:30],
            "level": self.level,
            "site": self.site or "",
            "unit": self.unit or "",
            "q": self.q,
            "todo": "1" if self.todo else "",
        }
        return {key: value for key, value in params.items() if value}


def listing(user, filters: Filters, now: datetime) -> QuerySet[WorkOrder]:
    """The person's orders, filtered; open ones first, the soonest due first, then the newest."""
    orders = visible_orders(user)
    if filters.state == "open":
        orders = orders.filter(state__in=OPEN_STATES)
    elif filters.state:
        orders = orders.filter(state=filters.state)
    if filters.kind:
        orders = orders.filter(kind__code=filters.kind)
    if filters.level:
        orders = orders.filter(level_q(filters.level, now))
    if filters.site:
        orders = orders.filter(site_id=filters.site)
    if filters.unit:
        orders = orders.filter(unit_id=filters.unit)
    if filters.q:
        orders = orders.filter(Q(number__icontains=filters.q) | Q(title__icontains=filters.q))
    if filters.todo:
        orders = orders.filter(awaiting_q(user))
    return ordered(orders)


def ordered(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    return (
        orders.select_related("site", "unit", "kind", "assignee")
        .annotate(
            open_rank=Case(
                When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("open_rank", F("due_at").asc(nulls_last=True), "-submitted_at", "-pk")
    )


def site_choices(user) -> QuerySet[Site]:
    """The sites the person may filter the list by."""
    if is_platform(user):
        return Site.objects.order_by("hostname")
    ids = visible_orders(user).values("site_id")
    return Site.objects.filter(pk__in=ids).order_by("hostname")


def unit_choices(user) -> QuerySet[OrgUnit]:
    ids = visible_orders(user).values("unit_id")
    return OrgUnit.objects.filter(pk__in=ids).order_by("sort_order", "name")


def kind_choices() -> QuerySet[WorkOrderKind]:
    return WorkOrderKind.objects.all()


# ---------------------------------------------------------------------------------------------------------
# Rows as the screens show them


def _span_words(span: timedelta, day: timedelta) -> str:
    hours = span.total_seconds() / 3600
    day_hours = day.total_seconds() / 3600 if day else 0
    if day_hours and hours >= day_hours:
        return f"{hours / day_hours:.1f} 个工作日".replace(".0 ", " ")
    if hours < 1:
        return f"{max(1, round(hours * 60))} 分钟"
    return f"{hours:.1f} 小时".replace(".0 ", " ")


@dataclass
class Row:
    order: WorkOrder
    level: Level
    left_label: str = ""
    running: bool = False


def rows(orders, now: datetime, plan: Schedule | None = None) -> list[Row]:
    """Each order with its level and the working time left (or past its limit) in words."""
    found = []
    for order in orders:
        running = order.state in CLOCK_STATES and order.due_at is not None
        left = ""
        if running:
            plan = plan or deadlines.schedule()
            if now <= order.due_at:
                left = "剩余 " + _span_words(working_time_between(plan, now, order.due_at), plan.day_length)
            else:
                left = "已超期 " + _span_words(working_time_between(plan, order.due_at, now), plan.day_length)
        found.append(Row(order, Level(deadlines.level(order, now)), left, running))
    return found


# ---------------------------------------------------------------------------------------------------------
# The platform team's board and the summaries of the 工作台


@dataclass
class Board:
    counts: dict = field(default_factory=dict)  # Level -> number of open orders whose clock runs
    states: list = field(default_factory=list)  # (State, count) of the open states
    overdue: list = field(default_factory=list)  # Rows
    warning: list = field(default_factory=list)
    units: list = field(default_factory=list)  # (unit name, overdue, warning, open)
    total: int = 0


BOARD_ROWS = 200


def board(now: datetime) -> Board:
    """督办: every open order of the group, by level; the late and nearly late ones listed, soonest first."""
    open_orders = WorkOrder.objects.filter(state__in=OPEN_STATES)
    result = Board(total=open_orders.count())
    for level in Level:
        result.counts[level] = open_orders.filter(level_q(level, now)).count()
    by_state = dict.fromkeys(OPEN_STATES, 0)
    for state in open_orders.values_list("state", flat=True):
        by_state[state] += 1
    result.states = [(State(state), count) for state, count in by_state.items()]
    plan = deadlines.schedule()
    result.overdue = rows(ordered(open_orders.filter(level_q(Level.OVERDUE, now)))[:BOARD_ROWS], now, plan)
    result.warning = rows(ordered(open_orders.filter(level_q(Level.WARNING, now)))[:BOARD_ROWS], now, plan)
    per_unit: dict[str, list[int]] = {}
    for order in open_orders.select_related("unit"):
        counts = per_unit.setdefault(order.unit.name, [0, 0, 0])
        level = deadlines.level(order, now)
        counts[0] += level == Level.OVERDUE
        counts[1] += level == Level.WARNING
        counts[2] += 1
    result.units = sorted(
        ((name, *counts) for name, counts in per_unit.items()), key=lambda row: (-row[1], -row[2], row[0])
    )
    return result


def unit_orders(unit: OrgUnit, now: datetime) -> list[Row]:
    """A unit's open orders, soonest due first (the 本单位工单 list)."""
    return rows(ordered(WorkOrder.objects.filter(unit=unit, state__in=OPEN_STATES)), now)


def summary(orders: QuerySet[WorkOrder], now: datetime) -> dict:
    """Counts for a panel: open, warning, overdue."""
    open_orders = orders.filter(state__in=OPEN_STATES)
    return {
        "open": open_orders.count(),
        Level.WARNING: open_orders.filter(level_q(Level.WARNING, now)).count(),
        Level.OVERDUE: open_orders.filter(level_q(Level.OVERDUE, now)).count(),
    }
