from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huimin.core"
    label = "huimin_core"
    verbose_name = "平台基础"

    def ready(self):
        from . import login  # noqa: F401 - connects the login signals
