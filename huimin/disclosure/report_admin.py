"""The admin of the 政府信息公开工作年度报告: the screen 生成年度报告 (→ `report.make_report`, then the page
editor), 重新计算平台数据 on a draft report (→ `report.recompute`), and the staff's DOCX and XLSX of a report
as it stands in its latest revision. Whoever may not report for the page's site or unit gets a 404 at every
report screen and export (another unit's report is not shown to exist)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from . import exports, report
from .models import AnnualReportPage

WHOLE_SITE = ""


class ReportForm(forms.Form):
    site = forms.TypedChoiceField(
        label="网站", coerce=int, help_text="报告发布在所选网站的“信息公开年报”栏目。"
    )
    unit = forms.TypedChoiceField(
        label="报告单位",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="不选则为该网站全部单位的报告（有自己网站的部门在其网站单独报告）。",
    )
    year = forms.IntegerField(label="报告年度", min_value=report.FIRST_YEAR, max_value=2100)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["site"].choices = [(site.pk, site.site_name or site.hostname) for site, _, _ in choices]
        self.fields["unit"].choices = [(WHOLE_SITE, "（本网站全部单位）")] + [
            (site.site_name or site.hostname, [(unit.pk, unit.name) for unit in units])
            for site, units, _ in choices
            if units
        ]
        self.fields["year"].error_messages.update(
            {
                "invalid": "请填写四位数字的年份，如 2025。",
                "min_value": f"年度不能早于 {report.FIRST_YEAR} 年。",
                "max_value": "请填写正确的年份。",
                "required": "请填写报告年度。",
            }
        )
        self.fields["site"].error_messages["invalid_choice"] = "请选择您可以为其生成报告的网站。"
        self.fields["unit"].error_messages["invalid_choice"] = "请选择您可以为其生成报告的单位。"

    def clean(self):
        data = super().clean()
        chosen = next((item for item in self.choices if item[0].pk == data.get("site")), None)
        if chosen is None:
            return data
        site, units, whole = chosen
        data["site_obj"] = site
        unit_id = data.get("unit")
        if unit_id is None:
            if not whole:
                self.add_error("unit", "您只能为本单位生成报告，请选择报告单位。")
            data["unit_obj"] = None
            return data
        unit = next((item for item in units if item.pk == unit_id), None)
        if unit is None:
            self.add_error("unit", "所选单位不在该网站的报告范围内，或您无权为其生成报告。")
        data["unit_obj"] = unit
        return data


class GenerateReportView(WagtailAdminTemplateMixin, FormView):
    template_name = "disclosure/report_admin/generate.html"
    form_class = ReportForm
    page_title = "生成年度报告"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.choices = report.reportable(request.user)
        if not self.choices:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "choices": self.choices}

    def get_initial(self):
        return {"year": timezone.localtime().year - 1}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reports"] = _reports_for(self.choices)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            page = report.make_report(
                data["site_obj"],
                data["year"],
                unit=data["unit_obj"],
                actor=self.request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            for name, problems in (
                error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
            ):
                form.add_error(name if name in form.fields else None, problems)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error) or "您没有生成该报告的权限。")
            return self.form_invalid(form)
        messages.success(
            self.request, f"已生成《{page.title}》（草稿），请填写文字部分和手工填报的数据后提交审核发布。"
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


def _reports_for(choices) -> list[AnnualReportPage]:
    """The existing reports of the sites and units a person may report for (newest year first)."""
    found = []
    for site, units, whole in choices:
        pages = AnnualReportPage.objects.descendant_of(site.root_page).select_related("unit")
        if not whole:
            pages = pages.filter(unit__in=units)
        found += list(pages.order_by("-year", "title")[:50])
    return found


def _report_or_404(user, page_id: int) -> tuple[AnnualReportPage, Site]:
    page = get_object_or_404(AnnualReportPage.objects.select_related("unit"), pk=page_id)
    site = page.get_site()
    if site is None or not report.can_report(user, site, page.unit):
        raise Http404
    return page, site


class RecomputeView(WagtailAdminTemplateMixin, TemplateView):
    """GET: what recomputing does, with a button; POST: `report.recompute`, back to the editor."""

    template_name = "disclosure/report_admin/recompute.html"
    page_title = "重新计算平台数据"
    header_icon = "resubmit"

    def dispatch(self, request, *args, **kwargs):
        self.report_page, self.site = _report_or_404(request.user, kwargs["page_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draft = self.report_page.get_latest_revision_as_object()
        context.update({"report_page": self.report_page, "draft": draft})
        return context

    def post(self, request, *args, **kwargs):
        try:
            report.recompute(self.report_page, actor=request.user, now=timezone.now())
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已按当前数据重新计算平台统计数据，并保存为新的草稿版本。")
        return redirect(reverse("wagtailadmin_pages:edit", args=[self.report_page.pk]))


class ExportView(View):
    """The report as it stands in its latest revision (a draft included), for the staff who may report."""

    def get(self, request, page_id: int, kind: str):
        if kind not in exports.CONTENT_TYPES:
            raise Http404
        page, _site = _report_or_404(request.user, page_id)
        return exports.download(page.get_latest_revision_as_object(), kind)


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(report.reportable(request.user))


class RecomputeItem(PageMenuItem):
    label = "重新计算平台数据"
    icon_name = "resubmit"
    url_name = "disclosure_report_recompute"

    def is_shown(self, user):
        return not self.page.live


class ExportItem(PageMenuItem):
    icon_name = "download"

    def __init__(self, kind: str, **kwargs):
        super().__init__(**kwargs)
        self.label = f"下载年度报告（{kind.upper()}）"
        self.url = reverse("disclosure_report_export", args=[self.page.pk, kind])


def _is_report(page) -> bool:
    return page.specific_class is not None and issubclass(page.specific_class, AnnualReportPage)


def _report_buttons(page, user, priority: int):
    if not _is_report(page):
        return
    site = page.get_site()
    if site is None or not report.can_report(user, site, page.specific_deferred.unit):
        return
    yield RecomputeItem(page=page, priority=priority)
    yield ExportItem("docx", page=page, priority=priority + 1)
    yield ExportItem("xlsx", page=page, priority=priority + 2)


@hooks.register("register_page_header_buttons")
def report_header_buttons(page, user, view_name, next_url=None):
    yield from _report_buttons(page, user, 35)


@hooks.register("register_page_listing_more_buttons")
def report_listing_more_buttons(page, user, next_url=None):
    yield from _report_buttons(page, user, 25)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("disclosure/reports/new/", GenerateReportView.as_view(), name="disclosure_report_new"),
        path(
            "disclosure/reports/<int:page_id>/recompute/",
            RecomputeView.as_view(),
            name="disclosure_report_recompute",
        ),
        path(
            "disclosure/reports/<int:page_id>/<str:kind>/",
            ExportView.as_view(),
            name="disclosure_report_export",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_report_menu_item():
    return ReportMenuItem("生成年度报告", reverse("disclosure_report_new"), icon_name="doc-full", order=262)


@hooks.register("register_log_actions")
def register_report_log_actions(actions):
    for action, (label, message) in report.LOG_ACTIONS.items():
        actions.register_action(action, label, message)
