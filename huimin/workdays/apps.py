from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "huimin.workdays"
    label = "huimin_workdays"
    verbose_name = "工作日历"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system check
