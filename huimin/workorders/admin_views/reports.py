"""工单统计 in the admin: a year's work orders per unit, kind and month (opened, closed, open and overdue now,
closed late, time to fix in working hours) and the same as XLSX. The platform team sees every site, a
站点管理员 the sites they administer (another site asked for by address answers 404); anyone else is
refused in Chinese. Exports are written to the audit log."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.admin_menu import MenuEntry
from huimin.core.audit import record_export
from huimin.core.exports import attachment

from .. import reports

REFUSED = "只有平台管理员和站点管理员可以查看工单统计。"
REPORT_URL = "workorders_report"
EXPORT_URL = "workorders_report_export"


def _require(request) -> None:
    if not reports.may_see_reports(request.user):
        raise PermissionDenied(REFUSED)


def _site(request):
    """The site asked for with `?site=`, if this person may see it; 404 for any other (not even whether it
    exists is told)."""
    text = (request.GET.get("site") or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise Http404("没有这个站点。")
    site = reports.visible_sites(request.user).filter(pk=int(text)).first()
    if site is None:
        raise Http404("没有这个站点。")
    return site


def _year(request, now) -> tuple[int, str]:
    """(the year asked for, or this year, and an error message when the asked one cannot be used)."""
    this_year = timezone.localtime(now).year
    text = (request.GET.get("year") or "").strip()
    if not text:
        return this_year, ""
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return this_year, f"年度须写成四位数字，如 {this_year}。下面显示本年度的统计。"
    year = int(text)
    try:
        reports.year_bounds(year)
    except reports.ReportError as error:
        return this_year, f"{error}下面显示本年度的统计。"
    return year, ""


class ReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "workorders/report.html"
    page_title = "工单统计"
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        site = _site(self.request)
        year, error = _year(self.request, now)
        report = reports.build(self.request.user, year, now, site=site)
        offered = reports.years(self.request.user, now)
        if year not in offered:
            offered = sorted({*offered, year}, reverse=True)
        query = {"year": year, **({"site": site.pk} if site else {})}
        context.update(
            {
                "report": report,
                "error": error,
                "years": offered,
                "sites": reports.visible_sites(self.request.user),
                "chosen_site": site,
                "columns": reports.COLUMNS,
                "tables": [
                    ("wo-by-unit", "按单位", "单位", report.by_unit),
                    ("wo-by-kind", "按类型", "类型", report.by_kind),
                    ("wo-by-month", "按月份", "月份", report.by_month),
                ],
                "export_url": reverse(EXPORT_URL) + "?" + urlencode(query),
            }
        )
        return context

    def render_to_response(self, context, **kwargs):
        if context.get("error"):
            kwargs.setdefault("status", 400)
        return super().render_to_response(context, **kwargs)


def export(request):
    """The report as XLSX (recorded in the audit log)."""
    _require(request)
    now = timezone.now()
    site = _site(request)
    year, error = _year(request, now)
    if error:
        raise Http404(error)
    report = reports.build(request.user, year, now, site=site)
    filters = {"year": str(year), "site": site.hostname if site else "全部站点"}
    record_export(request, request.user, "工单统计", count=len(report.lines), fmt="xlsx", filters=filters)
    scope = f"-{site.hostname}" if site else ""
    return attachment(reports.as_xlsx(report), f"工单统计-{year}{scope}.xlsx")


urlpatterns = [
    path("reports/", ReportView.as_view(), name=REPORT_URL),
    path("reports/export.xlsx", export, name=EXPORT_URL),
]

MENU = [MenuEntry("工单统计", REPORT_URL, "table", 80, reports.may_see_reports)]
