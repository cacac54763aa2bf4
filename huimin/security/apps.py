from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "huimin.security"
    label = "huimin_security"
    verbose_name = "安全预警"
