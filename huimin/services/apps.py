from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "huimin.services"
    label = "huimin_services"
    verbose_name = "办事服务"
