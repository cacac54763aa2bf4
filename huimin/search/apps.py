from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "huimin.search"
    label = "huimin_search"
    verbose_name = "搜索与问答"

    def ready(self):
        from . import signals

        signals.connect()
