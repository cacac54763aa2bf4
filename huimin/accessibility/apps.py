from django.apps import AppConfig


class AccessibilityConfig(AppConfig):
    name = "huimin.accessibility"
    label = "huimin_accessibility"
    verbose_name = "无障碍与适老化"
