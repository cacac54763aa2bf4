"""Demo content of 运维责任: a content-quality requirement on the demo's columns (one column left without,
so the responsibility list shows the flag), and for each site a duty roster from the first day of
last month to the end of this one (arranged by the site's administrator, the site's people in turn
each working day) with a reading recorded on most working days before today; a few days are left
unrecorded so the 工作台, the 值班记录 screen and the assessment have something to show, and today's
reading is still to be done. Every record goes through the services with times derived from `now`; a
site that already has a roster is left as it is."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Site

from huimin.operations import queries, services
from huimin.operations.enums import Rotation
from huimin.operations.models import DutyRoster
from huimin.sites.models import ColumnPage
from huimin.workdays.working_time import SHANGHAI

# What each kind of column must be like (by column type); the demo's own wording.
REQUIREMENTS = {
    "工作动态": "及时发布本单位重要会议、活动和工作进展，信息准确、图文一致，不发布与本栏目无关的内容。",
    "通知公告": "通知公告印发后及时发布，标题、发布机构、日期齐全；征集类公告到期后注明已截止。",
    "政策文件": "政策文件印发后及时公开，文号、成文日期、发布机构和有效性标注准确。",
    "政策解读": "解读与政策文件同步发布并相互关联，内容准确、通俗易懂。",
    "概况信息": "区划、人口、经济等数据变化后及时更新，并注明统计时间。",
    "机构职能": "机构设置、职责和负责人信息与正式文件一致，变动后 5 个工作日内更新。",
    "信息公开指南": "公开方式、受理机构、联系方式准确，变动后及时更新。",
    "信息公开年报": "每年 1 月 31 日前发布上一年度政府信息公开工作年度报告，格式符合国家模板。",
    "数据发布": "统计数据按时发布，注明数据来源、统计口径和发布日期。",
}
DEFAULT_REQUIREMENT = "信息准确、及时，不发布与栏目无关的内容。"
LEFT_WITHOUT = ("jyj", "zjdc")  # (site key, column slug): the column left without a requirement
# Per site key, the positions (in the list of working days read) left without a record.
MISSED = {"portal": (), "shuyang": (3, 11), "sucheng": (6,), "slj": (2, 9, 14), "jyj": (5,)}
PROBLEMS = {
    1: "“通知公告”栏目一条公告的附件链接打不开，已提交工单。",
    4: "首页“工作动态”第二条信息的配图与内容不符，已告知编辑更换。",
    8: "未发现问题。",
}
READ_AT = time(16, 30)


def _requirements(site_key: str, site: Site, admin) -> int:
    changed = 0
    for column in ColumnPage.objects.live().descendant_of(site.root_page).select_related("column_type"):
        if column.quality_requirement or (site_key, column.slug) == LEFT_WITHOUT:
            continue
        column.quality_requirement = REQUIREMENTS.get(column.column_type.name, DEFAULT_REQUIREMENT)
        revision = column.save_revision(user=admin, changed=False, clean=False)
        revision.publish(user=admin, changed=False)
        changed += 1
    return changed


def _site_duty(site_key: str, site: Site, now: datetime) -> int:
    if DutyRoster.objects.filter(site=site).exists():
        return 0
    today = queries.today(now)
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    people = list(queries.site_people(site))
    if not people:
        return 0
    arranger = get_user_model().objects.filter(username=f"{site_key}-siteadmin").first()
    arranged_at = datetime.combine(start, time(9, 0), SHANGHAI)
    roster = services.arrange_roster(
        site,
        people=people,
        start=start,
        end=end,
        rotation=Rotation.DAILY,
        note="请于当天 17:00 前完成读网并记录。",
        actor=arranger,
        now=arranged_at,
    )
    orders = list(queries.open_orders(site)[:1])
    skipped = set(MISSED.get(site_key, ()))
    created = len(roster)
    read_days = [entry for entry in roster if entry.day < today]
    for index, entry in enumerate(read_days):
        if index in skipped:
            continue
        problems = PROBLEMS.get(index, "")
        services.record_reading(
            site,
            day=entry.day,
            pages_read=12 + (index * 7) % 25,
            urls=[f"http://{site.hostname}/"],
            problems=problems,
            work_orders=orders if index == 1 else (),
            actor=entry.person,
            now=datetime.combine(entry.day, READ_AT, SHANGHAI),
        )
        created += 1
    return created


def build_duty_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo's responsibility details and duty records; returns how many records were created."""
    created = 0
    for site_spec in spec["sites"]:
        site = Site.objects.filter(hostname=site_spec["hostname"]).select_related("root_page").first()
        if site is None:
            continue
        with transaction.atomic():
            created += _requirements(site_spec["key"], site, admin)
            created += _site_duty(site_spec["key"], site, now)
    return created
