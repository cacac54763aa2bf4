"""`huimin inspect-patrol`: the daily patrol of every site of the group and every external site listed in
the admin. Idempotent per day (a site already patrolled today is skipped unless --force); several can run
at once, each taking different sites."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huimin.inspection import services
from huimin.inspection.crawler import Options


class Command(BaseCommand):
    help = "日常巡查：检测网站群全部站点和登记的外部网站，结果保存在管理后台“巡查检测”中。"

    def add_arguments(self, parser):
        parser.add_argument("--target", type=int, action="append", help="只巡查这些巡查对象（编号，可重复）")
        parser.add_argument("--force", action="store_true", help="今天已巡查过的也再巡查一次")
        parser.add_argument("--concurrency", type=int, default=8, help="每个网站同时进行的请求数（默认 8）")
        parser.add_argument("--rate", type=float, default=5.0, help="每个主机每秒最多请求数（默认 5）")

    def handle(self, *args, target=None, force=False, concurrency=8, rate=5.0, **options):
        if concurrency < 1 or rate < 0:
            raise CommandError("--concurrency 须为正整数，--rate 不能为负数。")
        runs = services.patrol(
            timezone.now(), options=Options(concurrency=concurrency, rate=rate), force=force, ids=target
        )
        for run in runs:
            flag = "，存在单项否决问题" if run.vetoed else ""
            self.stdout.write(f"{run.target.name}：检测 {run.pages_crawled} 页，得分 {run.score}{flag}")
        if not runs:
            self.stdout.write("没有需要巡查的网站（今天已全部巡查过）。")
