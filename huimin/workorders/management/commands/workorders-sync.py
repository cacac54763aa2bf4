"""`huimin workorders-sync`: the guide checker run over every site's live 办事指南, its problems carried to
work orders (one per site and problem, the guides as its rows), orders of problems no longer found closed
as verified fixed. Safe to run again: nothing changes when nothing changed."""

import json as json_module

from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand, progress_bar, site_option
from huimin.workorders import findings

WORDS = (("opened", "新建"), ("updated", "更新"), ("reopened", "重新打开"), ("closed", "复查办结"))


class Command(ChineseHelpCommand):
    help = (
        "检查各网站已发布的办事指南，把发现的问题生成网站工单（每个网站每类问题一张工单），"
        "已不存在的问题对应的工单自动复查办结。可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="主机名", help="只检查这个站点，如 shuyang.localhost")
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"sites": 站点数, "guides": 指南数, "opened": 新建, "updated": 更新, '
            '"reopened": 重新打开, "closed": 复查办结}',
        )

    def handle(self, *args, site=None, json: bool = False, **options):
        from wagtail.models import Site

        chosen = site_option(site)
        sites = [chosen] if chosen is not None else list(Site.objects.order_by("hostname"))
        now = timezone.now()
        with progress_bar("检查办事指南", total=len(sites), hidden=json) as (progress, task):
            summary = findings.sync_guides(now, sites, advance=lambda: progress.advance(task))
        if json:
            self.stdout.write(json_module.dumps(summary))
            return
        done = "，".join(f"{label} {summary[key]} 张" for key, label in WORDS if summary[key])
        self.stdout.write(
            f"办事指南检查：{summary['sites']} 个站点，{summary['guides']} 篇指南；"
            + (f"工单{done}。" if done else "工单没有变化。")
        )
