import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from huimin.core.commands import progress_bar, site_option
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
        target = site_option(site)
        with progress_bar("采集答问知识", total=qa_harvest.total(target), hidden=as_json) as (progress, bar):
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
