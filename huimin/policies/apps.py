from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "huimin.policies"
    label = "huimin_policies"
    verbose_name = "政策文件库"

    def ready(self):
        from . import signals

        signals.connect()
