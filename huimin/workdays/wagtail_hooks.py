from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .checks import missing_years
from .models import CalendarDay, WorkCalendar


class WorkCalendarViewSet(ModelViewSet):
    model = WorkCalendar
    icon = "calendar"
    menu_label = "日历与工作时间"
    list_display = ["name", "slug", "parent", "working_hours", BooleanColumn("is_default", label="默认日历")]
    form_fields = ["name", "slug", "parent", "working_hours", "is_default"]
    add_view_class = admin_views.CalendarCreateView
    copy_view_enabled = False  # a copy would be saved by the generic create view, past the service
    edit_view_class = admin_views.CalendarEditView
    delete_view_class = admin_views.CalendarDeleteView


class CalendarDayViewSet(ModelViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = "节假日与调休"
    list_display = ["date", "kind", "name", "calendar"]
    list_filter = ["calendar", "kind"]
    search_fields = ["name"]
    form_fields = ["calendar", "date", "kind", "name"]
    add_view_class = admin_views.DayCreateView
    copy_view_enabled = False
    edit_view_class = admin_views.DayEditView
    delete_view_class = admin_views.DayDeleteView


class WorkdaysViewSetGroup(ViewSetGroup):
    menu_label = "工作日历"
    menu_icon = "calendar"
    menu_order = 260
    items = (WorkCalendarViewSet("calendars"), CalendarDayViewSet("calendar-days"))


@hooks.register("register_admin_viewset")
def register_workdays_viewsets():
    return WorkdaysViewSetGroup()


@hooks.register("register_admin_urls")
def register_notice_url():
    return [path("workdays/notice/", admin_views.NoticeImportView.as_view(), name="workdays_notice")]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_notice_menu_item():
    return SuperuserMenuItem("录入年度放假安排", reverse("workdays_notice"), icon_name="date", order=900)


@hooks.register("construct_homepage_panels")
def add_missing_holidays_panel(request, panels):
    if request.user.is_superuser:
        years = missing_years()
        if years:
            panels.insert(0, admin_views.MissingHolidaysPanel(years))


@hooks.register("register_log_actions")
def register_calendar_log_actions(actions):
    actions.register_action("huimin.calendar.year", "录入年度放假安排", "录入了年度放假安排")
    actions.register_action("huimin.calendar.seed", "导入节假日数据", "导入了节假日数据")
    actions.register_action("huimin.calendar.day", "修改节假日", "修改了节假日或调休日")
