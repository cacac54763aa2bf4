from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "huimin.operations"
    label = "huimin_operations"
    verbose_name = "运维责任"
