"""Demo content: monthly handling statistics (办事统计) and their public page.

Twelve months of figures for every unit, up to the month before `now`, each month recorded through
`record_month` on the second day of the following month; a statistics page on the portal (all units) and on
the 水利局 and 教育局 sites (their own unit). Everything is looked up first, so a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from wagtail.models import Site

from huimin.core.pages import add_and_publish
from huimin.guides.models import HandlingStatistic, HandlingStatisticsPage
from huimin.guides.statistics import current_month, record_month
from huimin.sites.models import OrgUnit

PAGE_SLUG = "bstj"
MONTHS = 12
PAGE_SITES = ("portal", "slj", "jyj")  # site keys of sitegroup.json; the portal's page shows all units
# Typical monthly volume of received cases per kind of unit.
VOLUME = {"city_office": 60, "county": 2400, "function_area": 700, "dept_tier1": 380, "dept_tier2": 90}
RECORDED_AT = time(9, 30)


def build_handling_statistics_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo handling statistics; returns how many pages were created."""
    _ensure_figures(now, admin)
    created = 0
    for site_spec in spec["sites"]:
        if site_spec["key"] in PAGE_SITES:
            created += _ensure_page(site_spec, admin)
    return created


def _months_before(now: datetime, count: int) -> list[date]:
    month = current_month(now)
    months = []
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months


def _ensure_figures(now: datetime, admin) -> None:
    existing = set(HandlingStatistic.objects.values_list("unit_id", "month"))
    for month in sorted(_months_before(now, MONTHS)):
        next_month = (month + timedelta(days=32)).replace(day=1)
        recorded_at = timezone.make_aware(datetime.combine(next_month + timedelta(days=1), RECORDED_AT))
        recorded_at = min(recorded_at, now - timedelta(minutes=30))
        for unit in OrgUnit.objects.all():
            if (unit.pk, month) in existing:
                continue
            figures = _figures(unit, month)
            record_month(unit, month, figures, actor=admin, source="演示数据", now=recorded_at)


def _figures(unit: OrgUnit, month: date) -> dict:
    rng = random.Random(f"stats-{unit.name}-{month:%Y-%m}")  # noqa: S311 - demo figures, not security
    base = VOLUME.get(unit.kind, 50)
    seasonal = 1.25 if month.month in (3, 8, 9) else 0.8 if month.month in (1, 2) else 1.0
    received = max(1, round(base * seasonal * rng.uniform(0.85, 1.15)))
    completed = round(received * rng.uniform(0.92, 1.0))
    online = round(received * rng.uniform(0.6, 0.95))
    on_time = round(completed * rng.uniform(0.96, 1.0))
    return {"received": received, "completed": completed, "online": online, "on_time": on_time}


def _ensure_page(site_spec: dict, admin) -> int:
    site = Site.objects.get(hostname=site_spec["hostname"])
    if HandlingStatisticsPage.objects.child_of(site.root_page).filter(slug=PAGE_SLUG).exists():
        return 0
    own_unit = site_spec["key"] != "portal"
    page = HandlingStatisticsPage(
        title="办事统计",
        slug=PAGE_SLUG,
        description=(
            "本单位政务服务事项每月受理、办结、网上办理和按时办结情况，每月上旬更新上月数据。"
            if own_unit
            else "全市各地各部门政务服务事项每月受理、办结、网上办理和按时办结情况，每月上旬更新上月数据。"
        ),
        keywords="办事统计,政务服务,办件量,办结率",
        show_in_menus=False,
    )
    if own_unit:
        page.units.set([OrgUnit.objects.get(name=site_spec["org_unit"])])
    add_and_publish(site.root_page, page, actor=admin)
    return 1
