"""Every write of 值班读网, one function per step: each checks who acts and what they typed (refusals in
Chinese: `PermissionDenied` for who, `ValidationError` for what), runs in a transaction and writes the audit
log (`huimin_operations.<verb>`). The screens, the demo and the commands call these and nothing else."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Site

from . import queries, rules
from .enums import Rotation
from .models import DutyReading, DutyRoster

LOG_ACTIONS = {
    "huimin_operations.arrange": ("安排值班读网", "安排值班读网"),
    "huimin_operations.record": ("记录值班读网", "记录值班读网"),
    "huimin_operations.update": ("修改值班读网记录", "修改值班读网记录"),
}
# Control characters other than line breaks and tabs (NUL among them) are refused in anything typed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
URL = re.compile(r"\Ahttps?://[^\s/?#<>\"'`\\]+[^\s<>\"'`\\]*\Z", re.IGNORECASE)
NOTE_LIMIT = 200


def _text(value: str, *, limit: int, label: str, field: str) -> str:
    text = (value or "").strip()
    if CONTROL.search(text):
        raise ValidationError({field: f"{label}含有不可见的控制字符，请删除后再提交。"})
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过 {limit} 个字（现有 {len(text)} 个）。"})
    return text


def _check_people(site: Site, people) -> list:
    allowed = {user.pk: user for user in queries.site_people(site)}
    refused = [user for user in people if user.pk not in allowed]
    if refused:
        names = "、".join(queries.person_label(user) for user in refused)
        raise ValidationError({"people": f"{names}在本网站没有角色，不能安排值班。"})
    return [allowed[user.pk] for user in people]


def working_days(start: date, end: date, schedule=None) -> list[date]:
    schedule = schedule or queries.schedule()
    days, day = [], start
    while day <= end:
        if schedule.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def rotate(days: list[date], people: list, rotation: str) -> list[tuple[date, object]]:
    """Who is on duty on each day: the next person each working day, or each week (Monday to Sunday)."""
    if not days:
        return []
    monday = days[0] - timedelta(days=days[0].weekday())
    pairs = []
    for index, day in enumerate(days):
        turn = index if rotation == Rotation.DAILY else (day - monday).days // 7
        pairs.append((day, people[turn % len(people)]))
    return pairs


@transaction.atomic
def arrange_roster(
    site: Site,
    *,
    people,
    start: date,
    end: date,
    rotation: str = Rotation.DAILY,
    note: str = "",
    actor=None,
    now: datetime,
) -> list[DutyRoster]:
    """Put people on duty for the site's working days from `start` to `end` in turn, replacing whatever
    was arranged for those days. By the site's administrator or the platform administrator (`actor` None is
    the system: the demo, a command)."""
    if actor is not None and not queries.may_arrange(actor, site):
        raise PermissionDenied("只有本网站的站点管理员或平台管理员可以安排值班。")
    limits = rules.duty()
    people = list(people or [])
    if not people:
        raise ValidationError({"people": "请至少选择一名值班人员。"})
    if len({user.pk for user in people}) != len(people):
        raise ValidationError({"people": "值班人员有重复，请每人只选一次。"})
    if len(people) > limits.roster_max_people:
        raise ValidationError({"people": f"一次最多安排 {limits.roster_max_people} 人轮流值班。"})
    people = _check_people(site, people)
    if rotation not in Rotation.values:
        raise ValidationError({"rotation": "请选择轮换方式。"})
    if start is None or end is None:
        raise ValidationError({"start": "请填写开始日期和结束日期。"})
    if end < start:
        raise ValidationError({"end": "结束日期不能早于开始日期。"})
    if (end - start).days + 1 > limits.roster_max_days:
        raise ValidationError({"end": f"一次最多安排 {limits.roster_max_days} 天的值班。"})
    today = queries.today(now)
    if start < today - timedelta(days=limits.roster_past_days):
        raise ValidationError({"start": f"开始日期最早只能是 {limits.roster_past_days} 天前。"})
    if end > today + timedelta(days=limits.roster_future_days):
        raise ValidationError({"end": f"结束日期最晚只能是 {limits.roster_future_days} 天后。"})
    note = _text(note, limit=NOTE_LIMIT, label="备注", field="note")
    days = working_days(start, end)
    if not days:
        raise ValidationError({"end": "所选日期内没有工作日，无需安排值班。"})
    DutyRoster.objects.filter(site=site, day__gte=start, day__lte=end).delete()
    user = actor if actor is not None and actor.is_authenticated else None
    entries = DutyRoster.objects.bulk_create(
        DutyRoster(site=site, day=day, person=person, note=note, arranged_by=user, arranged_at=now)
        for day, person in rotate(days, people, rotation)
    )
    data = {
        "site": queries.site_names([site.pk])[site.pk],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "count": len(entries),
        "kind": Rotation(rotation).label,
        "user": "、".join(queries.person_label(person) for person in people),
    }
    if note:
        data["note"] = note
    log(instance=site, action="huimin_operations.arrange", user=user, data=data)
    return entries


def clean_urls(value, limits=None) -> list[str]:
    """Page addresses read, one a line (a list or a text); blank lines dropped, repeats kept once."""
    limits = limits or rules.duty()
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    urls: list[str] = []
    for number, line in enumerate(lines, start=1):
        text = str(line).strip()
        if not text:
            continue
        if CONTROL.search(text):
            raise ValidationError({"urls": f"第 {number} 行含有不可见的控制字符。"})
        if len(text) > limits.max_url_length:
            raise ValidationError({"urls": f"第 {number} 行的地址超过 {limits.max_url_length} 个字符。"})
        if not URL.match(text):
            raise ValidationError(
                {"urls": f"第 {number} 行不是有效的网页地址（应以 http:// 或 https:// 开头）。"}
            )
        if text not in urls:
            urls.append(text)
    if len(urls) > limits.max_urls:
        raise ValidationError({"urls": f"最多填写 {limits.max_urls} 个页面地址。"})
    return urls


@transaction.atomic
def record_reading(
    site: Site,
    *,
    day: date,
    pages_read: int,
    urls=(),
    problems: str = "",
    work_orders=(),
    actor,
    now: datetime,
) -> DutyReading:
    """Record (or correct) what `actor` read on the site on `day`: today, or a few days back (补记). The
    reader holds a role on the site, or is the platform administrator; named work orders must be open
    orders of this site."""
    if actor is None or not queries.may_record(actor, site):
        raise PermissionDenied("只有在本网站有角色的人员可以记录值班读网。")
    limits = rules.duty()
    today = queries.today(now)
    if day is None:
        raise ValidationError({"day": "请填写读网日期。"})
    if day > today:
        raise ValidationError({"day": "不能记录今天以后的读网。"})
    if day < today - timedelta(days=limits.backfill_days):
        raise ValidationError({"day": f"只能补记 {limits.backfill_days} 天内的读网记录。"})
    urls = clean_urls(urls, limits)
    if isinstance(pages_read, bool) or not isinstance(pages_read, int):
        raise ValidationError({"pages_read": "浏览页面数应为整数。"})
    pages_read = max(pages_read, len(urls))
    if pages_read < 1:
        raise ValidationError({"pages_read": "请填写浏览的页面数（至少 1 个）。"})
    if pages_read > limits.max_pages:
        raise ValidationError({"pages_read": f"浏览页面数不能超过 {limits.max_pages}。"})
    problems = _text(problems, limit=limits.max_problem_length, label="发现的问题", field="problems")
    orders = list(work_orders or [])
    open_ids = set(
        queries.open_orders(site).filter(pk__in=[o.pk for o in orders]).values_list("pk", flat=True)
    )
    refused = [order for order in orders if order.pk not in open_ids]
    if refused:
        raise ValidationError({"work_orders": "只能关联本网站未办结的工单。"})
    reading = DutyReading.objects.select_for_update().filter(site=site, day=day, person=actor).first()
    action = "huimin_operations.update" if reading is not None else "huimin_operations.record"
    if reading is None:
        reading = DutyReading(site=site, day=day, person=actor)
    reading.pages_read, reading.urls, reading.problems, reading.recorded_at = pages_read, urls, problems, now
    reading.save()
    reading.work_orders.set(orders)
    data = {
        "site": queries.site_names([site.pk])[site.pk],
        "date": day.isoformat(),
        "count": pages_read,
    }
    if problems:
        data["note"] = problems[:NOTE_LIMIT]
    if orders:
        data["number"] = "、".join(order.number for order in orders)
    log(instance=reading, action=action, user=actor, data=data)
    return reading
