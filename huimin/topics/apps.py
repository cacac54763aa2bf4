from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "huimin.topics"
    label = "huimin_topics"
    verbose_name = "专题专栏"
