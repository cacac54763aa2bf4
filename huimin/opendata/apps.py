from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "huimin.opendata"
    label = "huimin_opendata"
    verbose_name = "数据开放"
