"""Reads of 运维责任: who may see which site's screens, the responsibility list of a site's columns, and the
days of 值班读网 — on the working calendar, as they stand at `now`."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Min, QuerySet
from django.utils import timezone
from wagtail.models import Page, Site

from huimin.sites.enums import SITE_ROLES, Role
from huimin.sites.models import ColumnPage, Membership, SiteIdentity
from huimin.sites.queries import newest_item_dates
from huimin.workdays.enums import WEEKDAY_NAMES, DayKind
from huimin.workdays.queries import CalendarNotFound, default_calendar, schedule_for
from huimin.workdays.working_time import Schedule, parse_periods

from . import rules
from .enums import ATTENTION_STATES, ColumnState, DayState
from .models import DutyReading, DutyRoster

# Who sees what: the responsibility list is for a site's editors and administrators, the duty screens for
# everyone with a role on the site (any of them may be on the roster), arranging the roster for its
# administrators. The platform administrator (a superuser) sees every site.
RESPONSIBILITY_ROLES = (Role.EDITOR, Role.SITE_ADMIN)
DUTY_ROLES = tuple(SITE_ROLES)
ARRANGE_ROLES = (Role.SITE_ADMIN,)


def _site_ids(user, roles) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, role__in=roles, site__isnull=False).values_list(
            "site_id", flat=True
        )
    )


def _sites(user, roles) -> QuerySet[Site]:
    sites = Site.objects.order_by("pk")
    if user.is_authenticated and user.is_superuser:
        return sites
    return sites.filter(pk__in=_site_ids(user, roles))


def responsibility_sites(user) -> QuerySet[Site]:
    return _sites(user, RESPONSIBILITY_ROLES)


def duty_sites(user) -> QuerySet[Site]:
    return _sites(user, DUTY_ROLES)


def arrange_sites(user) -> QuerySet[Site]:
    return _sites(user, ARRANGE_ROLES)


def may_arrange(user, site: Site) -> bool:
    return user.is_authenticated and (user.is_superuser or site.pk in _site_ids(user, ARRANGE_ROLES))


def may_record(user, site: Site) -> bool:
    return user.is_authenticated and (user.is_superuser or site.pk in _site_ids(user, DUTY_ROLES))


def uses_operations(user) -> bool:
    """Whether the 运维责任 menu is offered: to the platform administrator and anyone with a site role."""
    return user.is_authenticated and (user.is_superuser or bool(_site_ids(user, DUTY_ROLES)))


def site_names(site_ids=None) -> dict[int, str]:
    """Each site's own name (网站名称), its hostname when it has no identity."""
    sites = Site.objects.all() if site_ids is None else Site.objects.filter(pk__in=list(site_ids))
    names = {site.pk: site.hostname for site in sites}
    identities = SiteIdentity.objects.filter(site_id__in=list(names)).values_list("site_id", "site_name")
    names.update({site_id: name for site_id, name in identities if name})
    return names


def person_label(user) -> str:
    if user is None:
        return ""
    name = user.get_full_name().strip()
    return f"{name}（{user.get_username()}）" if name else user.get_username()


def site_people(site: Site) -> QuerySet:
    """The people who may be on a site's duty roster: active accounts holding a role on that site."""
    holders = Membership.objects.filter(site=site, role__in=DUTY_ROLES).values("user_id")
    return get_user_model().objects.filter(pk__in=holders, is_active=True).order_by("username")


def schedule() -> Schedule:
    """The default working calendar's schedule; Monday to Friday with no holidays when there is none."""
    try:
        return schedule_for(default_calendar())
    except CalendarNotFound:
        return Schedule(periods=parse_periods("08:30-12:00,14:00-17:30"))


