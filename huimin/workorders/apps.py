from django.apps import AppConfig


class WorkOrdersConfig(AppConfig):
    name = "huimin.workorders"
    label = "huimin_workorders"
    verbose_name = "网站工单"
