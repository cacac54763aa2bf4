"""`huimin duty-report`: the working days of a month without a 值班读网 record, per site — for a report to the
leadership or a reminder from cron. Read only."""

import json as json_module

from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import Site

from huimin.core.commands import ChineseHelpCommand, site_option
from huimin.operations import queries
from huimin.operations.admin_views.duty import parse_month


class Command(ChineseHelpCommand):
    help = "列出某月各网站值班读网未记录的工作日（按工作日历，只算到昨天；从网站第一次安排值班的那天算起）。"
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="HOSTNAME", help="只看这个主机名的网站")
        parser.add_argument("--month", metavar="YYYY-MM", help="月份，如 2026-10；默认本月")
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出：{"month": "2026-10", "sites": [{"site": 主机名, "name": 网站名称, '
            '"started": 开始值班日期或 null, "missed": [未记录的日期]}]}',
        )

    def handle(self, *args, site=None, month=None, json=False, **options):
        now = timezone.now()
        year, number, error = parse_month(month or "", now)
        if error:
            raise CommandError(f"月份“{month}”格式不正确，应写成 2026-10。", returncode=2)
        chosen = site_option(site)
        sites = [chosen] if chosen is not None else list(Site.objects.order_by("hostname"))
        start, end = queries.month_bounds(year, number)
        ids = [s.pk for s in sites]
        missed = queries.missed_days(ids, start, end, now)
        firsts = queries.first_roster_days(ids)
        names = queries.site_names(ids)
        rows = [
            {
                "site": s.hostname,
                "name": names[s.pk],
                "started": firsts[s.pk].isoformat() if s.pk in firsts else None,
                "missed": [day.isoformat() for day in missed.get(s.pk, [])],
            }
            for s in sites
        ]
        if json:
            self.stdout.write(
                json_module.dumps({"month": f"{year:04d}-{number:02d}", "sites": rows}, ensure_ascii=False)
            )
            return
        self.stdout.write(f"{year}年{number}月值班读网：")
        for row in rows:
            if row["started"] is None:
                self.stdout.write(f"  {row['name']}（{row['site']}）：尚未安排值班读网")
            elif row["missed"]:
                days = "、".join(row["missed"])
                self.stdout.write(
                    f"  {row['name']}（{row['site']}）：未记录 {len(row['missed'])} 个工作日：{days}"
                )
            else:
                self.stdout.write(f"  {row['name']}（{row['site']}）：没有漏记的工作日")
