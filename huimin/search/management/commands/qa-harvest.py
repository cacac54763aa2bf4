import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from wagtail.models import Site

from huimin.search import qa_harvest


class Command(BaseCommand):
    help = (
        "为答问知识库采集待审核条目（草稿）：来自已公开并已答复的网民留言，以及办事指南的办理材料、"
        "办结时限和办理地点。可重复运行，已采集的条目不会重复生成。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="HOSTNAME", help="只采集该站点（主机名，如 shuyang.localhost）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, site, **options):
        as_json = options["json"]
        target = None
        if site is not None:
            target = Site.objects.filter(hostname=site.strip().lower()).select_related("root_page").first()
            if target is None:
                known = "、".join(Site.objects.order_by("hostname").values_list("hostname", flat=True))
                raise CommandError(f"站点“{site}”不存在。现有站点：{known or '无'}。")
        console = Console(file=sys.stderr)
        with Progress(
            TextColumn("采集答问知识"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=as_json or not console.is_terminal,
        ) as progress:
            bar = progress.add_task("harvest", total=qa_harvest.total(target))
            counts = qa_harvest.harvest(
                site=target, now=timezone.now(), progress=lambda n: progress.advance(bar, n)
            )
        result = {
            "created": counts.created,
            "existing": counts.existing,
            "skipped": counts.skipped,
            "by_origin": counts.by_origin,
        }
        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                f"新采集 {counts.created} 条草稿（已有 {counts.existing} 条未重复生成，"
                f"跳过 {counts.skipped} 项）。"
                "请在“搜索与问答 → 答问知识库”中审核后发布。"
            )
