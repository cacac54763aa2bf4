import json
import logging
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from wagtail.models import Site

from huimin.search import services
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
        target = None
        if site is not None:
            hostname = site.strip().lower()
            target = Site.objects.filter(hostname=hostname).select_related("root_page").first()
            if target is None:
                known = "、".join(Site.objects.order_by("hostname").values_list("hostname", flat=True))
                raise CommandError(f"站点“{site}”不存在。现有站点：{known or '无'}。")
        console = Console(file=sys.stderr)
        levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
        started = time.monotonic()
        try:
            for name in QUIET_LOGGERS:
                logging.getLogger(name).setLevel(logging.WARNING)
            with Progress(
                TextColumn("重建搜索索引"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                disable=json or not console.is_terminal,
            ) as progress:
                bar = progress.add_task("reindex", total=None)

                def advance(done: int, total: int) -> None:
                    progress.update(bar, completed=done, total=total)

                counts = services.reindex(site=target, now=timezone.now(), progress=advance)
        finally:
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)
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
