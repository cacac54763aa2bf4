from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "huimin.assessment"
    label = "huimin_assessment"
    verbose_name = "年度考核"
