"""The snippet admin of charts (数据图表): a form that lists the columns of the resources a person may
manage, checks the chart can be drawn, and saves through `charts.save_chart` / `charts.delete_chart`.

Registered by the app's `wagtail_hooks.py` (`register_snippet(DataChartViewSet)`); being a snippet is also
what lets `DataChartBlock` offer a chooser in topic pages and articles.

The form works without JavaScript: the column lists hold the columns of every resource, grouped by
resource ("数据集 · 资源"), and the choice must belong to the resource chosen above; the form says so when
it does not.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet

from . import charts
from .enums import ColumnType, VersionStatus
from .models import DataChart, Resource

FILTER_HELP = (
    "可选，每行一个条件，格式为“字段:运算符:值”，如 区县:eq:沭阳县。字段可填原表头或显示名。"
    "运算符：eq 等于、ne 不等于、lt 小于、lte 小于等于、gt 大于、gte 大于等于、contains 包含、"
    "in 属于其中之一（多个值用 | 分隔）。多个条件须同时满足。"
)


def _choice(resource: Resource, key: str) -> str:
    return f"{resource.pk}:{key}"


def _split_choice(value: str) -> tuple[int | None, str]:
    resource_id, _, key = (value or "").partition(":")
    return (int(resource_id) if resource_id.isdigit() else None), key


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Resource) -> str:
        return f"{obj.dataset.title} · {obj.title}"


class DataChartForm(WagtailAdminModelForm):
    resource = ResourceChoiceField(
        label="数据资源",
        queryset=Resource.objects.none(),
        empty_label="请选择数据资源",
        help_text="只列出已成功导入数据、您有权管理的数据资源。",
    )
    label_column = forms.ChoiceField(
        label="分类字段", help_text="作为横轴或扇区名称的字段，须属于上面所选的数据资源。"
    )
    value_columns = forms.MultipleChoiceField(
        label="数值字段",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="一个或多个整数或数值字段（饼图只能一个）；汇总方式为“计数”时可不选，统计各分类的行数。",
    )
    filters = forms.CharField(
        label="筛选条件", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=FILTER_HELP
    )

    class Meta:
        model = DataChart
        fields = [
            "resource",
            "title",
            "kind",
            "label_column",
            "value_columns",
            "aggregation",
            "filters",
            "unit_label",
            "summary",
            "max_points",
            "show_on_dataset",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        resources = (
            Resource.objects.filter(current_version__status=VersionStatus.LOADED)
            .select_related("dataset", "current_version")
            .order_by("dataset__title", "sort_order", "pk")
        )
        user = self.for_user
        if user is not None and not user.is_superuser:
            from .queries import editable_datasets

            resources = resources.filter(dataset__in=editable_datasets(user))
        self.fields["resource"].queryset = resources
        groups = []
        for resource in resources:
            options = [
                (_choice(resource, str(column.get("key"))), self._column_label(column))
                for column in resource.current_version.columns or []
            ]
            groups.append((f"{resource.dataset.title} · {resource.title}", options))
        self.fields["label_column"].choices = [("", "请选择分类字段"), *groups]
        self.fields["value_columns"].choices = groups
        chart = self.instance
        if chart.pk and chart.resource_id:
            resource = chart.resource
            self.initial["label_column"] = _choice(resource, chart.label_column)
            self.initial["value_columns"] = [_choice(resource, key) for key in chart.value_columns or []]
            self.initial["filters"] = "\n".join(
                self._filter_line(item, charts.current_version(resource)) for item in chart.filters or []
            )

    def _get_validation_exclusions(self):
        # `clean` checks the value columns (which may be empty for a count) with charts.validate_chart.
        return {*super()._get_validation_exclusions(), "value_columns"}

    @staticmethod
    def _column_label(column: dict) -> str:
        kind = ColumnType(column["type"]).label if column.get("type") in ColumnType.values else ""
        return f"{charts.column_title(column)}（{kind}）" if kind else charts.column_title(column)

    @staticmethod
    def _filter_line(item: dict, version) -> str:
        key = str(item.get("column", ""))
        if version is not None:
            column = next((c for c in version.columns or [] if c.get("key") == key), None)
            key = charts.column_title(column) if column else key
        return f"{key}:{item.get('op', '')}:{item.get('value', '')}"

    def clean(self):
        cleaned = super().clean()
        resource = cleaned.get("resource")
        if resource is None:
            return cleaned
        label_id, label_key = _split_choice(cleaned.get("label_column", ""))
        if cleaned.get("label_column") and label_id != resource.pk:
            self.add_error("label_column", "分类字段须是所选数据资源的字段。")
        value_choices = [_split_choice(value) for value in cleaned.get("value_columns") or []]
        if any(resource_id != resource.pk for resource_id, _key in value_choices):
            self.add_error("value_columns", "数值字段须是所选数据资源的字段。")
        version = charts.current_version(resource)
        lines = [line.strip() for line in (cleaned.get("filters") or "").splitlines() if line.strip()]
        stored_filters = []
        try:
            stored_filters = charts.parse_chart_filters(lines, version) if version else []
        except ValidationError as error:
            self.add_error("filters", error)
        if self.errors:
            return cleaned
        cleaned["label_column"] = label_key
        cleaned["value_columns"] = [key for _resource_id, key in value_choices]
        cleaned["filters"] = stored_filters
        try:
            charts.validate_chart(
                resource=resource,
                kind=cleaned.get("kind"),
                label_column=label_key,
                value_columns=cleaned["value_columns"],
                aggregation=cleaned.get("aggregation"),
                filters=stored_filters,
                max_points=cleaned.get("max_points") or 0,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


class DataChartCreateView(CreateView):
    def save_instance(self):
        return charts.save_chart(self.form.save(commit=False), actor=self.request.user, now=timezone.now())


class DataChartEditView(EditView):
    def save_instance(self):
        return charts.save_chart(self.form.save(commit=False), actor=self.request.user, now=timezone.now())


class DataChartDeleteView(DeleteView):
    def delete_action(self):
        charts.delete_chart(self.object, actor=self.request.user)


class DataChartViewSet(SnippetViewSet):
    model = DataChart
    icon = "table"
    menu_label = "数据图表"
    add_to_admin_menu = False
    add_view_class = DataChartCreateView
    copy_view_enabled = False  # a copy would be saved by the generic create view, past the service
    edit_view_class = DataChartEditView
    delete_view_class = DataChartDeleteView
    list_display = ["title", "resource", "kind", "aggregation", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    edit_handler = ObjectList(
        [
            FieldPanel("resource"),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("aggregation")]),
            MultiFieldPanel(
                [FieldPanel("label_column"), FieldPanel("value_columns"), FieldPanel("filters")],
                heading="数据",
            ),
            FieldRowPanel([FieldPanel("unit_label"), FieldPanel("max_points")]),
            FieldPanel("summary"),
            FieldPanel("show_on_dataset"),
        ],
        base_form_class=DataChartForm,
    )
