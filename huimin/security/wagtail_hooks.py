"""The admin of 安全预警: its submenu and screens (one module per concept in admin_views), the 工作台 panel
and the audit log's action labels."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from huimin.core.admin_menu import register_submenu
from huimin.core.dashboard import Row, WorkbenchPanel

from . import queries
from .admin_views import alerts, exercises, scans
from .enums import AlertState
from .services import LOG_ACTIONS

register_submenu(
    name="security",
    label="安全预警",
    icon="warning",
    order=262,
    prefix="security",
    modules=(alerts, exercises, scans),
    shown=queries.uses_security,
)

PANEL_ROWS = 6


def security_panel(user, now=None) -> WorkbenchPanel | None:
    """安全预警: the person's sites' alerts still to act on (unacknowledged first, the most severe first),
    how many escalated, and the quarters without an 应急演练 or 渗透测试."""
    if not queries.uses_security(user):
        return None
    now = now or timezone.now()
    base = reverse("security_alerts")
    active = queries.active_alerts(user)
    waiting = [a for a in active if a.state == AlertState.OPEN]
    gaps = queries.exercise_gaps(queries.visible_sites(user), now)
    counts = [
        Row("待确认", len(waiting), url=f"{base}?state={AlertState.OPEN}", alert=True),
        Row("处置中", len(active) - len(waiting), url=f"{base}?state={AlertState.ACKNOWLEDGED}"),
        Row(
            "已升级",
            sum(1 for a in waiting if a.escalation_level),
            url=f"{base}?state={AlertState.OPEN}",
            alert=True,
        ),
        Row("演练或测试缺失", len(gaps), url=reverse("security_exercises"), alert=True),
    ]
    rows = [
        Row(
            alert.title,
            url=reverse("security_alert", args=[alert.pk]),
            note=f"{alert.get_severity_display()}，{alert.get_state_display()}，首次发现 "
            f"{timezone.localtime(alert.first_seen):%Y-%m-%d %H:%M}"
            + (f"，已升级 {alert.escalation_level} 次" if alert.escalation_level else ""),
            alert=alert.state == AlertState.OPEN,
        )
        for alert in active[:PANEL_ROWS]
    ]
    rows += [Row(gap.text, url=reverse("security_exercises"), alert=gap.current) for gap in gaps[:PANEL_ROWS]]
    return WorkbenchPanel(
        "security",
        "安全预警",
        order=15,
        counts=counts,
        rows=rows,
        empty="没有待处置的安全预警，各季度的应急演练或渗透测试均已登记。",
        more_url=base,
        more_label="进入安全预警",
    )


@hooks.register("construct_homepage_panels")
def add_security_panel(request, panels):
    panel = security_panel(request.user)
    if panel is not None:
        panels.append(panel)


@hooks.register("register_log_actions")
def register_security_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
