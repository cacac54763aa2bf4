from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huimin.core"
    label = "huimin_core"
    verbose_name = "平台基础"

    def ready(self):
        # login connects the login signals; audit keeps the log append-only and registers huimin.W030.
        from . import audit, login  # noqa: F401
        from .csp import nonce_wagtail_choosers

        nonce_wagtail_choosers()  # their init scripts get the response's nonce (Content-Security-Policy)
