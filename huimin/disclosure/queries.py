"""Which applications for government information a member of staff sees, the lists they work from, and the
time-limit level of each as the admin shows it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from huimin.sites.models import Membership, OrgUnit
from huimin.workdays.models import WorkCalendar
from huimin.workdays.queries import schedule_for
from huimin.workdays.working_time import Schedule, add_working_days

from . import services
from .enums import FINAL_STATES, RUNNING_STATES, WARNING_DAYS, Level, State
from .models import Application

BOARD_PERMISSION = "huimin_disclosure.view_disclosure_board"


def staff_units(user) -> list[int] | None:
    """The units whose applications the person handles (message handler or unit reviewer); None for all
    (platform administrators); [] for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    return sorted(
        set(
            Membership.objects.filter(user=user, role__in=services.STAFF_ROLES).values_list(
                "org_unit_id", flat=True
            )
        )
    )


def is_disclosure_staff(user) -> bool:
    """Whether the person works 依申请公开 at all (the menu item, the list, the 工作台 panel)."""
    units = staff_units(user)
    return units is None or bool(units)


def may_see_board(user) -> bool:
    """督办: the platform team, by permission (superusers have every permission)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(BOARD_PERMISSION)


def visible_applications(user) -> QuerySet[Application]:
    """The applications a person may see: platform administrators all; the staff of a unit (message
    handler or unit reviewer, on any site) their units'; everyone else none."""
    units = staff_units(user)
    if units is None:
        return Application.objects.all()
    return Application.objects.filter(unit_id__in=units)


def units_of(user) -> QuerySet[OrgUnit]:
    """The units a person may filter the list by."""
    units = staff_units(user)
    scope = OrgUnit.objects.filter(disclosure_applications__isnull=False).distinct()
    return scope if units is None else OrgUnit.objects.filter(pk__in=units)


