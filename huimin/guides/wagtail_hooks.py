"""Admin integration of the services app: guide checker messages and report, handling statistics."""

from django.contrib import messages
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import statistics_admin  # noqa: F401 - registers the 办事统计 admin views
from .checker import check_guide
from .models import ServiceGuidePage, ServiceTheme, VagueTerm
from .views import GuideReportView


class VagueTermViewSet(SnippetViewSet):
    model = VagueTerm
    menu_label = "模糊表述词"
    icon = "warning"
    add_to_admin_menu = True
    menu_order = 270
    list_display = ["text", "note"]
    search_fields = ["text"]


register_snippet(VagueTermViewSet)


class ServiceThemeViewSet(ModelViewSet):
    model = ServiceTheme
    menu_label = "办事主题"
    icon = "tag"
    add_to_admin_menu = True
    menu_order = 271
    list_display = ["name", "sort_order"]
    form_fields = ["name", "sort_order"]


@hooks.register("register_admin_viewset")
def register_service_themes():
    return ServiceThemeViewSet("service_themes")


@hooks.register("register_admin_urls")
def register_guide_report_url():
    return [path("reports/guide-check/", GuideReportView.as_view(), name="guide_check_report")]


@hooks.register("register_admin_menu_item")
def register_guide_report_menu_item():
    return MenuItem("办事指南检查", reverse("guide_check_report"), icon_name="tasks", order=272)


def guide_warnings(request, page) -> None:
    """Show the checker's problems of a just-saved guide as warnings, one per problem with its deduction."""
    page = page.specific
    if not isinstance(page, ServiceGuidePage):
        return
    for problem in check_guide(page.get_latest_revision_as_object()):
        messages.warning(request, f"办事指南检查：{problem.message}（扣{problem.deduction:g}分）")


@hooks.register("after_create_page")
def warn_after_create(request, page):
    guide_warnings(request, page)


@hooks.register("after_edit_page")
def warn_after_edit(request, page):
    guide_warnings(request, page)


# --- 工作台: my guides with problems ------------------------------------------------------------------------

GUIDE_ROWS = 6


def guides_panel(user):
    """办事指南问题: the guides on the sites this person edits or administers that the guide checker finds
    fault with, the worst first (the platform administrator sees the report instead)."""
    from wagtail.models import Site

    from huimin.core.dashboard import Row, WorkbenchPanel
    from huimin.sites.enums import Role
    from huimin.sites.models import Membership

    if user.is_superuser:
        return None
    site_ids = set(
        Membership.objects.filter(user=user, role__in=(Role.EDITOR, Role.SITE_ADMIN)).values_list(
            "site_id", flat=True
        )
    )
    if not site_ids:
        return None
    guides = ServiceGuidePage.objects.none()
    for site in Site.objects.filter(pk__in=site_ids).select_related("root_page"):
        guides = guides | ServiceGuidePage.objects.descendant_of(site.root_page, inclusive=True)
    checked = []
    for guide in guides.order_by("title"):
        problems = check_guide(guide)
        if problems:
            checked.append((guide, problems))
    checked.sort(key=lambda item: -sum(p.deduction for p in item[1]))
    rows = [
        Row(
            guide.title,
            url=reverse("wagtailadmin_pages:edit", args=[guide.pk]),
            note="；".join(p.message for p in problems[:2])
            + (f" 等 {len(problems)} 个问题" if len(problems) > 2 else ""),
            alert=True,
        )
        for guide, problems in checked[:GUIDE_ROWS]
    ]
    return WorkbenchPanel(
        "guides",
        "办事指南问题",
        order=30,
        counts=[Row("有问题的指南", len(checked), url=reverse("guide_check_report"), alert=True)],
        rows=rows,
        empty="您负责的办事指南没有发现问题。",
        more_url=reverse("guide_check_report"),
        more_label="查看办事指南检查报告",
    )


@hooks.register("construct_homepage_panels")
def add_guides_panel(request, panels):
    panel = guides_panel(request.user)
    if panel is not None:
        panels.append(panel)
