from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "huimin.pagecache"
    label = "huimin_pagecache"
    verbose_name = "页面缓存"

    def ready(self):
        from . import receivers

        receivers.connect()
