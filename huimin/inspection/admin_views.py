"""The platform team's view of inspection in the admin: every target with its latest score and trend,
one run's report (with HTML and XLSX downloads), and the monthly reports and quarterly bulletins."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.exports import XLSX

from . import queries, report
from .enums import Check
from .models import PeriodReport, Run, Target
from .tasks import patrol_task


def download(reports: list[dict], fmt: str, name: str) -> HttpResponse | None:
    if fmt == "html":
        response = HttpResponse(report.as_html(reports), content_type="text/html; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(report.as_xlsx(reports), content_type=XLSX)
    else:
        return None
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def check_label(code: str) -> str:
    """The Chinese name of a check id (the id itself stays in URLs, JSON and the exports' id column)."""
    try:
        return report.CHECK_LABELS[Check(code)]
    except (KeyError, ValueError):
        return "其他检查项"


def labelled_counts(counts: dict) -> list[tuple[str, int]]:
    return [(check_label(code), n) for code, n in sorted(counts.items(), key=lambda item: -item[1])]


class _PlatformView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "search"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TargetsView(_PlatformView):
    template_name = "inspection/admin/targets.html"
    page_title = "巡查检测"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = queries.targets_with_trend()
        for row in rows:
            row["counts"] = labelled_counts(row["latest"].counts) if row["latest"] else []
        context["rows"] = rows
        context["reports"] = PeriodReport.objects.all()[:12]
        return context

    def post(self, request, *args, **kwargs):
        ids = [int(i) for i in request.POST.getlist("targets") if i.isdigit()]
        ids = list(Target.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if not ids:
            messages.error(request, "请勾选要巡查的网站。")
        else:
            patrol_task.enqueue(ids)
            messages.success(request, f"已安排巡查 {len(ids)} 个网站，完成后刷新本页查看结果。")
        return redirect(reverse("inspection_targets"))


class RunView(_PlatformView):
    template_name = "inspection/admin/run.html"
    page_title = "巡查结果"

    def get_page_title(self):
        run = getattr(self, "run", None)
        return f"巡查结果：{run.target.name}" if run is not None else self.page_title

    def get(self, request, *args, **kwargs):
        self.run = get_object_or_404(Run.objects.select_related("target"), pk=kwargs["pk"])
        fmt = request.GET.get("format", "")
        file = download([self.run.report], fmt, f"inspection-{self.run.pk}") if fmt else None
        return file or super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.run.report
        context.update(
            {"run": self.run, "summary": report.summary(data), "findings": report.labelled(data)[:500],
             "total": len(data["findings"])}
        )  # fmt: skip
        return context


class PeriodReportView(_PlatformView):
    template_name = "inspection/admin/period.html"

    def get(self, request, *args, **kwargs):
        self.saved = get_object_or_404(PeriodReport, pk=kwargs["pk"])
        fmt = request.GET.get("format", "")
        if fmt:
            runs = Run.objects.in_bulk([row["run_id"] for row in self.saved.rows])
            reports = [runs[row["run_id"]].report for row in self.saved.rows if row["run_id"] in runs]
            file = download(reports, fmt, f"inspection-{self.saved.period}")
            if file:
                return file
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.saved)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["saved"] = self.saved
        context["rows"] = [
            {
                **row,
                "worst": [
                    {**f, "check_label": check_label(f.get("check", ""))} for f in row.get("worst", [])
                ],
            }
            for row in self.saved.rows
        ]
        return context