def unit_from(value) -> int | None:
    """The org unit id a query value names; anything that cannot be an id names none."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


# --- levels in the database ----------------------------------------------------------------------------


def _today(now: datetime) -> date:
    return services.today(now)


def _warning_end(plan: Schedule, day: date) -> date:
    """The first day whose time limit is no longer near: `days_left` is WARNING_DAYS or fewer for every
    due date before it."""
    return add_working_days(plan, day, WARNING_DAYS + 1)


def level_q(level: str, now: datetime) -> Q:
    """A filter for the applications at `level` (as `services.level` computes it) at `now`, per calendar."""
    day = _today(now)
    running = Q(state__in=RUNNING_STATES, due_on__isnull=False)
    overdue = running & Q(due_on__lt=day)
    warning = Q(pk__in=[])
    calendars = Application.objects.filter(running).values_list("calendar_id", flat=True).distinct()
    for calendar in WorkCalendar.objects.filter(pk__in=list(calendars)):
        end = _warning_end(schedule_for(calendar), day)
        warning |= running & Q(calendar_id=calendar.pk, due_on__gte=day, due_on__lt=end)
    if level == Level.OVERDUE:
        return overdue
    if level == Level.WARNING:
        return warning
    return ~(overdue | warning)


@dataclass
class Filters:
    state: str = ""
    level: str = ""
    unit: int | None = None
    year: int | None = None
    q: str = ""

    @classmethod
    def from_query(cls, params) -> Filters:
        state = params.get("state", "")
        level = params.get("level", "")
        year = str(params.get("year", "") or "")
        code = "".join(c for c in str(params.get("q", "") or "") if c.isascii() and c.isalnum())[:12]
        return cls(
            state=state if state in State.values else "",
            level=level if level in Level.values else "",
            unit=unit_from(params.get("unit")),
            year=int(year) if year.isascii() and year.isdigit() and 2000 <= int(year) <= 2099 else None,
            q=code.upper(),
        )

    def described(self) -> dict:
        """The filters in words, for the audit log of an export."""
        words = {}
        if self.state:
            words["状态"] = State(self.state).label
        if self.level:
            words["时限"] = Level(self.level).label
        if self.unit:
            unit = OrgUnit.objects.filter(pk=self.unit).first()
            words["单位"] = unit.name if unit else str(self.unit)
        if self.year:
            words["年度"] = str(self.year)
        if self.q:
            words["查询码"] = self.q
        return words

    def as_params(self) -> dict:
        return {
            key: value
            for key, value in (
                ("state", self.state),
                ("level", self.level),
                ("unit", self.unit or ""),
                ("year", self.year or ""),
                ("q", self.q),
            )
            if value
        }


def listing(user, filters: Filters, now: datetime) -> QuerySet[Application]:
    """The list a person works from: open applications soonest due first, then the finished ones."""
    applications = visible_applications(user)
    if filters.state:
        applications = applications.filter(state=filters.state)
    if filters.level:
        applications = applications.filter(level_q(filters.level, now))
    if filters.unit:
        applications = applications.filter(unit_id=filters.unit)
    if filters.year:
        applications = applications.filter(received_on__year=filters.year)
    if filters.q:
        applications = applications.filter(query_code__icontains=filters.q)
    finished = Case(
        When(state__in=FINAL_STATES, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return (
        applications.select_related("unit", "site", "calendar")
        .annotate(finished=finished)
        .order_by(
            "finished",
            Case(When(finished=0, then=F("due_on"))).asc(nulls_last=True),
            F("closed_at").desc(nulls_last=True),
            "-submitted_at",
            "-pk",
        )
    )


def years(user) -> list[int]:
    dates = visible_applications(user).dates("received_on", "year", order="DESC")
    return [day.year for day in dates]


# --- rows as the screens show them ---------------------------------------------------------------------


@dataclass
class RowInfo:
    application: Application
    days_left: int | None
    level: Level

    @property
    def paused(self) -> bool:
        return self.application.state == State.CORRECTION

    @property
    def finished(self) -> bool:
        return self.application.state in FINAL_STATES

    @property
    def outcome_label(self) -> str:
        """For a finished application: whether it was answered in time (nothing for a withdrawn or
        abandoned one)."""
        in_time = services.answered_in_time(self.application)
        return "" if in_time is None else ("按时答复" if in_time else "逾期答复")

    @property
    def applicant(self) -> str:
        return applicant_label(self.application)

    @property
    def left_label(self) -> str:
        if self.paused:
            return "暂停计时"
        if self.days_left is None:
            return "—"
        if self.days_left < 0:
            return f"超期 {-self.days_left} 个工作日"
        return f"{self.days_left} 个工作日"


def applicant_label(application: Application) -> str:
    """The applicant as lists show them: a citizen's name masked, an organisation's name in full."""
    from . import identity
    from .enums import ApplicantType

    if application.applicant_type == ApplicantType.ORGANISATION:
        return application.name
    return identity.masked_name(application.name)


def rows(applications, now: datetime) -> list[RowInfo]:
    plans: dict[int, Schedule] = {}
    found = []
    for application in applications:
        plan = plans.get(application.calendar_id)
        if plan is None:
            plan = plans[application.calendar_id] = schedule_for(application.calendar)
        found.append(
            RowInfo(
                application,
                services.days_left(application, now, plan),
                Level(services.level(application, now, plan)),
            )
        )
    return found


# --- 督办 ---------------------------------------------------------------------------------------------


def board(now: datetime) -> QuerySet[Application]:
    """Every open application, of every unit, that is late or near its time limit, soonest due first."""
    return (
        Application.objects.filter(level_q(Level.OVERDUE, now) | level_q(Level.WARNING, now))
        .select_related("unit", "site", "calendar")
        .order_by("due_on", "submitted_at", "pk")
    )


def board_counts(applications: list[RowInfo]) -> list[tuple[OrgUnit, int, int]]:
    """(unit, overdue, near) per unit of the board, most overdue first."""
    overdue, warning, units = Counter(), Counter(), {}
    for row in applications:
        unit = row.application.unit
        units[unit.pk] = unit
        (overdue if row.level == Level.OVERDUE else warning)[unit.pk] += 1
    return sorted(
        ((units[pk], overdue[pk], warning[pk]) for pk in units),
        key=lambda item: (-item[1], -item[2], item[0].name),
    )


# --- 工作台 -------------------------------------------------------------------------------------------


def waiting_counts(user, now: datetime) -> dict[str, int]:
    """For the 工作台: the person's applications by open state, and how many are near or past the limit."""
    applications = visible_applications(user)
    states = Counter(
        applications.filter(state__in=(State.SUBMITTED, State.PROCESSING, State.REVIEW)).values_list(
            "state", flat=True
        )
    )
    return {
        State.SUBMITTED: states[State.SUBMITTED],
        State.PROCESSING: states[State.PROCESSING],
        State.REVIEW: states[State.REVIEW],
        Level.WARNING: applications.filter(level_q(Level.WARNING, now)).count(),
        Level.OVERDUE: applications.filter(level_q(Level.OVERDUE, now)).count(),
    }


def urgent(user, now: datetime, limit: int = 6) -> QuerySet[Application]:
    return (
        visible_applications(user)
        .filter(level_q(Level.OVERDUE, now) | level_q(Level.WARNING, now))
        .select_related("unit", "calendar")
        .order_by("due_on", "pk")[:limit]
    )
