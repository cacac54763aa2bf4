from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huimin.accounts"
    label = "huimin_accounts"
    verbose_name = "用户账号"

    def ready(self):
        # What 我的数据 exports and erases for the account itself, its letters and its 依申请公开
        # applications (the last two kept by law and detached; see mine.py). Other apps register their own.
        # oidc and services register their audit-log actions.
        from . import mine, oidc, personal_data, services  # noqa: F401

        for holder in mine.HOLDERS:
            personal_data.register(holder)
