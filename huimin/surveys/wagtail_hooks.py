"""The surveys app in the admin and in page serving: the screens' URLs and menu item, the 工作台 panel, the
audit log's action labels, and the 征集调查 column's list of activities.

The column: a site's 征集调查 column is a ColumnPage (ColumnType 征集调查) whose children are SurveyPages.
Its page is served as every column is (ColumnPage.serve and its context); `serve_survey_column` then swaps
the template for one that groups the activities by state and adds the groups to the context. Wagtail's
view restrictions and every other serving hook run as for any page, before this one (the highest `order`
makes it the innermost of the `on_serve_page` chain).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from huimin.core.dashboard import Row, WorkbenchPanel

from . import admin_views, queries
from .enums import FeedbackStatus
from .services import LOG_ACTIONS

COLUMN_TYPE = "征集调查"
COLUMN_TEMPLATE = "surveys/column_page.html"
ENDED_PER_PAGE = 20
PANEL_ROWS = 8


@hooks.register("register_admin_urls")
def register_survey_urls():
    return [
        path("surveys/", admin_views.SurveyListView.as_view(), name="surveys_admin_list"),
        path("surveys/<int:pk>/", admin_views.SurveyDetailView.as_view(), name="surveys_admin_detail"),
        path("surveys/<int:pk>/export/", admin_views.export, name="surveys_admin_export"),
    ]


class SurveysMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(queries.staff_sites(request.user)) or queries.managed_surveys(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_surveys_menu_item():
    return SurveysMenuItem("征集调查", reverse("surveys_admin_list"), icon_name="form", order=246)


@hooks.register("register_log_actions")
def register_survey_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


# --- the column ------------------------------------------------------------------------------------------


def is_survey_column(page) -> bool:
    from huimin.sites.models import ColumnPage

    return isinstance(page, ColumnPage) and page.column_type.name == COLUMN_TYPE


def column_context(column, request, now) -> dict:
    """The activities of the column by state (each with `current_state`), the ended ones paged, and the
    column's other dated items that are not activities."""
    from .models import SurveyPage

    groups = queries.grouped(column, now)
    for group in groups.values():
        for survey in group:
            survey.current_state = survey.state(now)
    groups["ended_surveys"] = Paginator(groups["ended_surveys"], ENDED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return {**groups, "other_items": [p for p in column_pages(column) if not isinstance(p, SurveyPage)]}


def column_pages(column) -> list:
    from huimin.sites import queries as site_queries

    return site_queries.column_pages(column)


@hooks.register("on_serve_page", order=100)
def serve_survey_column(next_serve):
    def serve(page, request, args, kwargs):
        response = next_serve(page, request, args, kwargs)
        if (
            isinstance(response, TemplateResponse)
            and not response.is_rendered
            and response.context_data is not None
            and response.context_data.get("page") is page
            and is_survey_column(page)
        ):
            response.template_name = COLUMN_TEMPLATE
            response.context_data.update(column_context(page, request, timezone.now()))
        return response

    return serve


# --- 工作台 -----------------------------------------------------------------------------------------------


def _day(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def surveys_panel(user, now=None) -> WorkbenchPanel | None:
    """征集调查: this year's count (the year before now) against the target for each site the person follows,
    and the activities of their units awaiting their 结果反馈 (due date) or past it."""
    sites = queries.staff_sites(user)
    managed = queries.managed_surveys(user)
    if not sites and not managed.exists():
        return None
    now = now or timezone.now()
    base = reverse("surveys_admin_list")
    counts = []
    for year in queries.year_counts(sites, now):
        note = f"目标 {year.target} 次" + ("，已达标" if year.met else f"，尚差 {year.shortfall} 次")
        counts.append(Row(f"{year.name} 近一年征集调查", year.count, url=base, note=note, alert=not year.met))
    waiting = [
        queries.tracking(survey, now)
        for survey in managed.filter(closes_at__lte=now, closes_at__gt=queries.year_start(now))
    ]
    waiting = [t for t in waiting if t.status in (FeedbackStatus.AWAITING, FeedbackStatus.OVERDUE)]
    overdue = [t for t in waiting if t.status == FeedbackStatus.OVERDUE]
    counts += [
        Row("待发布结果反馈", len(waiting) - len(overdue), url=base),
        Row("超期未反馈", len(overdue), url=base, alert=True),
    ]
    rows = []
    for item in sorted(waiting, key=lambda t: (t.status != FeedbackStatus.OVERDUE, t.due))[:PANEL_ROWS]:
        days = item.days_left(now)
        if item.status == FeedbackStatus.OVERDUE:
            note = (
                f"{_day(item.survey.closes_at)} 结束，应于 {_day(item.due)} 前发布结果反馈，已超期 {-days} 天"
            )
        else:
            note = f"{_day(item.survey.closes_at)} 结束，须于 {_day(item.due)} 前发布结果反馈，剩余 {days} 天"
        rows.append(
            Row(
                item.survey.title,
                url=reverse("surveys_admin_detail", args=[item.survey.pk]),
                note=note,
                alert=item.status == FeedbackStatus.OVERDUE,
            )
        )
    return WorkbenchPanel(
        "surveys",
        "征集调查",
        order=35,
        counts=counts,
        rows=rows,
        empty="没有待发布的结果反馈。",
        more_url=base,
        more_label="进入征集调查",
    )


@hooks.register("construct_homepage_panels")
def add_surveys_panel(request, panels):
    panel = surveys_panel(request.user)
    if panel is not None:
        panels.append(panel)
