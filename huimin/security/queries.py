"""Reads of the security app: who may use its screens and which sites' alerts, register entries and scans
a person sees, the quarters a site has no 应急演练 or 渗透测试 for, and what changed between two scans.

Platform administrators and security administrators (安全管理员) see every site and the external targets;
a site's administrators (站点管理员) see their own sites only; nobody else uses these screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Min, QuerySet
from django.utils import timezone
from wagtail.models import Page, Site

from huimin.inspection.models import Target
from huimin.sites.enums import Role
from huimin.sites.models import Membership

from . import rules
from .enums import ACTIVE_STATES, SEVERITY_ORDER, AlertState, CheckStatus, ExerciseKind
from .models import Alert, Exercise, ScanResult

BAD = (CheckStatus.FAIL, CheckStatus.WARN)


# --- who sees what ---------------------------------------------------------------------------------------


def sees_all(user) -> bool:
    """Platform administrators and security administrators: every site, and the external targets."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, site=None, role=Role.SECURITY_ADMIN).exists()


def admin_site_ids(user) -> set[int]:
    """The sites this person is 站点管理员 of."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, role=Role.SITE_ADMIN, site__isnull=False).values_list(
            "site_id", flat=True
        )
    )


def uses_security(user) -> bool:
    return sees_all(user) or bool(admin_site_ids(user))


def visible_sites(user) -> QuerySet[Site]:
    sites = Site.objects.select_related("root_page").order_by("-is_default_site", "hostname", "port")
    return sites if sees_all(user) else sites.filter(pk__in=admin_site_ids(user))


def visible_alerts(user) -> QuerySet[Alert]:
    found = Alert.objects.select_related("target", "site", "acknowledged_by", "resolved_by", "work_order")
    return found if sees_all(user) else found.filter(site_id__in=admin_site_ids(user))


def visible_exercises(user) -> QuerySet[Exercise]:
    found = Exercise.objects.select_related("site", "recorded_by")
    return found if sees_all(user) else found.filter(site_id__in=admin_site_ids(user))


def visible_targets(user) -> QuerySet[Target]:
    found = Target.objects.select_related("site").order_by("name", "pk")
    return found if sees_all(user) else found.filter(site_id__in=admin_site_ids(user))


def may_handle(user, alert: Alert) -> bool:
    """Whether this person may acknowledge or resolve the alert: whoever sees it."""
    return sees_all(user) or (alert.site_id is not None and alert.site_id in admin_site_ids(user))


def may_record(user, site: Site) -> bool:
    """Whether this person may record a 演练 or 测试 for the site."""
    return sees_all(user) or site.pk in admin_site_ids(user)


def site_name(site: Site | None, target: Target | None = None) -> str:
    if site is not None:
        return site.site_name or site.hostname
    return target.name if target is not None else "—"


# --- alerts ----------------------------------------------------------------------------------------------


def active_alerts(user) -> list[Alert]:
    """The person's alerts still to act on, the most severe and the oldest first."""
    alerts = list(visible_alerts(user).filter(state__in=ACTIVE_STATES))
    alerts.sort(key=lambda a: (a.state != AlertState.OPEN, SEVERITY_ORDER.get(a.severity, 9), a.first_seen))
    return alerts


