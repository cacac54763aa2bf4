from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .models import Target


class PlatformMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_inspection_urls():
    return [
        path("inspection/", admin_views.TargetsView.as_view(), name="inspection_targets"),
        path("inspection/runs/<int:pk>/", admin_views.RunView.as_view(), name="inspection_run"),
        path(
            "inspection/reports/<int:pk>/", admin_views.PeriodReportView.as_view(), name="inspection_period"
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_inspection_menu_item():
    return PlatformMenuItem("巡查检测", reverse("inspection_targets"), icon_name="search", order=250)


class TargetViewSet(ModelViewSet):
    model = Target
    icon = "site"
    menu_label = "巡查对象"
    add_to_settings_menu = True
    list_display = ["name", "url", "active", "max_pages", "last_patrol_on"]
    form_fields = ["name", "url", "active", "max_pages"]


@hooks.register("register_admin_viewset")
def register_targets():
    return TargetViewSet("inspection-targets")
