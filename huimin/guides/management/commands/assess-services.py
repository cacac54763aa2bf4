import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table
from wagtail.models import Site

from huimin.guides.assessment import assess_site


class Command(BaseCommand):
    help = "按年度考核“办事服务”指标（办事指南、表格样表、办事统计、服务集成）检查站点并给出得分。"

    def add_arguments(self, parser):
        parser.add_argument("--site", help="站点主机名；不指定时检查全部站点")
        parser.add_argument("--seed", type=int, help="抽样随机数种子（相同种子抽样结果相同）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **options):
        sites = Site.objects.order_by("-is_default_site", "hostname")
        if options["site"]:
            sites = sites.filter(hostname=options["site"])
            if not sites:
                raise CommandError(f"没有主机名为“{options['site']}”的站点。")
        now = timezone.localtime()
        results = [
            {
                "site": site.hostname,
                "site_name": site.site_name,
                "rows": [row.as_dict() for row in assess_site(site, now=now, seed=options["seed"])],
            }
            for site in sites
        ]
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
            return
        console = Console(file=self.stdout, width=140)
        for result in results:
            table = Table(title=f"{result['site_name']}（{result['site']}）办事服务指标")
            table.add_column("指标")
            table.add_column("满分", justify="right")
            table.add_column("得分", justify="right")
            table.add_column("说明")
            for row in result["rows"]:
                table.add_row(
                    row["indicator"], f"{row['max_score']:g}", f"{row['score']:g}", "\n".join(row["notes"])
                )
            console.print(table)
