from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huimin.core"
    label = "huimin_core"
    verbose_name = "平台基础"
