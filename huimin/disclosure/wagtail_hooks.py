"""The admin of 依申请公开 and the 年度报告."""

from wagtail import hooks

from .services import LOG_ACTIONS


@hooks.register("register_log_actions")
def register_disclosure_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


from . import report_admin  # noqa: E402, F401  (the annual report's admin hooks)
