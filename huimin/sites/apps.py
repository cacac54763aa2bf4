from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "huimin.sites"
    label = "huimin_sites"
    verbose_name = "网站群"

    def ready(self):
        from . import checks, chrome  # noqa: F401 - checks registers the system checks

        chrome.connect()
