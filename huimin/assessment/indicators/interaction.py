"""互动交流 and 找错: the rows scored from the netizen messages (`huimin.letters`).

A unit's letters are those received on its sites, or handled (`Letter.unit`) by the unit or one of its
descendant units. Only what existed at `ctx.now` counts: letters received after it do not, an answer given
after it is no answer yet, a publication after it is not published. Deadlines are each letter's own
(`reply_due`, computed from the time limits of its kind by `huimin.letters.deadlines`); invalid and
duplicate letters never count. Every late letter is evidence, linked to its page in the letters admin.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.urls import reverse

from huimin.letters import deadlines
from huimin.letters.enums import Kind, State
from huimin.letters.models import Letter
from huimin.sites.models import OrgUnit
from huimin.workdays.queries import schedule_for
from huimin.workdays.working_time import SHANGHAI, add_working_time, working_time_between

from . import Context, Evidence, RowResult, calculator, each, points

# The rule's fixed deductions of 留言公开 (seed 附件2: 2 months without a new publication -3, statistics -2).
STALE_MONTHS = 2
STALE_DEDUCTION = 3.0
STATISTICS_DEDUCTION = 2.0
# 办理答复 and 实时互动 look at the year before `now`; 找错 at the 6 months before it.
REPLIES_MONTHS = 12
ERROR_REPORT_MONTHS = 6
SET_ASIDE = (State.INVALID, State.DUPLICATE)
NO_SIMPLE_CONSULTATION = "本年度没有简单咨询留言，暂按满分计"


def months_before(now: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the 31st becomes the month's last day)."""
    index = now.year * 12 + now.month - 1 - months
    year, month = divmod(index, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def unit_ids(ctx: Context) -> list[int]:
    """The unit and every unit below it (`OrgUnit.parent`), for the letters they handle."""
    if "unit_tree" not in ctx.cache:
        children: dict[int | None, list[int]] = {}
        for pk, parent in OrgUnit.objects.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(pk)
        found, frontier = [ctx.unit.pk], [ctx.unit.pk]
        while frontier:
            frontier = [child for pk in frontier for child in children.get(pk, []) if child not in found]
            found += frontier
        ctx.cache["unit_tree"] = found
    return ctx.cache["unit_tree"]


def letters_of(ctx: Context) -> QuerySet[Letter]:
    """The unit's letters received by `now`: on its sites, or handled by it or a unit below it.

    The ids are found once per sheet, by unit and by site separately: each of those uses its own index,
    where `unit IN … OR site IN …` with a date range makes the database read the whole year's letters
    of the group along the date index, for every letter row of every unit."""
    ids = ctx.cache.get("letter_ids")
    if ids is None:
        received = Letter.objects.filter(received_at__lte=ctx.now)
        ids = set(received.filter(unit_id__in=unit_ids(ctx)).values_list("pk", flat=True))
        if ctx.sites:
            sites = [site.pk for site in ctx.sites]
            ids |= set(received.filter(site_id__in=sites).values_list("pk", flat=True))
        ctx.cache["letter_ids"] = ids
    return Letter.objects.filter(pk__in=ids)


def admin_url(letter: Letter) -> str:
    return reverse("letters_letter", args=[letter.pk])


def _schedule(ctx: Context, letter: Letter):
    schedules = ctx.cache.setdefault("letter_schedules", {})
    if letter.calendar_id not in schedules:
        schedules[letter.calendar_id] = schedule_for(letter.calendar)
    return schedules[letter.calendar_id]


def _moment(value: datetime) -> str:
    return f"{value.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


def lateness(ctx: Context, letter: Letter, due: datetime) -> str:
    """How late a letter is at `ctx.now` (or was when answered), in working time of its calendar."""
    schedule = _schedule(ctx, letter)
    answered = letter.replied_at if letter.replied_at and letter.replied_at <= ctx.now else None
    late = working_time_between(schedule, due, answered or ctx.now)
    day = schedule.day_length or timedelta(hours=7)
    hours = late.total_seconds() / 3600
    amount = f"{late / day:.1f} 个工作日" if late >= day else f"{hours:.1f} 个工作小时"
    if answered:
        return f"答复截止 {_moment(due)}，{_moment(answered)} 答复，超期 {amount}"
    return f"答复截止 {_moment(due)}，截至监测时间点仍未答复，已超期 {amount}"


def _label(letter: Letter) -> str:
    return f"《{letter.title}》（{letter.get_kind_display()}，{_moment(letter.received_at)} 收到）"


def late_filter(now: datetime) -> Q:
    """Letters answered after their `reply_due`, or still unanswered at `now` with `reply_due` passed."""
    answered_late = Q(replied_at__lte=now, replied_at__gt=F("reply_due"))
    unanswered_past_due = (Q(replied_at__isnull=True) | Q(replied_at__gt=now)) & Q(reply_due__lt=now)
    return Q(reply_due__isnull=False) & (answered_late | unanswered_past_due)


# --- 留言公开 ---------------------------------------------------------------------------------------------


def _statistics_page(ctx: Context, published: QuerySet[Letter]) -> tuple[bool, str]:
    """Whether the unit's monthly statistics are public at `now`, and where.

    Every site serves its 留言办理情况统计 (/hudong/liuyan/tongji/, linked from its 留言公开 and 我要留言
    pages), one row per month from its first letter to now, generated from the letters; `?unit=` shows one
    handling unit's figures. So the statistics are public when the unit's own site has received a letter by
    `now`, or, for a unit whose letters come in elsewhere, when a site has received a letter it (or a unit
    below it) handled."""
    path = reverse("letter_statistics")
    for site in ctx.sites:
        if Letter.objects.filter(site=site, received_at__lte=ctx.now).exists():
            return True, f"{site.root_url}{path}"
    handled = (
        Letter.objects.filter(unit_id__in=unit_ids(ctx), received_at__lte=ctx.now)
        .select_related("site")
        .order_by("-received_at", "-pk")
        .first()
    )
    if handled is not None:
        return True, f"{handled.site.root_url}{path}?unit={handled.unit_id}"
    site = ctx.sites[0] if ctx.sites else (published[0].site if published else None)
    return False, f"{site.root_url}{path}" if site else ""


@calculator("letters_disclosure")
def letters_disclosure(ctx: Context, row) -> RowResult:
    """留言公开: nothing published → 0; a sample of the published letters checked for the four items; the
    newest publication older than 2 months; the monthly statistics not public."""
    result = RowResult(points(row))
    # What the 留言公开 page shows (`letters.queries.published`), published by `now`.
    published = (
        letters_of(ctx)
        .filter(state=State.PUBLISHED, replied_at__isnull=False, published_at__lte=ctx.now)
        .select_related("site", "reply_unit")
    )
    ids = sorted(published.values_list("pk", flat=True))
    listing = reverse("letter_published")
    if not ids:
        result.score = 0.0
        where = f"{ctx.sites[0].root_url}{listing}" if ctx.sites else ""
        result.note("没有任何已公开的网民留言，本项不得分", where)
        return result
    size = row.sample_size or len(ids)
    chosen = ids if len(ids) <= size else sorted(ctx.rng("letters_disclosure").sample(ids, size))
    per_item = each(row, 1.0)
    for letter in published.filter(pk__in=chosen).order_by("pk"):
        missing = [
            name
            for name, present in (
                ("留言时间", letter.received_at is not None),
                ("答复时间", letter.replied_at is not None),
                ("答复单位", letter.reply_unit_id is not None),
                ("答复内容", bool((letter.reply or "").strip())),
            )
            if not present
        ]
        url = f"{letter.site.root_url}{listing}#letter-{letter.pk}"
        if missing:
            for name in missing:
                result.deduct(per_item, f"抽查{_label(letter)}：未公开{name}", url)
        else:
            result.note(f"抽查{_label(letter)}：留言时间、答复时间、答复单位、答复内容齐全", url)
    newest = published.order_by("-published_at", "-pk").first()
    newest_url = f"{newest.site.root_url}{listing}"
    if newest.published_at < months_before(ctx.now, STALE_MONTHS):
        result.deduct(
            STALE_DEDUCTION,
            f"最近一条留言公开于 {_moment(newest.published_at)}，监测时间点前{STALE_MONTHS}个月内未更新",
            newest_url,
        )
    else:
        result.note(f"最近一条留言公开于 {_moment(newest.published_at)}", newest_url)
    public, url = _statistics_page(ctx, published)
    if public:
        result.note("留言受理反馈情况统计按月公开", url)
    else:
        result.deduct(STATISTICS_DEDUCTION, "未公开留言受理反馈情况统计数据", url)
    return result


# --- 办理答复 ---------------------------------------------------------------------------------------------


@calculator("letters_replies")
def letters_replies(ctx: Context, row) -> RowResult:
    """办理答复: every letter received in the year before `now` answered after its deadline, or unanswered
    with the deadline passed, costs `each` point(s)."""
    result = RowResult(points(row))
    per_letter = each(row, 1.0)
    since = months_before(ctx.now, REPLIES_MONTHS)
    late = (
        letters_of(ctx)
        .filter(received_at__gte=since)
        .exclude(state__in=SET_ASIDE)
        .filter(late_filter(ctx.now))
        .select_related("calendar")
        .order_by("received_at", "pk")
    )
    count = 0
    for letter in late:
        count += 1
        result.deduct(
            per_letter, f"{_label(letter)}{lateness(ctx, letter, letter.reply_due)}", admin_url(letter)
        )
    if not count:
        result.note(f"{_moment(since)} 以来收到的留言均在规定时间内答复")
    return result


# --- 实时互动 ---------------------------------------------------------------------------------------------


@calculator("realtime_interaction")
def realtime_interaction(ctx: Context, row) -> RowResult:
    """实时互动: the latest simple consultation of the year before `now` whose outcome is known (answered,
    or its 1-working-day limit passed): answered in time → full points, else 0."""
    result = RowResult(points(row))
    since = months_before(ctx.now, REPLIES_MONTHS)
    consultations = (
        letters_of(ctx)
        .filter(kind=Kind.CONSULT, is_simple=True, received_at__gte=since)
        .exclude(state__in=SET_ASIDE)
        .select_related("calendar")
        .order_by("-received_at", "-pk")
    )
    pending = 0
    for letter in consultations.iterator():
        answered = letter.replied_at is not None and letter.replied_at <= ctx.now
        due_passed = letter.reply_due is not None and letter.reply_due < ctx.now
        if not answered and not due_passed:
            pending += 1  # still within its time limit (or waiting for the writer): judge the one before
            continue
        if pending:
            result.note(f"最近 {pending} 条简单咨询尚在答复时限内，按此前最近一条计")
        if answered and (letter.reply_due is None or letter.replied_at <= letter.reply_due):
            result.note(
                f"最近一条简单咨询{_label(letter)}于 {_moment(letter.replied_at)} 答复，在1个工作日内",
                admin_url(letter),
            )
        else:
            result.deduct(
                points(row),
                f"最近一条简单咨询{_label(letter)}{lateness(ctx, letter, letter.reply_due)}",
                admin_url(letter),
            )
        return result
    if pending:
        result.note(f"最近 {pending} 条简单咨询尚在答复时限内，暂按满分计")
    else:
        result.note(NO_SIMPLE_CONSULTATION)
    return result


# --- “我为政府网站找错”答复 ------------------------------------------------------------------------------


def error_report_due(ctx: Context, letter: Letter) -> datetime:
    """The 找错 deadline the rule sets: the current time limit of 找错 letters (3 working days since letters
    migration 0010) counted from receipt, plus the letter's approved extension and paused time. A letter
    received while the limit was still 5 days is judged against today's limit as well."""
    schedule = _schedule(ctx, letter)
    rule = ctx.cache.get("error_report_rule") or ctx.cache.setdefault(
        "error_report_rule", deadlines.rule_for(Kind.ERROR_REPORT)
    )
    limit = deadlines.reply_limit(schedule, rule, simple=False)
    return add_working_time(schedule, letter.received_at, limit + letter.extension + letter.paused).due


@calculator("error_report_replies")
def error_report_replies(ctx: Context, row) -> RowResult:
    """找错: any 找错 letter received in the 6 months before `now` answered beyond the time limit, or still
    unanswered past it, and the row scores 0."""
    result = RowResult(points(row))
    since = months_before(ctx.now, ERROR_REPORT_MONTHS)
    reports = (
        letters_of(ctx)
        .filter(kind=Kind.ERROR_REPORT, received_at__gte=since)
        .exclude(state__in=SET_ASIDE)
        .select_related("calendar")
        .order_by("received_at", "pk")
    )
    checked = late = 0
    for letter in reports.iterator():
        checked += 1
        if letter.paused_since is not None and not letter.replied_at:
            continue  # waiting for the writer's supplement: the clock stands still
        due = error_report_due(ctx, letter)
        answered = letter.replied_at is not None and letter.replied_at <= ctx.now
        if (answered and letter.replied_at > due) or (not answered and due < ctx.now):
            late += 1
            result.evidence.append(
                Evidence(f"找错留言{_label(letter)}{lateness(ctx, letter, due)}", admin_url(letter))
            )
    if late:
        result.score = 0.0
        result.evidence.insert(0, Evidence(f"{late} 条找错留言超过规定时限答复，本项不得分", "", points(row)))
    elif checked:
        result.note(f"{_moment(since)} 以来的 {checked} 条找错留言均在规定时限内答复")
    else:
        result.note(f"{_moment(since)} 以来没有找错留言")
    return result
