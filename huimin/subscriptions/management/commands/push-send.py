"""`huimin push-send`: send the mail and SMS pushes that are due, within the rate limits.

Run it every minute from cron (or a timer): what the per-account daily limit or the group's per-minute limit
held back, what failed and waits for a retry, and digests released by `push-digest` leave here. Safe to run
twice at once: each run claims rows with select_for_update(skip_locked).
"""

import json as json_module

from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand, progress_bar
from huimin.subscriptions import services
from huimin.subscriptions.services.sending import due


class Command(ChineseHelpCommand):
    help = (
        "发送到期的订阅推送（电子邮件和短信），遵守每个用户每日上限和全局每分钟上限；超出上限的留待下次发送，"
        "失败的按间隔重试。可重复运行，宜由定时任务每分钟运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"messages": 发出的消息数, "sent": 送达的推送数, '
            '"held": 留待下次的推送数, "retried": 待重试数, "failed": 失败数, "skipped": 未发送数, '
            '"limited_by": 触及的上限}',
        )

    def handle(self, *args, json: bool, **options):
        now = timezone.now()
        with progress_bar("发送订阅推送", total=due(now).count(), hidden=json) as (bar, task):
            report = services.send_due(now, progress=lambda n: bar.advance(task, n))
        if json:
            self.stdout.write(json_module.dumps(report.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(report.describe())
