"""`huimin surveys-report`: per site, the 征集调查 activities that closed in the year before now against
the site's target (6 for county and function-area portals, 3 for others), and every activity of that year
whose 结果反馈 is awaited, overdue or was late: for a report to the leadership or a reminder from cron.
Read only."""

import json as json_module

from django.utils import timezone
from wagtail.models import Site

from huimin.core.commands import ChineseHelpCommand, site_option
from huimin.surveys import queries
from huimin.surveys.enums import FeedbackStatus

SHOWN = (FeedbackStatus.AWAITING, FeedbackStatus.OVERDUE, FeedbackStatus.LATE)


def _day(moment) -> str | None:
    return timezone.localtime(moment).date().isoformat() if moment else None


class Command(ChineseHelpCommand):
    help = (
        "列出各网站近一年（监测时间点前1年内）结束的征集调查次数与目标，"
        "以及待反馈、超期未反馈和逾期反馈的活动。"
    )
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="HOSTNAME", help="只看这个主机名的网站")
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出：{"since": 起始日期, "sites": [{"site": 主机名, "name": 网站名称, '
            '"count": 次数, "target": 目标, '
            '"activities": [{"title", "url", "closes", "due", "status", "published"}]}]}',
        )

    def handle(self, *args, site=None, json=False, **options):
        now = timezone.now()
        chosen = site_option(site)
        sites = [chosen] if chosen is not None else list(Site.objects.order_by("hostname"))
        years = queries.year_counts(sites, now)
        rows = [
            {
                "site": year.site.hostname,
                "name": year.name,
                "count": year.count,
                "target": year.target,
                "activities": [
                    {
                        "title": item.survey.title,
                        "url": item.survey.full_url,
                        "closes": _day(item.survey.closes_at),
                        "due": _day(item.due),
                        "status": str(item.status),
                        "published": _day(item.published_at),
                    }
                    for item in year.tracked
                    if item.status in SHOWN
                ],
            }
            for year in years
        ]
        if json:
            payload = {"since": _day(queries.year_start(now)), "sites": rows}
            self.stdout.write(json_module.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"征集调查（{_day(queries.year_start(now))} 以来结束的活动）：")
        for row in rows:
            verdict = "达标" if row["count"] >= row["target"] else f"尚差 {row['target'] - row['count']} 次"
            self.stdout.write(
                f"  {row['name']}（{row['site']}）：{row['count']} 次，目标 {row['target']} 次，{verdict}"
            )
            for item in row["activities"]:
                label = FeedbackStatus(item["status"]).label
                when = f"{item['published']} 发布" if item["published"] else f"期限 {item['due']}"
                self.stdout.write(f"    {label}：{item['title']}（{item['closes']} 结束，{when}）")
