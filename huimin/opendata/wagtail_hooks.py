"""Admin integration of open data: the 数据开放 menu (datasets and resources, the late-data report, charts,
themes, API keys), its URLs, and the Chinese labels of the app's audit log actions.

Other modules of the app add entries to the menu with the hook `register_opendata_menu_item`.
"""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet

from . import admin_views, api_admin
from .chart_admin import DataChartViewSet
from .models import DataChart, DataTheme

MENU_HOOK = "register_opendata_menu_item"
# Audit log actions written by `services.py` and `platform.py`, with their Chinese labels.
LOG_ACTIONS = {
    "huimin_opendata.version_add": ("上传数据新版本", "上传了数据资源的新版本"),
    "huimin_opendata.version_load": ("后台导入数据版本", "后台导入了数据资源的新版本"),
    "huimin_opendata.columns_set": ("修改数据字段", "修改了数据资源的字段"),
    "huimin_opendata.resource_delete": ("删除数据资源", "删除了数据资源"),
}


class DataThemeViewSet(ModelViewSet):
    model = DataTheme
    icon = "tag"
    menu_label = "数据主题"
    add_to_admin_menu = False
    list_display = ["name", "sort_order"]
    form_fields = ["name", "sort_order"]


theme_viewset = DataThemeViewSet("opendata-themes")
register_snippet(DataChartViewSet)


@hooks.register("register_admin_viewset")
def register_theme_viewset():
    return theme_viewset


@hooks.register("register_admin_urls")
def register_opendata_urls():
    return [
        path("opendata/", admin_views.DatasetListView.as_view(), name="opendata_datasets"),
        path("opendata/<int:page_id>/", admin_views.DatasetAdminView.as_view(), name="opendata_dataset"),
        path("opendata/resources/<int:rid>/upload/", admin_views.upload_view, name="opendata_upload"),
        path("opendata/resources/<int:rid>/fetch/", admin_views.fetch_view, name="opendata_fetch"),
        path("opendata/versions/<int:vid>/", admin_views.VersionView.as_view(), name="opendata_version"),
        path("opendata/late/", admin_views.LateReportView.as_view(), name="opendata_late"),
        *api_admin.admin_urls(),
    ]


class _StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin")


@hooks.register(MENU_HOOK)
def register_datasets_item():
    return _StaffMenuItem("数据集与资源", reverse("opendata_datasets"), icon_name="table", order=10)


@hooks.register(MENU_HOOK)
def register_late_item():
    return _StaffMenuItem("数据更新提醒", reverse("opendata_late"), icon_name="warning", order=20)


@hooks.register(MENU_HOOK)
def register_charts_item():
    return DataChart.snippet_viewset.get_menu_item(order=25)


@hooks.register(MENU_HOOK)
def register_themes_item():
    item = theme_viewset.get_menu_item(order=30)
    return item


@hooks.register(MENU_HOOK)
def register_api_keys_item():
    return api_admin.menu_item()


@hooks.register("register_admin_menu_item")
def register_opendata_menu():
    return SubmenuMenuItem(
        "数据开放", Menu(register_hook_name=MENU_HOOK), name="opendata", icon_name="table", order=265
    )


@hooks.register("register_log_actions")
def register_opendata_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
