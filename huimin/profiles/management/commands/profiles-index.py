"""`huimin profiles-index`: rebuild the item index of 为您推荐 from the pages as they are."""

import json as json_module
import time

from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand, progress_bar
from huimin.profiles import services
from huimin.profiles.recommender import KIND_LABELS

QUIET_LOGGERS = ("wagtail", "django_tasks")


class Command(ChineseHelpCommand):
    help = (
        "重建“为您推荐”的内容索引：把全部站点已发布的政策文件、解读、办事指南、文章（以及用于学习兴趣的数据集、"
        "专题）连同标签重新写入，并删除已撤下、已删除或不再公开的条目。可重复运行；发布和撤下页面时索引会自动更新，"
        "只在升级后或索引与页面不一致时需要运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"indexed": 写入条数, "removed": 删除条数, '
            '"kinds": {类型: 条数}, "seconds": 用时}',
        )

    def handle(self, *args, json: bool, **options):
        started = time.monotonic()
        with progress_bar("重建推荐索引", total=None, hidden=json, quiet=QUIET_LOGGERS) as (progress, bar):

            def advance(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            result = services.reindex(now=timezone.now(), progress=advance)
        seconds = round(time.monotonic() - started, 2)
        if json:
            self.stdout.write(
                json_module.dumps(
                    {
                        "indexed": result.indexed,
                        "removed": result.removed,
                        "kinds": result.kinds,
                        "seconds": seconds,
                    },
                    ensure_ascii=False,
                )
            )
            return
        for kind, number in sorted(result.kinds.items()):
            self.stdout.write(f"  {KIND_LABELS.get(kind, kind or '其他')}：{number}")
        self.stdout.write(
            f"推荐索引已重建：写入 {result.indexed} 条，删除 {result.removed} 条，用时 {seconds} 秒。"
        )
