import json
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from huimin.core.commands import progress_bar, site_option
from huimin.search import backends, services
from huimin.search.enums import DocumentKind

QUIET_LOGGERS = ("wagtail", "django_tasks", "jieba")


class Command(BaseCommand):
    help = (
        "重建搜索索引：把全部站点（或指定站点）已发布的文章、政策文件、解读、办事指南、专题、访谈、数据集"
        "和已公开的网民留言重新写入索引，并删除来源已删除或不再公开的条目。可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="HOSTNAME", help="只重建该站点（主机名，如 shuyang.localhost）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, site, json: bool, **options):
        target = site_option(site)
        started = time.monotonic()
        if backends.engine().vendor == "postgresql":
            backends.ensure_rum()  # the RUM indexes, if the extension became available since the migration
        with progress_bar("重建搜索索引", total=None, hidden=json, quiet=QUIET_LOGGERS) as (progress, bar):

            def advance(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            counts = services.reindex(site=target, now=timezone.now(), progress=advance)
        seconds = round(time.monotonic() - started, 2)
        if json:
            self.stdout.write(
                _json(
                    {
                        "site": target.hostname if target else None,
                        "indexed": counts.indexed,
                        "removed": counts.removed,
                        "kinds": counts.kinds,
                        "seconds": seconds,
                    }
                )
            )
            return
        for kind, number in sorted(counts.kinds.items()):
            label = DocumentKind(kind).label if kind in DocumentKind.values else kind
            self.stdout.write(f"  {label}：{number}")
        scope = f"站点 {target.hostname}" if target else "全部站点"
        summary = f"写入 {counts.indexed} 条，删除 {counts.removed} 条，用时 {seconds} 秒"
        self.stdout.write(f"搜索索引已重建（{scope}）：{summary}。")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
