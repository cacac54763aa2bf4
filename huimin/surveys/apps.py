from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "huimin.surveys"
    label = "huimin_surveys"
    verbose_name = "征集调查"

    def ready(self):
        from huimin.accounts.personal_data import Holder, register

        from . import queries, services

        # 我的数据: an account's answers and comments are exported; on deletion they are detached from the
        # account and kept, anonymous, as part of the activities' results.
        register(
            Holder(
                name="surveys",
                label="征集调查",
                export=queries.account_data,
                erase=services.erase_account,
            )
        )
        # The 调查征集 row of the annual assessment is computed by huimin.assessment.indicators.surveys; until
        # the assessment's calculator registry (`indicators.load`) imports that module itself, importing it
        # here registers it.
        from huimin.assessment.indicators import surveys as _assessment_row  # noqa: F401
