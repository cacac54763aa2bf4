from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "huimin.profiles"
    label = "huimin_profiles"
    verbose_name = "用户画像"

    def ready(self):
        from huimin.accounts.personal_data import Holder, register

        from . import queries, services, signals

        signals.connect()
        register(
            Holder(
                name="profiles",
                label="兴趣画像与浏览记录",
                export=queries.export,
                erase=services.erase,
            )
        )
