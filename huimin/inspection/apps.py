from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "huimin.inspection"
    label = "huimin_inspection"
    verbose_name = "巡查检测"