def day_label(schedule_: Schedule, day: date) -> str:
    """“周一”, or the holiday's or make-up day's name from the calendar (“国庆节”, “国庆节调休”)."""
    kind, name = schedule_.days.get(day, (None, ""))
    if kind in (DayKind.HOLIDAY, DayKind.WORKDAY) and name:
        return f"{WEEKDAY_NAMES[day.weekday()]}（{name}）"
    return WEEKDAY_NAMES[day.weekday()]


# --- the responsibility list ------------------------------------------------------------------------------


@dataclass
class ColumnRow:
    column: ColumnPage
    trail: str  # the column's title after its parent columns' (“政务公开 › 政策文件”)
    depth: int  # 0 for a first-level column
    newest: datetime | None
    due: date | None
    days_left: int | None
    state: ColumnState
    missing: list[str] = field(default_factory=list)

    @property
    def attention(self) -> bool:
        return self.state in ATTENTION_STATES

    @property
    def days_over(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


STATE_FILTERS = [
    *((state.value, state.label) for state in ColumnState),
    ("attention", "需处理（已超期、无内容、即将到期）"),
    ("missing", "责任信息不全"),
]


def missing_fields(column: ColumnPage) -> list[str]:
    found = []
    if not (column.responsible_person or "").strip():
        found.append("无责任人")
    if not (column.responsible_phone or "").strip():
        found.append("无电话")
    if not (column.quality_requirement or "").strip():
        found.append("未填内容质量要求")
    return found


def column_state(newest: datetime | None, cycle_days: int, now: datetime, warning=None):
    """(state, due date, days left) of a column whose newest item is `newest`: due `cycle_days` after the
    day of the newest item, 已超期 from the day after, 即将到期 from the data's warning days before."""
    if newest is None:
        return ColumnState.EMPTY, None, None
    warning = warning or rules.warning()
    due = timezone.localtime(newest).date() + timedelta(days=cycle_days)
    left = (due - timezone.localtime(now).date()).days
    if left < 0:
        return ColumnState.OVERDUE, due, left
    if left <= warning.days_before(cycle_days):
        return ColumnState.DUE_SOON, due, left
    return ColumnState.NORMAL, due, left


def site_columns(site: Site) -> QuerySet[ColumnPage]:
    root = site.root_page
    return (
        ColumnPage.objects.live()
        .filter(path__startswith=root.path, depth__gt=root.depth)
        .select_related("responsible_unit", "column_type")
        .order_by("path")
    )


def responsibility_rows(site: Site, now: datetime, state: str = "") -> list[ColumnRow]:
    """Every live column of the site in tree order, with its responsibility, last update and next due date,
    in a constant few queries (`newest_item_dates`)."""
    warning = rules.warning()
    columns = list(site_columns(site))
    newest_of = newest_item_dates(site, columns, now)
    titles = {column.path: column.title for column in columns}
    top_depth = min((column.depth for column in columns), default=0)
    rows = []
    for column in columns:
        parents = [
            titles[column.path[:end]]
            for end in range(Page.steplen, len(column.path), Page.steplen)
            if column.path[:end] in titles
        ]
        newest = newest_of[column.pk]
        column_state_, due, left = column_state(newest, column.cycle_days, now, warning)
        rows.append(
            ColumnRow(
                column=column,
                trail=" › ".join([*parents, column.title]),
                depth=column.depth - top_depth,
                newest=newest,
                due=due,
                days_left=left,
                state=column_state_,
                missing=missing_fields(column),
            )
        )
    return filter_rows(rows, state)


def filter_rows(rows: list[ColumnRow], state: str) -> list[ColumnRow]:
    if state == "attention":
        return [row for row in rows if row.attention]
    if state == "missing":
        return [row for row in rows if row.missing]
    if state in ColumnState.values:
        return [row for row in rows if row.state == state]
    return rows


def state_counts(rows: list[ColumnRow]) -> dict[str, int]:
    counts = {state.value: 0 for state in ColumnState}
    for row in rows:
        counts[row.state] += 1
    counts["missing"] = sum(bool(row.missing) for row in rows)
    return counts


# --- 值班读网 ---------------------------------------------------------------------------------------------


def today(now: datetime) -> date:
    return timezone.localtime(now).date()


def first_roster_days(site_ids) -> dict[int, date]:
    """The first day each site had someone on duty: 值班读网 counts from then on."""
    found = (
        DutyRoster.objects.filter(site_id__in=list(site_ids))
        .values("site_id")
        .annotate(first=Min("day"))
        .values_list("site_id", "first")
    )
    return dict(found)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def missed_days(site_ids, start: date, end: date, now: datetime, schedule_: Schedule | None = None):
    """For each site that has started 值班读网 (has a roster), the working days from `start` to `end`
    (both included; never today or later, today may still be recorded) with no reading recorded, counted
    from the site's first day on the roster. Sites that never had a roster are left out."""
    site_ids = list(site_ids)
    schedule_ = schedule_ or schedule()
    last = min(end, today(now) - timedelta(days=1))
    firsts = first_roster_days(site_ids)
    read = set(
        DutyReading.objects.filter(site_id__in=site_ids, day__gte=start, day__lte=last)
        .values_list("site_id", "day")
        .distinct()
    )
    missed = {}
    for site_id in site_ids:
        first = firsts.get(site_id)
        if first is None:
            continue
        missed[site_id] = [
            day
            for day in _days(max(start, first), last)
            if schedule_.is_working_day(day) and (site_id, day) not in read
        ]
    return missed


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, month_calendar.monthrange(year, month)[1])


