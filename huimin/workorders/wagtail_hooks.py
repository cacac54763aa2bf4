"""The admin of 网站工单: the menu and its screens (one module per concept in admin_views), and the audit
log's action labels."""

from wagtail import hooks

from huimin.core.admin_menu import register_submenu

from .admin_views import orders, reports
from .queries import uses_workorders
from .services import LOG_ACTIONS

register_submenu(
    name="workorders",
    label="网站工单",
    icon="clipboard-list",
    order=260,
    prefix="workorders",
    modules=(orders, reports),
    shown=uses_workorders,
)


@hooks.register("register_log_actions")
def register_workorder_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
