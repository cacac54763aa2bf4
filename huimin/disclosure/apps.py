from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "huimin.disclosure"
    label = "huimin_disclosure"
    verbose_name = "政府信息公开"
