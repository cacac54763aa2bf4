"""The admin of 运维责任: its submenu (运维责任清单, 值班读网), the 操作手册 in the help menu, the 工作台
panels of 值班读网, and the audit log's action labels."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from huimin.core.admin_menu import register_submenu
from huimin.core.dashboard import Row, WorkbenchPanel

from . import queries
from .admin_views import duty, manuals, responsibility
from .services import LOG_ACTIONS

register_submenu(
    name="operations",
    label="运维责任",
    icon="list-ul",
    order=262,
    prefix="operations",
    modules=(responsibility, duty, manuals),
    shown=queries.uses_operations,
)


@hooks.register("register_log_actions")
def register_operations_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_help_menu_item")
def register_manuals_menu_item():
    return MenuItem("操作手册", reverse(manuals.LIST_URL), icon_name="help", order=900, name="huimin-manuals")


# --- 工作台 ------------------------------------------------------------------------------------------------

SITE_ROWS = 8


def duty_today_panel(user, now=None) -> WorkbenchPanel | None:
    """今日值班: for the person on duty today, each site whose reading is not recorded yet."""
    now = now or timezone.now()
    pending = queries.unrecorded_duty_today(user, now)
    if not pending:
        return None
    names = queries.site_names([entry.site_id for entry in pending])
    day = queries.today(now)
    rows = [
        Row(
            f"{names[entry.site_id]}：今日值班读网未记录",
            url=f"{reverse(duty.RECORD_URL, args=[entry.site_id])}?day={day:%Y-%m-%d}",
            note="浏览网站后，点此记录浏览的页面和发现的问题。",
            alert=True,
        )
        for entry in pending
    ]
    return WorkbenchPanel("duty-today", "今日值班读网", order=15, rows=rows, empty="今日值班读网已记录。")


def duty_panel(user, now=None) -> WorkbenchPanel | None:
    """值班读网: for site administrators (their sites) and the platform administrator (every site), the
    working days of this month without a reading record, per site."""
    if not user.is_authenticated:
        return None
    sites = list(queries.arrange_sites(user).values_list("pk", flat=True))
    if not sites:
        return None
    now = now or timezone.now()
    today = queries.today(now)
    missed = queries.missed_days(sites, today.replace(day=1), today, now)
    names = queries.site_names(sites)
    late = sorted(((len(days), site_id) for site_id, days in missed.items() if days), reverse=True)
    not_started = [site_id for site_id in sites if site_id not in missed]
    rows = [
        Row(
            names[site_id],
            url=reverse(duty.MONTH_URL, args=[site_id]),
            note=f"本月漏记 {count} 个工作日："
            + "、".join(f"{d.month}月{d.day}日" for d in missed[site_id][:10])
            + ("等" if count > 10 else ""),
            alert=True,
        )
        for count, site_id in late[:SITE_ROWS]
    ]
    if not_started:
        rows += [
            Row(names[site_id], url=reverse(duty.ARRANGE_URL, args=[site_id]), note="尚未安排值班读网")
            for site_id in not_started[: max(0, SITE_ROWS - len(rows))]
        ]
    counts = [Row("本月漏记（工作日）", sum(count for count, _site in late), alert=True)]
    if not_started:
        counts.append(Row("尚未安排值班的网站", len(not_started)))
    return WorkbenchPanel(
        "duty",
        "值班读网",
        order=60,
        counts=counts,
        rows=rows,
        empty="本月每个工作日都有值班读网记录。",
        more_url=reverse(duty.LIST_URL),
        more_label="查看值班记录",
    )


@hooks.register("construct_homepage_panels")
def add_duty_panels(request, panels):
    for build in (duty_today_panel, duty_panel):
        panel = build(request.user)
        if panel is not None:
            panels.append(panel)
