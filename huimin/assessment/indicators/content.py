"""发布解读 rows judged from the site tree and the policy library: 内容更新, 政策解读, 解读关联.

An item counts at `now` when its publication date (`pub_date`, the date the public page shows and the
patrol reads) is at or before `now`; anything dated later did not exist yet for the assessment.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from django.urls import reverse
from wagtail.models import Page

from huimin.inspection.checks.staleness import column_cycles
from huimin.policies.models import InterpretationPage, PolicyLibraryPage, PolicyPage
from huimin.sites.models import ColumnPage, OrgUnit
from huimin.sites.queries import newest_item_date
from huimin.workdays.working_time import SHANGHAI

from . import Context, RowResult, calculator, each, points

NO_SITE = "本单位在网站群中没有网站，无法评测"
# The rule's windows (seed 附件2, 内容更新): dynamic columns 2 weeks, first-level policy columns 6 months.
DYNAMIC_DAYS = 14
POLICY_MONTHS = 6
POLICY_COLUMN_WORDS = ("政策文件", "政策解读")
OFFICE_WORDS = ("办公室", "党政办")


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment `months` calendar months earlier (the day clamped to the month's end)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _day(moment: datetime | None) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d}" if moment else ""


def no_site(ctx: Context, row) -> RowResult | None:
    """A row that judges a website scores 0 for a unit without one."""
    if ctx.sites:
        return None
    result = RowResult(0.0)
    result.note(NO_SITE)
    return result


# --- 内容更新 -----------------------------------------------------------------------------------------


def _dynamic_keyword(column: ColumnPage) -> str:
    """The keyword of `inspection/data/column_cycles.json` that makes a column dynamic (动态类: a cycle of
    at most 2 weeks there), from its type first, then its name; the longest keyword wins."""
    cycles = column_cycles()
    keywords = sorted(cycles, key=len, reverse=True)
    for source in (column.column_type.name, column.title):
        for keyword in keywords:
            if keyword in source:
                return keyword if cycles[keyword] <= DYNAMIC_DAYS else ""
    return ""


def _is_policy_column(column: ColumnPage, home_depth: int) -> bool:
    first_level = column.depth == home_depth + 1
    names = (column.column_type.name, column.title)
    return first_level and any(word in name for word in POLICY_COLUMN_WORDS for name in names)


def _problem(kind: str, title: str, newest: datetime | None, now: datetime, cycle: int = 0) -> str:
    """What is wrong with a column at `now` (empty before stale), or ""."""
    if newest is None:
        return f"空白栏目“{title}”：截至监测时间点没有任何信息"
    newest_text = f"最新信息发布于 {_day(newest)}"
    if kind == "policy":
        if newest < months_before(now, POLICY_MONTHS):
            return f"政策类栏目“{title}”前{POLICY_MONTHS}个月内未更新（{newest_text}）"
    elif kind == "dynamic":
        if newest < now - timedelta(days=DYNAMIC_DAYS):
            return f"动态类栏目“{title}”前2周内未更新（{newest_text}）"
    elif newest < now - timedelta(days=cycle):
        return f"栏目“{title}”超过更新周期 {cycle} 天未更新（{newest_text}）"
    return ""


def column_problem(column: ColumnPage, home_depth: int, now: datetime) -> str:
    """A column's worst problem at `now`: a first-level 政策文件/政策解读 column judged over 6 months, a
    dynamic one over 2 weeks, any other over its own update cycle (`ColumnPage.cycle_days`)."""
    if _is_policy_column(column, home_depth):
        kind = "policy"
    else:
        kind = "dynamic" if _dynamic_keyword(column) else "other"
    return _problem(kind, column.title, newest_item_date(column, now), now, column.cycle_days)


def library_newest_at(library: PolicyLibraryPage, now: datetime) -> datetime | None:
    """The newest policy or interpretation of a policy library (its own pages) published by `now`."""
    dates = [
        model.objects.live()
        .descendant_of(library)
        .filter(pub_date__lte=now)
        .order_by("-pub_date")
        .values_list("pub_date", flat=True)
        .first()
        for model in (PolicyPage, InterpretationPage)
    ]
    dates = [moment for moment in dates if moment]
    return max(dates) if dates else None


def site_column_problems(site, now: datetime) -> list[tuple[Page, str]]:
    """(column, problem) for every column of a site with one, in tree order: its `ColumnPage`s and its
    policy libraries (a 政策文件 column kept by the policy app, judged over 6 months)."""
    root = site.root_page
    found = []
    columns = ColumnPage.objects.live().descendant_of(root).select_related("column_type")
    libraries = PolicyLibraryPage.objects.live().descendant_of(root)
    pages = sorted([*columns, *libraries], key=lambda page: page.path)
    for page in pages:
        if isinstance(page, PolicyLibraryPage):
            problem = _problem("policy", page.title, library_newest_at(page, now), now)
        else:
            problem = column_problem(page, root.depth, now)
        found.append((page, problem))
    return found


@calculator("content_update")
def content_update(ctx: Context, row) -> RowResult:
    """Each column of the unit's sites counted once, at its worst: empty, a dynamic column not updated in
    the 2 weeks before `now`, a first-level policy column (or a policy library) not updated in 6 months,
    any other column beyond its own update cycle. `each` points per column."""
    missing = no_site(ctx, row)
    if missing:
        return missing
    amount = each(row, 5.0)
    result = RowResult(points(row))
    checked = 0
    for site in ctx.sites:
        for page, problem in site_column_problems(site, ctx.now):
            checked += 1
            if problem:
                result.deduct(amount, f"{site.site_name or site.hostname}：{problem}", edit_url(page))
    if not result.evidence:
        result.note(f"检查栏目 {checked} 个，均按期更新")
    return result


# --- 政策解读 and 解读关联 --------------------------------------------------------------------------------


def own_issuers(unit: OrgUnit) -> list[int]:
    """The unit itself and its own office (本部门办公室、党政办): the names policies are issued in."""
    offices = [
        child.pk
        for child in OrgUnit.objects.filter(parent=unit)
        if any(word in child.name for word in OFFICE_WORDS)
    ]
    return [unit.pk, *offices]


def _on_sites(queryset, ctx: Context):
    scoped = queryset.none()
    for site in ctx.sites:
        scoped = scoped | queryset.descendant_of(site.root_page)
    return scoped


def _sample(ctx: Context, key: str, items: list, size: int) -> list:
    if len(items) <= size:
        return items
    return sorted(ctx.rng(key).sample(items, size), key=lambda item: (item.pub_date, item.pk))


def _interpretations_at(policy: PolicyPage, now: datetime):
    return policy.interpretations.live().public().filter(pub_date__lte=now)


@calculator("policy_interpretation")
def policy_interpretation(ctx: Context, row) -> RowResult:
    """`sample_size` policies of the year, issued in the unit's own name on its sites, sampled at random;
    `each` off for each without a published interpretation at `now`. Fewer than the sample: all."""
    missing = no_site(ctx, row)
    if missing:
        return missing
    size = row.sample_size or 3
    amount = each(row, 1.0)
    population = list(
        _on_sites(PolicyPage.objects.live().public(), ctx)
        .filter(issuer_id__in=own_issuers(ctx.unit), pub_date__gte=ctx.start, pub_date__lt=ctx.end)
        .select_related("issuer")
        .order_by("pub_date", "pk")
    )
    result = RowResult(points(row))
    if not population:
        result.note("本年度网站未发布以本单位（或本单位办公室）名义印发的政策文件，无可抽查")
        return result
    for policy in _sample(ctx, "policy_interpretation", population, size):
        title = f"《{policy.title[:60]}》（{_day(policy.pub_date)}）"
        readings = list(_interpretations_at(policy, ctx.now).order_by("pub_date")[:1])
        if readings:
            result.note(f"抽查政策文件{title}：已解读（{readings[0].title[:40]}）", edit_url(policy))
        else:
            result.deduct(amount, f"抽查政策文件{title}：截至监测时间点未解读", edit_url(policy))
    return result


@calculator("interpretation_links")
def interpretation_links(ctx: Context, row) -> RowResult:
    """`sample_size` interpretations of the year on the unit's sites. What the public pages show decides:
    an interpretation's page lists its live, public policies (published by `now`); a policy's page lists its
    live, public interpretations. `each` off for an interpretation listing no policy, and `each` off for
    each listed policy whose page does not list the interpretation."""
    missing = no_site(ctx, row)
    if missing:
        return missing
    size = row.sample_size or 3
    amount = each(row, 1.0)
    population = list(
        _on_sites(InterpretationPage.objects.live().public(), ctx)
        .filter(pub_date__gte=ctx.start, pub_date__lt=ctx.end)
        .order_by("pub_date", "pk")
    )
    result = RowResult(points(row))
    if not population:
        result.note("本年度网站未发布政策解读，无可抽查")
        return result
    for reading in _sample(ctx, "interpretation_links", population, size):
        title = f"解读稿《{reading.title[:60]}》（{_day(reading.pub_date)}）"
        shown = list(
            reading.policies.live().public().filter(pub_date__lte=ctx.now).order_by("pub_date", "pk")
        )
        if not shown:
            result.deduct(amount, f"{title}未关联被解读的政策文件", edit_url(reading))
            continue
        for policy in shown:
            if _interpretations_at(policy, ctx.now).filter(pk=reading.pk).exists():
                result.note(f"{title}与《{policy.title[:60]}》双向关联", edit_url(reading))
            else:
                result.deduct(amount, f"政策文件《{policy.title[:60]}》未关联{title}", edit_url(policy))
    return result
