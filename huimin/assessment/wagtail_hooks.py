"""The admin of 年度考核: the 年度考核 menu and its screens' URLs (from each admin_views module), the
indicator table's editor, and the audit log's action labels."""

from wagtail import hooks

from huimin.core.admin_menu import register_submenu

from .admin_views import sheets, submissions, supervision, tables
from .enums import Adoption, SubmissionKind
from .queries import uses_assessment
from .services import sheets as sheet_services
from .services import submissions as submission_services
from .services import tables as table_services

register_submenu(
    name="assessment",
    label="年度考核",
    icon="tasks",
    order=275,
    prefix="assessment",
    modules=(sheets, tables, submissions, supervision),
    shown=uses_assessment,
)


@hooks.register("register_log_actions")
def register_assessment_log_actions(actions):
    known = {**table_services.LOG_ACTIONS, **sheet_services.LOG_ACTIONS, **submission_services.LOG_ACTIONS}
    for action, (label, message) in known.items():
        actions.register_action(action, label, message)


@hooks.register("register_audit_value_labels")
def register_assessment_value_labels():
    """The codes the assessment writes into audit entries, in words."""
    return {"kind": dict(SubmissionKind.choices), "adoption": dict(Adoption.choices)}
