"""Public view of the guide list: filters by department, theme and service object, search, pagination."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from . import queries


def guide_list_view(index, request):
    filters = queries.GuideFilters.from_params(request.GET)
    results, facets = queries.listing(index, filters)
    page = Paginator(results.select_related("unit"), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    params = filters.as_params()
    context = index.get_context(request)
    context.update(
        {
            "filters": filters,
            "facets": [(name, queries.FACET_LABELS[name], options) for name, options in facets.items()],
            "guides": page,
            "page_query": urlencode(params) + ("&" if params else ""),
        }
    )
    return TemplateResponse(request, index.template, context)


# --- Admin: the guide checker report (办事指南检查) ---------------------------------------------------

import csv  # noqa: E402
import io  # noqa: E402

from django.core.exceptions import PermissionDenied  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.views.generic import TemplateView  # noqa: E402
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin  # noqa: E402
from wagtail.permission_policies.pages import PagePermissionPolicy  # noqa: E402

from huimin.core.exports import safe_cell  # noqa: E402

from .checker import check_guide, total_deduction  # noqa: E402
from .models import ServiceGuidePage  # noqa: E402

EXPORT_HEADER = ["办理机构", "事项名称", "状态", "问题数", "扣分", "问题"]


def editable_guides(user):
    """The guides (live or draft) a person may edit, by Wagtail's page permissions."""
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change", "publish"])
    return ServiceGuidePage.objects.filter(pk__in=editable.values("pk"))


def report_rows(user, *, unit: str = "") -> list[dict]:
    """One row per editable guide with its problems, grouped by unit (ordered by unit, title)."""
    queryset = editable_guides(user).select_related("unit").prefetch_related("bases", "materials", "steps")
    if unit.isdigit():
        queryset = queryset.filter(unit_id=int(unit))
    rows = []
    for guide in queryset.order_by("unit__sort_order", "unit__name", "title"):
        problems = check_guide(guide)
        rows.append(
            {
                "guide": guide,
                "unit": guide.unit.name if guide.unit else "（未指定）",
                "problems": problems,
                "deduction": total_deduction(problems),
            }
        )
    return rows


class GuideReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "guides/admin/guide_report.html"
    page_title = "办事指南检查"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return export_report(report_rows(request.user, unit=request.GET.get("unit", "")), export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self.request.GET.get("unit", "")
        units = {}
        for guide in editable_guides(self.request.user).select_related("unit"):
            if guide.unit:
                units[guide.unit.pk] = guide.unit.name
        context.update(
            {
                "rows": report_rows(self.request.user, unit=chosen),
                "units": sorted(units.items(), key=lambda item: item[1]),
                "chosen_unit": int(chosen) if chosen.isdigit() else None,
            }
        )
        return context


def _export_lines(rows):
    yield EXPORT_HEADER
    for row in rows:
        guide = row["guide"]
        yield [
            safe_cell(row["unit"]),
            safe_cell(guide.title),
            "已发布" if guide.live else "草稿",
            len(row["problems"]),
            row["deduction"],
            safe_cell("；".join(f"{p.message}（扣{p.deduction:g}分）" for p in row["problems"])),
        ]


def export_report(rows, kind: str) -> HttpResponse:
    if kind == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        csv.writer(buffer).writerows(_export_lines(rows))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="guide-check.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "办事指南检查"
    for line in _export_lines(rows):
        sheet.append(line)
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="guide-check.xlsx"'
    return response
