from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "huimin.guides"
    label = "huimin_guides"
    verbose_name = "办事服务"
