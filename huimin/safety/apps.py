from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "huimin.safety"
    label = "huimin_safety"
    verbose_name = "内容安全"
