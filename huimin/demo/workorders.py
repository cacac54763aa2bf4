"""Demo content of 网站工单: a dozen orders across the demo's sites in every state a clerk meets (待审核,
已退回 after a review, 待派发, 已派发 to the platform team or to the vendor, 处理中, 待确认, 已办结, reopened,
merged, withdrawn, one changed by 修改), and the outside vendor's account `vendor` (the demo password).

Every step goes through `huimin.workorders.services` with times laid out backwards from `now` on working
time, so levels (normal, warning, overdue) come out the same whenever the demo is built at the same `now`.
Safe to run again: nothing is made when the demo's orders are there already."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from wagtail.models import Site

from huimin.workdays.working_time import add_working_time, working_time_between
from huimin.workorders import deadlines, services
from huimin.workorders.enums import Assignee, Priority
from huimin.workorders.models import VendorAccount, WorkOrder, WorkOrderKind

VENDOR_USERNAME = "vendor"
VENDOR_COMPANY = "宿迁网站运维服务中心（外包）"
# (key, site key, submitter suffix, kind, priority, title, description, working hours before now it was
# submitted, steps)
# steps: accept, return, dispatch-platform, dispatch-vendor, start, fix, confirm, reopen, merge:<key>,
#        withdraw, edit
ORDERS = [
    ("image", "portal", "editor", "fault", Priority.HIGH, "首页要闻图片无法显示",
     "首页“要闻动态”轮播图第二张、第三张图片显示为空白，换用其他浏览器也一样。", 3.5, ["edit"]),
    ("column", "shuyang", "editor", "column", Priority.NORMAL, "政务公开栏目下增设子栏目",
     "拟在“政务公开”下增设子栏目，用于发布重大建设项目批准和实施信息。", 7, ["return"]),
    ("typo", "sucheng", "editor", "correction", Priority.NORMAL, "通知公告中的单位名称有误",
     "通知公告《关于开展2026年度安全生产检查的通知》正文中“宿城区应急管理局”误写为“宿城区应急局”。", 21,
     ["accept"]),
    ("slow", "slj", "editor", "fault", Priority.NORMAL, "水情信息页面加载缓慢",
     "“实时水情”页面打开需要二十秒以上，高峰时段经常超时。", 35, ["accept", "dispatch-vendor", "start"]),
    ("slow-again", "slj", "siteadmin", "fault", Priority.HIGH, "实时水情页面打不开",
     "实时水情页面经常打不开，请尽快处理。", 28, ["merge:slow"]),
    ("special", "jyj", "editor", "topic", Priority.LOW, "制作2027年招生政策专题",
     "请制作“2027年义务教育招生政策”专题，包括政策文件、政策解读、学区查询和常见问题四个栏目。", 42,
     ["accept", "dispatch-platform"]),
    ("captcha", "portal", "handler", "fault", Priority.URGENT, "互动交流页面验证问题不显示",
     "“我要写信”页面的验证问题不显示，群众无法提交留言。", 7, ["accept", "dispatch-vendor", "start", "fix"]),
    ("leaders", "shuyang", "leader", "correction", Priority.HIGH, "领导信息页面分工需更新",
     "“领导信息”页面中一位副县长的分工已调整，请按最新分工文件更新。", 70,
     ["accept", "dispatch-platform", "start", "fix", "confirm"]),
    ("accessible", "sucheng", "handler", "feature", Priority.NORMAL, "网站增加无障碍浏览入口",
     "请在网站页头增加“无障碍浏览”入口，并支持键盘操作。", 56,
     ["accept", "dispatch-vendor", "start", "fix", "reopen"]),
    ("footer", "jyj", "editor", "correction", Priority.NORMAL, "首页底部备案号显示错误",
     "首页底部的ICP备案号少了一位数字。", 14, ["withdraw"]),
    ("login-page", "portal", "siteadmin", "security", Priority.HIGH, "检测发现后台登录页可从外网访问",
     "安全检测报告指出后台登录页面可以从互联网直接访问，请限制为政务网内访问。", 1.7, ["accept"]),
    ("opendata", "slj", "handler", "other", Priority.LOW, "数据开放栏目的数据集需要按月更新",
     "“河道水位”数据集已两个月未更新，请协助配置自动更新。", 49,
     ["accept", "dispatch-platform", "start", "fix", "confirm"]),
]  # fmt: skip
NOTES = {
    "return": "请写明拟增设子栏目的名称、上级栏目和栏目内容保障单位后重新提交。",
    "fix": "已排查并修复，请核实。",
    "reopen": "入口已增加，但用键盘无法切换到该入口，请继续处理。",
    "withdraw": "已由本单位在站点设置中自行更正。",
}


def _working_back(plan, now: datetime, hours: float) -> datetime:
    """The latest moment with `hours` of working time between it and `now` (to the minute)."""
    wanted = timedelta(hours=hours)
    early, late = now - timedelta(days=60), now
    while late - early > timedelta(minutes=1):
        middle = early + (late - early) / 2
        if working_time_between(plan, middle, now) >= wanted:
            early = middle
        else:
            late = middle
    return early.replace(second=0, microsecond=0)


def _moments(plan, now: datetime, hours: float, steps: int) -> list[datetime]:
    """When an order submitted `hours` of working time before now was submitted, and its steps after that,
    spread evenly over working time (all before now)."""
    start = _working_back(plan, now, hours)
    gap = timedelta(hours=min(hours / (steps + 1), 7))
    return [start] + [add_working_time(plan, start, gap * k).due for k in range(1, steps + 1)]


def _vendor(spec: dict, admin) -> tuple[object, int]:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=VENDOR_USERNAME, defaults={"first_name": "运维服务商工程师", "email": "vendor@example.com"}
    )
    if created:
        user.set_password(spec["password"])
        user.save()
    account = VendorAccount.objects.filter(user=user).first()
    if account is None:
        account = VendorAccount(user=user, company=VENDOR_COMPANY, phone="0527-84360000")
        services.save_vendor_account(account, admin)
        return user, int(created) + 1
    return user, int(created)


def build_workorder_demo(spec: dict, now: datetime, admin) -> int:
    """Make the demo's orders and the vendor account; returns how many records were created."""
    vendor, made = _vendor(spec, admin)
    if WorkOrder.objects.filter(title=ORDERS[0][5], source="manual").exists():
        return made
    users = get_user_model().objects
    sites = {
        site_spec["key"]: Site.objects.get(hostname=site_spec["hostname"]) for site_spec in spec["sites"]
    }
    made_orders: dict[str, WorkOrder] = {}
    plan = deadlines.schedule()
    for key, site_key, suffix, kind, priority, title, description, back, steps in ORDERS:
        site = sites[site_key]
        requester = users.get(username=f"{site_key}-{suffix}")
        reviewer = users.get(username=f"{site_key}-siteadmin")
        moments = iter(_moments(plan, now, back, len(steps)))
        order = services.submit(
            site,
            requester,
            kind=WorkOrderKind.objects.get(code=kind),
            priority=priority,
            title=title,
            description=description,
            url=f"{site.root_url}/",
            now=next(moments),
        )
        for step in steps:
            at = next(moments)
            if step == "edit":
                order = services.edit(
                    order,
                    requester,
                    changes={"description": description + "已影响首页展示，请尽快处理。"},
                    now=at,
                )
            elif step == "accept":
                order = services.accept(order, reviewer, now=at)
            elif step == "return":
                order = services.return_order(order, reviewer, reason=NOTES["return"], now=at)
            elif step.startswith("dispatch"):
                to_vendor = step == "dispatch-vendor"
                order = services.dispatch(
                    order,
                    admin,
                    assignee_kind=Assignee.VENDOR if to_vendor else Assignee.PLATFORM,
                    assignee=vendor if to_vendor else admin,
                    now=at,
                )
            elif step == "start":
                order = services.start(order, order.assignee, now=at)
            elif step == "fix":
                order = services.fix(order, order.assignee, note=NOTES["fix"], now=at)
            elif step == "confirm":
                order = services.confirm(order, requester, now=at)
            elif step == "reopen":
                order = services.reopen(order, requester, reason=NOTES["reopen"], now=at)
            elif step.startswith("merge:"):
                order = services.merge(order, reviewer, duplicate_of=made_orders[step[6:]], now=at)
            elif step == "withdraw":
                order = services.withdraw(order, requester, reason=NOTES["withdraw"], now=at)
        made_orders[key] = order
    return made + len(made_orders)
