from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "huimin.demo"
    label = "huimin_demo"
    verbose_name = "演示数据"

    def ready(self):
        from . import checks  # noqa: F401