@dataclass
class DayRow:
    day: date
    label: str  # 周一 / 周四（国庆节）
    working: bool
    state: DayState
    on_duty: DutyRoster | None
    readings: list[DutyReading]


def month_days(site: Site, year: int, month: int, now: datetime) -> list[DayRow]:
    """Every day of a month for a site: who was on duty, what was recorded, and the day's state."""
    schedule_ = schedule()
    start, end = month_bounds(year, month)
    today_ = today(now)
    first = first_roster_days([site.pk]).get(site.pk)
    roster = {
        entry.day: entry
        for entry in DutyRoster.objects.filter(site=site, day__gte=start, day__lte=end).select_related(
            "person"
        )
    }
    readings: dict[date, list[DutyReading]] = {}
    found = (
        DutyReading.objects.filter(site=site, day__gte=start, day__lte=end)
        .select_related("person")
        .prefetch_related("work_orders")
    )
    for reading in found:
        readings.setdefault(reading.day, []).append(reading)
    rows = []
    for day in _days(start, end):
        working = schedule_.is_working_day(day)
        if readings.get(day):
            state = DayState.RECORDED
        elif day > today_:
            state = DayState.FUTURE if working else DayState.REST
        elif not working:
            state = DayState.REST
        elif day == today_:
            state = DayState.TODAY
        elif first is None or day < first:
            state = DayState.NOT_STARTED
        else:
            state = DayState.MISSED
        rows.append(
            DayRow(day, day_label(schedule_, day), working, state, roster.get(day), readings.get(day, []))
        )
    return rows


def unrecorded_duty_today(user, now: datetime) -> list[DutyRoster]:
    """The sites this person is on duty for today that have no reading recorded yet today."""
    if not user.is_authenticated:
        return []
    day = today(now)
    entries = list(DutyRoster.objects.filter(person=user, day=day).order_by("site_id"))
    read = set(
        DutyReading.objects.filter(site_id__in=[e.site_id for e in entries], day=day).values_list(
            "site_id", flat=True
        )
    )
    return [entry for entry in entries if entry.site_id not in read]


def open_orders(site: Site):
    """The site's work orders still open, which a reading may name."""
    from huimin.workorders.enums import OPEN_STATES
    from huimin.workorders.models import WorkOrder

    return WorkOrder.objects.filter(site=site, state__in=OPEN_STATES).order_by("-submitted_at", "-pk")
