"""`huimin page-cache-clear`: stop serving every kept page (after restoring a backup or editing the database
by hand, when no publish told the cache).
The front cache configured in WAGTAILFRONTENDCACHE is cleared too."""

import json as json_module

from django.core.management.base import BaseCommand

from huimin.pagecache.services import purge_all


class Command(BaseCommand):
    help = "清空页面缓存（恢复备份或直接改动数据库之后使用），同时清除已配置的前端缓存（Varnish）。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, json: bool = False, **options):
        purge_all(reason="page-cache-clear 命令")
        if json:
            self.stdout.write(json_module.dumps({"cleared": True}))
        else:
            self.stdout.write("页面缓存已清空：之后的每个请求都重新生成页面。")
