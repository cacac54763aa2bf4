"""运维责任清单: every column of a site with who answers for it (unit, person, phone), its update cycle and
content-quality requirement, its last update and next due date, and its state in words; filtered by state
and exported as XLSX. For the site's editors and administrators and the platform administrator; another
site answers 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from huimin.core.audit import record_export
from huimin.core.exports import attachment, safe_cell, workbook_bytes

from .. import queries
from ..enums import ColumnState
from . import MenuEntry, OperationsView, site_or_404

LIST_URL = "operations_responsibility"
SITE_URL = "operations_responsibility_site"
HEADER = [
    "栏目",
    "栏目类型",
    "责任单位",
    "责任人",
    "电话",
    "更新周期（天）",
    "内容质量要求",
    "最近更新",
    "下次应更新",
    "状态",
    "责任信息缺项",
]


def _state(request) -> str:
    value = request.GET.get("state", "")
    return value if value in dict(queries.STATE_FILTERS) else ""


class SitesView(OperationsView):
    """The person's sites, each opening its list (straight to it when there is one)."""

    template_name = "operations/admin/sites.html"
    page_title = "运维责任清单"

    def allowed(self, user) -> bool:
        return queries.responsibility_sites(user).exists()

    def get(self, request, *args, **kwargs):
        sites = list(queries.responsibility_sites(request.user)[:2])
        if len(sites) == 1:
            return redirect(SITE_URL, sites[0].pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sites = list(queries.responsibility_sites(self.request.user))
        names = queries.site_names([site.pk for site in sites])
        context["sites"] = [
            {"name": names[site.pk], "hostname": site.hostname, "url": reverse(SITE_URL, args=[site.pk])}
            for site in sites
        ]
        context["intro"] = "选择网站，查看其全部栏目的责任单位、责任人、更新周期和内容质量要求。"
        return context


class ListView(OperationsView):
    template_name = "operations/admin/responsibility.html"
    page_title = "运维责任清单"

    def get_header_title(self):
        return f"{self.page_title}（{self.site_name}）"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(LIST_URL), "label": "运维责任清单"},
            {"url": "", "label": self.get_header_title()},
        ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.site = site_or_404(queries.responsibility_sites(request.user), kwargs["site_id"])
            self.site_name = queries.site_names([self.site.pk])[self.site.pk]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return export(request, self.site, self.site_name, _state(request))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now, state = timezone.now(), _state(self.request)
        rows = queries.responsibility_rows(self.site, now)
        shown = queries.filter_rows(rows, state)
        params = {"state": state} if state else {}
        context.update(
            {
                "site": self.site,
                "site_name": self.site_name,
                "rows": shown,
                "total": len(rows),
                "counts": queries.state_counts(rows),
                "states": ColumnState,
                "filters": queries.STATE_FILTERS,
                "state": state,
                "export_query": urlencode({**params, "export": "xlsx"}),
                "now": now,
            }
        )
        return context


def _date(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else ""


def export(request, site, site_name: str, state: str):
    """The list as shown (the same filter), every cell safe from being taken for a formula; recorded in the
    audit log."""
    from openpyxl import Workbook

    rows = queries.responsibility_rows(site, timezone.now(), state)
    filters = {"site": site_name}
    if state:
        filters["state"] = dict(queries.STATE_FILTERS)[state]
    record_export(request, site, "运维责任清单", count=len(rows), fmt="xlsx", filters=filters)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("运维责任清单")
    sheet.append(HEADER)
    for row in rows:
        column = row.column
        cells = [
            row.trail,
            column.column_type.name,
            column.responsible_unit.name,
            column.responsible_person,
            column.responsible_phone,
            column.cycle_days,
            column.quality_requirement,
            _date(row.newest),
            f"{row.due:%Y-%m-%d}" if row.due else "",
            row.state.label,
            "、".join(row.missing),
        ]
        sheet.append([safe_cell(cell) for cell in cells])
    return attachment(workbook_bytes(book), f"运维责任清单-{site_name}-{timezone.localdate():%Y%m%d}.xlsx")


urlpatterns = [
    path("responsibility/", SitesView.as_view(), name=LIST_URL),
    path("responsibility/<int:site_id>/", ListView.as_view(), name=SITE_URL),
]

MENU = [
    MenuEntry(
        "运维责任清单", LIST_URL, "list-ul", 10, lambda user: queries.responsibility_sites(user).exists()
    )
]
