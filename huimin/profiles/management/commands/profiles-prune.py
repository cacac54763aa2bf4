"""`huimin profiles-prune`: forget what is past keeping (run daily)."""

import json as json_module

from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand
from huimin.profiles import popularity, services
from huimin.profiles.rules import rules


class Command(ChineseHelpCommand):
    help = (
        "清理用户画像数据：删除超过保存期限的浏览记录、已衰减到可以忽略的兴趣标签和超出统计期的浏览量。"
        "可重复运行，可由定时任务每天运行一次；多个进程同时运行也不会重复处理。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"interactions": 删除的浏览记录数, "interests": 删除的兴趣标签数, '
            '"popularity": 删除的浏览量记录数}',
        )

    def handle(self, *args, json: bool, **options):
        popularity.flush()
        result = services.prune(now=timezone.now())
        if json:
            self.stdout.write(
                json_module.dumps(
                    {
                        "interactions": result.interactions,
                        "interests": result.interests,
                        "popularity": result.popularity,
                    }
                )
            )
            return
        self.stdout.write(
            f"用户画像清理完成：删除超过 {rules().retention_days} 天的浏览记录 {result.interactions} 条、"
            f"已衰减的兴趣标签 {result.interests} 个、过期的浏览量记录 {result.popularity} 条。"
        )
