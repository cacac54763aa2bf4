"""The admin of 内容安全: the menu and its screens (`admin_views`), and the audit log's action labels."""

from wagtail import hooks

from huimin.core.admin_menu import register_submenu

from . import admin_views
from .services import LOG_ACTIONS, may_read_dictionary

register_submenu(
    name="safety",
    label="内容安全",
    icon="warning",
    order=265,
    prefix="safety",
    modules=(admin_views,),
    shown=may_read_dictionary,
)


@hooks.register("register_log_actions")
def register_safety_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
