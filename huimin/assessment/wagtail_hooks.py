"""The admin of 年度考核: the 年度考核 menu and its screens' URLs (from each admin_views module), the
indicator table's editor, and the audit log's action labels."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from .admin_views import sheets, submissions, supervision, tables
from .enums import Adoption, SubmissionKind
from .queries import uses_assessment
from .services import sheets as sheet_services
from .services import submissions as submission_services
from .services import tables as table_services

MENU_HOOK = "register_assessment_menu_item"
MODULES = (sheets, tables, submissions, supervision)


@hooks.register("register_admin_urls")
def register_assessment_urls():
    patterns = [pattern for module in MODULES for pattern in module.urlpatterns]
    return [path("assessment/", include(patterns))]


class _EntryItem(MenuItem):
    def __init__(self, entry):
        super().__init__(entry.label, reverse(entry.url_name), icon_name=entry.icon, order=entry.order)
        self.entry = entry

    def is_shown(self, request):
        return bool(self.entry.shown(request.user))


def _entries():
    return sorted((entry for module in MODULES for entry in module.MENU), key=lambda e: e.order)


for _entry in _entries():
    hooks.register(MENU_HOOK, lambda entry=_entry: _EntryItem(entry))


class _AssessmentMenu(SubmenuMenuItem):
    def is_shown(self, request):
        return uses_assessment(request.user)


@hooks.register("register_admin_menu_item")
def register_assessment_menu():
    return _AssessmentMenu(
        "年度考核", Menu(register_hook_name=MENU_HOOK), name="assessment", icon_name="tasks", order=275
    )


@hooks.register("register_log_actions")
def register_assessment_log_actions(actions):
    known = {**table_services.LOG_ACTIONS, **sheet_services.LOG_ACTIONS, **submission_services.LOG_ACTIONS}
    for action, (label, message) in known.items():
        actions.register_action(action, label, message)


for _module in MODULES:
    viewset = getattr(_module, "viewset", None)
    if viewset is not None:
        hooks.register("register_admin_viewset", lambda viewset=viewset: viewset)


@hooks.register("register_audit_value_labels")
def register_assessment_value_labels():
    """The codes the assessment writes into audit entries, in words."""
    return {"kind": dict(SubmissionKind.choices), "adoption": dict(Adoption.choices)}
