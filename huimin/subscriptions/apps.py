from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "huimin.subscriptions"
    label = "huimin_subscriptions"
    verbose_name = "订阅推送"

    def ready(self):
        from huimin.accounts.personal_data import Holder, register

        from . import services, signals

        signals.connect()
        register(
            Holder(
                name="subscriptions",
                label="我的订阅和推送消息",
                export=services.export_account,
                erase=services.erase_account,
            )
        )
