"""工作台: the admin home's panels per role. Core holds the panel component, its template, the panel of pages
waiting for the person's approval (Wagtail's own workflow data) and the removal of Wagtail's default panels
that say nothing to a clerk; each app adds its own panels in its `wagtail_hooks.py` with `WorkbenchPanel`
(letters, guides, inspection), so core imports no other Huimin app.

A panel shows counts with links and an empty state in Chinese, only of the person's own sites and units.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import Resolver404, resolve, reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import TaskState

# Wagtail's release notes banner says nothing to a clerk. Its "awaiting your review" list stays: it carries
# the approve and request-changes actions; the approval panel below heads it with the count.
HIDDEN_WAGTAIL_PANELS = {"whats_new_in_wagtail_version"}


@dataclass
class Row:
    label: str
    count: int | None = None
    url: str = ""
    note: str = ""
    alert: bool = False


class WorkbenchPanel(Component):
    """One 工作台 panel: a heading, a summary line of counts, rows of items and an empty state."""

    template_name = "wagtailadmin/huimin/workbench_panel.html"

    def __init__(
        self,
        name: str,
        heading: str,
        *,
        order: int,
        counts: list[Row] = (),
        rows: list[Row] = (),
        empty: str = "",
        more_url: str = "",
        more_label: str = "",
    ):
        self.name = name
        self.heading = heading
        self.order = order
        self.counts = list(counts)
        self.rows = list(rows)
        self.empty = empty
        self.more_url = more_url
        self.more_label = more_label

    def get_context_data(self, parent_context=None):
        return {
            "panel_id": f"workbench-{self.name}",
            "heading": self.heading,
            "counts": self.counts,
            "rows": self.rows,
            "empty": self.empty,
            "more_url": self.more_url,
            "more_label": self.more_label,
            "is_empty": not self.rows and not any(row.count for row in self.counts),
        }


def approvals_panel(user) -> WorkbenchPanel | None:
    """待我审核的页面: how many pages (and snippets) wait at a workflow task this person may approve. The
    items themselves, with their approve and request-changes actions, are in Wagtail's list below it."""
    total = TaskState.objects.reviewable_by(user).count()
    if not total and not _is_reviewer(user):
        return None
    return WorkbenchPanel(
        "approvals",
        "待我审核的页面",
        order=10,
        counts=[Row("待审核", total, url="#awaiting-review" if total else "")],
        empty="没有等待您审核的页面。",
        more_url=reverse("wagtailadmin_reports:workflow") if total else "",
        more_label="查看全部审核流程" if total else "",
    )


def _is_reviewer(user) -> bool:
    from wagtail.models import GroupApprovalTask

    return user.is_superuser or GroupApprovalTask.objects.filter(active=True, groups__user=user).exists()


@hooks.register("construct_homepage_panels")
def build_workbench(request, panels):
    panels[:] = [p for p in panels if getattr(p, "name", "") not in HIDDEN_WAGTAIL_PANELS]
    panel = approvals_panel(request.user)
    if panel is not None:
        panels.append(panel)


# --- the menu: no item a person cannot use ------------------------------------------------------------------
#
# Content tools work on a site's pages; a person who holds no page permission anywhere (the security
# administrator and auditor of 三员分立, docs/decisions/0013) cannot use them, so they are not offered.

CONTENT_TOOL_URLS = {
    "interviews_list",
    "guide_check_report",
    "topics_create_from_template",
    "services_statistics",
    "policy_coverage",
}
CONTENT_TOOL_MENUS = {"opendata"}


def works_on_pages(user) -> bool:
    from wagtail.models import GroupPagePermission

    return user.is_superuser or GroupPagePermission.objects.filter(group__user=user).exists()


def _url_name(url: str) -> str:
    try:
        return resolve(url.split("?")[0]).url_name or ""
    except Resolver404:
        return ""


@hooks.register("construct_main_menu")
def hide_content_tools(request, menu_items):
    if works_on_pages(request.user):
        return
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in CONTENT_TOOL_MENUS
        and _url_name(getattr(item, "url", "") or "") not in CONTENT_TOOL_URLS
    ]


# --- the help menu: nothing that leads off the platform ---------------------------------------------------


@hooks.register("construct_help_menu")
def drop_external_help(request, menu_items):
    """Wagtail's editor guide and release notes live on its project site; the admin offers neither."""
    menu_items[:] = [item for item in menu_items if not str(getattr(item, "url", "")).startswith("http")]
