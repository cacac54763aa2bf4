from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "huimin.articles"
    label = "huimin_articles"
    verbose_name = "文章"
