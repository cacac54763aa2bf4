"""考核指标表 in the admin: a year's method (weights, base counts, adoption points and the rows,
edited inline) as a Wagtail ModelViewSet for assessors only. Every save is checked by
`services.tables.check_settings` and `check_rows` (the problems shown in Chinese, nothing saved).
复制到新年度 calls `services.tables.copy_table`; while no table exists, 从 2022 年办法导入 calls
`services.tables.seed_table`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import FormView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from huimin.workdays.working_time import SHANGHAI

from ..forms_sheets import YearForm
from ..models import IndicatorTable, ManualFinding, OutsideResult, ScoreSheet
from ..queries import is_assessor
from ..services import tables as table_services
from . import MenuEntry

SETTINGS = ("weights", "base_counts", "adoption_points", "assurance_points")


class AssessorPermissionPolicy(BasePermissionPolicy):
    """Assessors may do everything with indicator tables; nobody else anything."""

    def user_has_permission(self, user, action):
        return is_assessor(user)

    def user_has_any_permission(self, user, actions):
        return is_assessor(user)

    def users_with_any_permission(self, actions):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True)
                | Q(
                    user_permissions__codename="assess",
                    user_permissions__content_type__app_label="huimin_assessment",
                )
                | Q(
                    groups__permissions__codename="assess",
                    groups__permissions__content_type__app_label="huimin_assessment",
                )
            )
            .distinct()
        )

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class TableForm(WagtailAdminModelForm):
    """The table and its rows, checked as a whole: the settings, the rows (kinds, bases, sources, each
    一级指标 adding up to its points) and rows that may not go (findings or results recorded against them)."""

    def is_valid(self):
        if not super().is_valid():
            return False
        problems = table_services.check_settings(*(self.cleaned_data.get(name) for name in SETTINGS))
        formset = self.formsets.get("indicators")
        rows, deleted = [], []
        if formset is not None:
            deleted = [form for form in formset.deleted_forms]
            kept = [
                form for form in formset.forms if form not in deleted and getattr(form, "cleaned_data", None)
            ]
            kept.sort(key=lambda form: form.cleaned_data.get("ORDER") or 0)
            rows = [{key: form.cleaned_data.get(key) for key in table_services.ROW_FIELDS} for form in kept]
        problems += table_services.check_rows(rows)
        for form in deleted:
            row = form.instance
            if row.pk and (
                ManualFinding.objects.filter(indicator=row).exists()
                or OutsideResult.objects.filter(indicator=row).exists()
            ):
                problems.append(f"指标“{row.name}”已有抽查记录或外部结果，不能删除。")
        if self.instance.pk and "year" in self.changed_data and _in_use(self.instance):
            problems.append("该指标表已有抽查记录、外部结果或评分表，不能修改考核年度；请复制到新年度。")
        for problem in problems:
            self.add_error(None, problem)
        return not problems


def _in_use(table: IndicatorTable) -> bool:
    return (
        ManualFinding.objects.filter(indicator__table=table).exists()
        or OutsideResult.objects.filter(indicator__table=table).exists()
        or ScoreSheet.objects.filter(year=table.year).exists()
    )


class TableIndexView(IndexView):
    page_title = "考核指标表"

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if not IndicatorTable.objects.exists():
            buttons.append(
                HeaderButton("从 2022 年办法导入", url=reverse("assessment_table_seed"), icon_name="download")
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                "复制到新年度",
                reverse("assessment_table_copy", args=[instance.pk]),
                icon_name="copy",
                priority=25,
            )
        )
        return buttons


class TableCreateView(CreateView):
    error_message = "考核指标表未能保存，请按提示修改。"
    success_message = "已保存%(object)s。"


class TableEditView(EditView):
    error_message = "考核指标表未能保存，请按提示修改。"
    success_message = "已保存%(object)s。"


class TableDeleteView(DeleteView):
    def dispatch(self, request, *args, **kwargs):
        table = get_object_or_404(IndicatorTable, pk=kwargs.get("pk"))
        if _in_use(table):
            messages.error(request, f"{table}已有抽查记录、外部结果或评分表，不能删除。")
            return redirect(reverse("assessment_tables:edit", args=[table.pk]))
        return super().dispatch(request, *args, **kwargs)


class TableViewSet(ModelViewSet):
    model = IndicatorTable
    icon = "list-ol"
    menu_label = "考核指标表"
    add_to_admin_menu = False
    name = "assessment_tables"
    url_prefix = "assessment/tables"
    list_display = [
        "year",
        "title",
        Column("rows", label="指标数", accessor=lambda table: table.indicators.count()),
    ]
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = TableIndexView
    add_view_class = TableCreateView
    edit_view_class = TableEditView
    delete_view_class = TableDeleteView
    edit_handler = ObjectList(IndicatorTable.panels, base_form_class=TableForm)


register_permission_policy(IndicatorTable, AssessorPermissionPolicy(IndicatorTable), exact_class=True)
viewset = TableViewSet()


class _YearFormView(WagtailAdminTemplateMixin, FormView):
    template_name = "assessment/tables/year_form.html"
    form_class = YearForm
    header_icon = "list-ol"

    def dispatch(self, request, *args, **kwargs):
        if not is_assessor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"year": timezone.now().astimezone(SHANGHAI).year + self.initial_offset}

    def form_valid(self, form):
        try:
            table = self.make(form.cleaned_data["year"])
        except ValidationError as error:
            for problem in error.messages:
                form.add_error("year" if "年已有" in problem else None, problem)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error) or "只有考核人员可以管理考核指标表。")
            return self.form_invalid(form)
        messages.success(self.request, self.done(table))
        return redirect(reverse("assessment_tables:edit", args=[table.pk]))


class CopyTableView(_YearFormView):
    page_title = "复制到新年度"
    initial_offset = 1

    def dispatch(self, request, *args, **kwargs):
        self.source = get_object_or_404(IndicatorTable, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"year": self.source.year + 1}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "intro": f"把{self.source}（{self.source.indicators.count()} 项指标、权重、基准条数和"
                "采用积分）复制为新年度的指标表，复制后可继续修改。",
                "submit": "复制",
            }
        )
        return context

    def make(self, year):
        return table_services.copy_table(self.source, year, actor=self.request.user)

    def done(self, table):
        return f"已复制为{table}，请核对并按新年度的办法修改。"


class SeedTableView(_YearFormView):
    page_title = "从 2022 年办法导入"
    initial_offset = 0

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "intro": "按宿政办发〔2022〕1号 附件2 建立所选年度的考核指标表（一级、二级指标及分值、"
                "评分细则、计分方式、加减分和单项否决情形）。",
                "submit": "导入",
            }
        )
        return context

    def make(self, year):
        if not is_assessor(self.request.user):
            raise PermissionDenied
        return table_services.seed_table(year, actor=self.request.user)

    def done(self, table):
        return f"已导入{table}。"


urlpatterns = [
    path("tables/<int:pk>/copy/", CopyTableView.as_view(), name="assessment_table_copy"),
    path("tables/seed/", SeedTableView.as_view(), name="assessment_table_seed"),
]

MENU = [MenuEntry("考核指标表", "assessment_tables:index", "list-ol", 90, is_assessor)]
