"""Admin views of the handling statistics (办事统计): the list by month and unit, the form for one unit's
month, and the import page with its row-by-row report. Every write goes through `statistics.record_month`;
a person sees and records only the units `statistics.recordable_units` gives them (another unit's row is a
404)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import statistics
from .models import HandlingStatistic

PAGE_SIZE = 50


def _allowed(user) -> bool:
    return user.has_perm("wagtailadmin.access_admin") and statistics.recordable_units(user).exists()


class _StatisticsView(WagtailAdminTemplateMixin):
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not _allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StatisticsListView(_StatisticsView, TemplateView):
    template_name = "guides/admin/statistics_list.html"
    page_title = "办事统计"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = statistics.recordable_units(self.request.user)
        rows = HandlingStatistic.objects.filter(unit__in=units).select_related("unit", "updated_by")
        month = statistics.parse_month_param(self.request.GET.get("month"))
        unit_id = self.request.GET.get("unit", "")
        if month:
            rows = rows.filter(month=month)
        if unit_id.isdigit():
            rows = rows.filter(unit_id=int(unit_id))
        months = rows.model.objects.filter(unit__in=units).order_by("-month").values_list("month", flat=True)
        context.update(
            {
                "page": Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("p")),
                "units": units,
                "months": [(f"{m:%Y-%m}", f"{m.year}年{m.month}月") for m in months.distinct()],
                "chosen_month": f"{month:%Y-%m}" if month else "",
                "chosen_unit": int(unit_id) if unit_id.isdigit() else None,
            }
        )
        return context


class StatisticForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label=None)
    month = forms.CharField(
        label="统计月份",
        max_length=7,
        help_text="格式：2026-10。",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}),
    )
    received = forms.IntegerField(label="受理件数", min_value=0, max_value=statistics.MAX_FIGURE)
    completed = forms.IntegerField(label="办结件数", min_value=0, max_value=statistics.MAX_FIGURE)
    online = forms.IntegerField(label="网上办理件数", min_value=0, max_value=statistics.MAX_FIGURE)
    on_time = forms.IntegerField(label="按时办结件数", min_value=0, max_value=statistics.MAX_FIGURE)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_month(self):
        month = statistics.parse_month_param(self.cleaned_data["month"])
        if month is None:
            raise ValidationError("请按“2026-10”的格式填写统计月份。")
        return month


class StatisticFormView(_StatisticsView, FormView):
    """Record one unit's month; editing an existing row replaces its figures."""

    template_name = "guides/admin/statistics_form.html"
    form_class = StatisticForm

    def get_page_title(self):
        return "修改办事统计" if self.kwargs.get("pk") else "录入办事统计"

    def statistic(self):
        if "pk" not in self.kwargs:
            return None
        units = statistics.recordable_units(self.request.user)
        return get_object_or_404(HandlingStatistic.objects.filter(unit__in=units), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "units": statistics.recordable_units(self.request.user)}

    def get_initial(self):
        statistic = self.statistic()
        if statistic is None:
            return {"month": f"{statistics.current_month(timezone.now()) - timedelta(days=1):%Y-%m}"}
        return {
            "unit": statistic.unit,
            "month": f"{statistic.month:%Y-%m}",
            **{name: getattr(statistic, name) for name in statistics.FIGURES},
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            statistic, created = statistics.record_month(
                data["unit"],
                data["month"],
                {name: data[name] for name in statistics.FIGURES},
                actor=self.request.user,
                source=statistics.MANUAL_SOURCE,
                now=timezone.now(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
            return self.form_invalid(form)
        verb = "录入" if created else "更新"
        messages.success(
            self.request,
            f"已{verb}{statistic.unit.name}{statistic.month.year}年{statistic.month.month}月的办事统计。",
        )
        return redirect(reverse("services_statistics") + f"?month={statistic.month:%Y-%m}")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="统计文件",
        help_text="CSV 或 XLSX 文件，第一行为表头：单位、月份、受理件数、办结件数、"
        "网上办理件数、按时办结件数。",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = statistics.max_import_bytes()
        if upload.size > limit:
            raise ValidationError(f"文件过大：不能超过 {limit // (1024 * 1024)} MB。")
        name = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if name not in statistics.ALLOWED_EXTENSIONS:
            raise ValidationError("只能导入 CSV 或 XLSX 文件（旧版 .xls 请先另存为 .xlsx）。")
        return upload


class StatisticsImportView(_StatisticsView, FormView):
    template_name = "guides/admin/statistics_import.html"
    form_class = ImportForm
    page_title = "导入办事统计"

    def get(self, request, *args, **kwargs):
        if request.GET.get("template") == "csv":
            return statistics.template_csv()
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        report = statistics.import_statistics(
            upload.read(), upload.name, actor=self.request.user, now=timezone.now()
        )
        if report.recorded:
            messages.success(
                self.request,
                f"已导入 {report.recorded} 行：新增 {len(report.created)} 行，"
                f"更新 {len(report.updated)} 行。",
            )
        return self.render_to_response(self.get_context_data(form=self.form_class(), report=report))


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return _allowed(request.user)


@hooks.register("register_admin_urls")
def register_statistics_urls():
    return [
        path("statistics/", StatisticsListView.as_view(), name="services_statistics"),
        path("statistics/add/", StatisticFormView.as_view(), name="services_statistics_add"),
        path("statistics/<int:pk>/", StatisticFormView.as_view(), name="services_statistics_edit"),
        path("statistics/import/", StatisticsImportView.as_view(), name="services_statistics_import"),
    ]


@hooks.register("register_admin_menu_item")
def register_statistics_menu_item():
    return StatisticsMenuItem("办事统计", reverse("services_statistics"), icon_name="table", order=250)


@hooks.register("register_log_actions")
def register_statistics_log_actions(actions):
    actions.register_action(statistics.RECORD_ACTION, "录入办事统计", "录入了办事统计")
