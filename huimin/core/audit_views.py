"""审计日志 in the admin: every entry of Wagtail's log, filtered, paged, exported as CSV or XLSX.

For the security auditor and platform administrators (permission `huimin_core.view_auditlog`), read only:
the view answers GET and nothing else. Opening it and exporting from it are themselves written to the log.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports.audit_logging import LogEntriesView

from . import audit

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class AuditLogView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "core/audit/index.html"
    page_title = "审计日志"
    header_icon = "history"
    http_method_names = ["get", "head"]

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(audit.AUDIT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = audit.AuditFilterForm(request.GET)
        export = request.GET.get("export", "")
        if not form.is_valid():
            self._record_view(form, invalid=True)
            return self._refuse(form, f"筛选条件有误：{form.error_text()}")
        if export:
            if export not in audit.FORMATS:
                self._record_view(form, invalid=True)
                return self._refuse(form, "只能导出为 CSV 或 Excel（XLSX）文件。")
            return self._export(form, export)
        page = Paginator(audit.entries(form.filters()), audit.PAGE_SIZE).get_page(request.GET.get("p"))
        self._record_view(form, page=page.number)
        return self.render_to_response(
            self.get_context_data(
                form=form, page=page, rows=audit.rows(page.object_list), query=self._query()
            )
        )

    def _query(self) -> str:
        params = self.request.GET.copy()
        for name in ("p", "export"):
            params.pop(name, None)
        return params.urlencode()

    def _refuse(self, form, message: str):
        context = self.get_context_data(form=form, page=None, rows=[], query="", error=message)
        return self.render_to_response(context, status=400)

    def _record_view(self, form, **extra):
        audit.record_view(self.request, form.described(), **extra)

    def _export(self, form, fmt: str):
        entries = audit.entries(form.filters())
        audit.record_export(
            self.request,
            self.request.user,
            "审计日志",
            count=entries.count(),
            fmt=fmt,
            filters=form.described(),
            action=audit.AUDIT_EXPORT,
        )
        filename = f"审计日志-{timezone.localdate():%Y%m%d}.{fmt}"
        if fmt == "csv":
            response = StreamingHttpResponse(audit.csv_stream(entries), content_type=CONTENT_TYPES["csv"])
            response["Content-Disposition"] = content_disposition_header(True, filename)
        else:
            response = FileResponse(
                audit.xlsx_file(entries),
                as_attachment=True,
                filename=filename,
                content_type=CONTENT_TYPES["xlsx"],
            )
        response["Cache-Control"] = "private, no-store"
        return response


class AuditedSiteHistoryView(LogEntriesView):
    """Wagtail's 网站历史 (reports/site-history/), whose CSV and XLSX exports say who changed what: each
    export is recorded in the audit log like the audit log's own (`huimin/urls.py` puts this view at
    Wagtail's address)."""

    def as_spreadsheet(self, queryset, spreadsheet_format):
        response = super().as_spreadsheet(queryset, spreadsheet_format)
        filters = {key: value for key, value in self.request.GET.items() if key not in ("export", "p")}
        count = (
            queryset.count()
            if hasattr(queryset, "count") and not isinstance(queryset, list)
            else len(queryset)
        )
        audit.record_export(
            self.request, self.request.user, "网站历史", count=count, fmt=spreadsheet_format, filters=filters
        )
        return response
