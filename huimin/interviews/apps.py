from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "huimin.interviews"
    label = "huimin_interviews"
    verbose_name = "在线访谈"
