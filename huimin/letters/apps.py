from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "huimin.letters"
    label = "huimin_letters"
    verbose_name = "网民留言"

    def ready(self):
        from huimin.workdays.signals import calendar_changed

        from . import checks  # noqa: F401
        from .services import recompute_for_calendar

        calendar_changed.connect(recompute_for_calendar, dispatch_uid="huimin_letters_recompute")
