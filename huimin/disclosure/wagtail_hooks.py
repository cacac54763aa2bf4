"""The admin of 依申请公开 and the 年度报告: the menu item, the screens' URLs, the 工作台 panel and the audit
log's action labels."""

from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from huimin.core.dashboard import Row, WorkbenchPanel

from . import admin_views, queries
from .enums import Level, State
from .services import LOG_ACTIONS


class DisclosureMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return queries.is_disclosure_staff(user) or queries.may_see_board(user)


@hooks.register("register_admin_urls")
def register_disclosure_urls():
    return [
        path("disclosure/", admin_views.ListView.as_view(), name="disclosure_list"),
        path("disclosure/board/", admin_views.BoardView.as_view(), name="disclosure_board"),
        path("disclosure/<int:pk>/", admin_views.DetailView.as_view(), name="disclosure_detail"),
        path("disclosure/<int:pk>/files/<int:file_pk>/", admin_views.download, name="disclosure_file"),
    ]


@hooks.register("register_admin_menu_item")
def register_disclosure_menu_item():
    return DisclosureMenuItem("依申请公开", reverse("disclosure_list"), icon_name="doc-full", order=242)


# --- 工作台: applications waiting for my unit ------------------------------------------------------------

URGENT_ROWS = 6


def disclosure_panel(user, now=None) -> WorkbenchPanel | None:
    """依申请公开待办: the person's units' applications to register, in hand and awaiting sign-off, and how
    many are near or past their time limit; the most urgent first."""
    if not queries.is_disclosure_staff(user):
        return None
    now = now or timezone.now()
    base = reverse("disclosure_list")
    counts = queries.waiting_counts(user, now)
    summary = [
        Row("待登记", counts[State.SUBMITTED], url=f"{base}?state={State.SUBMITTED}"),
        Row("办理中", counts[State.PROCESSING], url=f"{base}?state={State.PROCESSING}"),
        Row("待审签", counts[State.REVIEW], url=f"{base}?state={State.REVIEW}"),
        Row("临期", counts[Level.WARNING], url=f"{base}?level={Level.WARNING}", alert=True),
        Row("超期", counts[Level.OVERDUE], url=f"{base}?level={Level.OVERDUE}", alert=True),
    ]
    rows = [
        Row(
            f"{row.application.query_code} {row.application.unit.name}",
            url=reverse("disclosure_detail", args=[row.application.pk]),
            note=f"{row.application.get_state_display()}，答复期限 {row.application.due_on:%Y-%m-%d}，"
            + (f"已{row.left_label}" if row.level == Level.OVERDUE else f"临期，剩余 {row.left_label}"),
            alert=row.level == Level.OVERDUE,
        )
        for row in queries.rows(queries.urgent(user, now, URGENT_ROWS), now)
    ]
    return WorkbenchPanel(
        "disclosure",
        "依申请公开待办",
        order=25,
        counts=summary,
        rows=rows,
        empty="没有等待您办理的政府信息公开申请。",
        more_url=base,
        more_label="进入依申请公开",
    )


@hooks.register("construct_homepage_panels")
def add_disclosure_panel(request, panels):
    panel = disclosure_panel(request.user)
    if panel is not None:
        panels.append(panel)


@hooks.register("register_log_actions")
def register_disclosure_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


from . import report_admin  # noqa: E402, F401  (the annual report's admin hooks)