# --- quarters and the register ---------------------------------------------------------------------------


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first day of the quarter and the first day of the next."""
    start = date(year, (quarter - 1) * 3 + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, quarter * 3 + 1, 1)
    return start, end


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{quarter}季度"


@dataclass
class Gap:
    """A quarter a site had (or has so far) no 应急演练 or 渗透测试 for."""

    site: Site
    year: int
    quarter: int
    current: bool
    missing: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def text(self) -> str:
        what = "、".join(self.missing)
        when = "本季度（" + self.label + "）尚未开展" if self.current else self.label + "未开展"
        return f"{site_name(self.site)}：{when}{what}"


def _site_start(site: Site) -> date | None:
    """When the site opened: the first publication of any of its pages (its oldest content)."""
    root = site.root_page
    first = Page.objects.filter(path__startswith=root.path, first_published_at__isnull=False).aggregate(
        first=Min("first_published_at")
    )["first"]
    return timezone.localdate(first) if first else None


def exercise_gaps(sites, now: datetime) -> list[Gap]:
    """The quarters without the required 演练 or 测试 (data/exercises.json): the current quarter from its
    `warn_from_month`-th month on, and the `lookback_quarters` before it, leaving out quarters that ended
    before the site was opened. Newest quarter first, then by site."""
    rule = rules.exercise_rules()
    today = timezone.localdate(now)
    year, quarter = quarter_of(today)
    quarters = []
    if (today.month - 1) % 3 + 1 >= rule.warn_from_month:
        quarters.append((year, quarter, True))
    for _ in range(rule.lookback_quarters):
        year, quarter = previous_quarter(year, quarter)
        quarters.append((year, quarter, False))
    sites = list(sites)
    if not quarters or not sites:
        return []
    oldest = quarter_bounds(*quarters[-1][:2])[0]
    held: dict[int, set] = {}
    for site_id, held_on, kind in Exercise.objects.filter(
        site__in=sites, held_on__gte=oldest, held_on__lte=today
    ).values_list("site_id", "held_on", "kind"):
        held.setdefault(site_id, set()).add((*quarter_of(held_on), kind))
    gaps = []
    for year, quarter, current in quarters:
        end = quarter_bounds(year, quarter)[1]
        for site in sites:
            opened = _site_start(site)
            if opened is not None and opened >= end:
                continue
            done = {kind for (y, q, kind) in held.get(site.pk, set()) if (y, q) == (year, quarter)}
            if rule.requirement == "any":
                missing = [] if done else ["应急演练或渗透测试"]
            else:
                missing = [kind.label for kind in ExerciseKind if kind.value not in done]
            if missing:
                gaps.append(Gap(site, year, quarter, current, missing))
    return gaps


# --- scans -----------------------------------------------------------------------------------------------


def latest_scans(targets) -> list[tuple[Target, ScanResult | None, ScanResult | None]]:
    """Each target with its latest scan and the one before it."""
    rows = []
    for target in targets:
        two = list(ScanResult.objects.filter(target=target).order_by("-at", "-pk")[:2])
        rows.append((target, two[0] if two else None, two[1] if len(two) > 1 else None))
    return rows


@dataclass
class Change:
    label: str
    before: str
    after: str
    added: list[str]
    removed: list[str]
    worse: bool


def _by_code(scan: ScanResult | None) -> dict[str, dict]:
    return {check.get("code"): check for check in (scan.checks if scan is not None else [])}


def _status_label(status: str | None) -> str:
    return CheckStatus(status).label if status in CheckStatus.values else "—"


def scan_changes(current: ScanResult, previous: ScanResult | None) -> list[Change]:
    """What changed since the previous scan: checks whose outcome changed, and problems (items) that
    appeared or went away. Empty for a first scan."""
    if previous is None:
        return []
    now_checks, then_checks = _by_code(current), _by_code(previous)
    changes = []
    for code, check in now_checks.items():
        before = then_checks.get(code, {})
        after_status, before_status = check.get("status"), before.get("status")
        items_now, items_then = set(check.get("items") or []), set(before.get("items") or [])
        added, removed = sorted(items_now - items_then), sorted(items_then - items_now)
        if after_status == before_status and not added and not removed:
            continue
        worse = (after_status in BAD and before_status not in BAD) or bool(added)
        changes.append(
            Change(
                check.get("label", code),
                _status_label(before_status),
                _status_label(after_status),
                added,
                removed,
                worse,
            )
        )
    for code, check in then_checks.items():
        if code not in now_checks:
            changes.append(
                Change(check.get("label", code), _status_label(check.get("status")), "—", [], [], False)
            )
    return changes
