"""`huimin push-digest --frequency daily|weekly`: send the daily or weekly digests.

Makes the queued deliveries of that frequency due and sends them, one digest per account and channel (run
`daily` once a day and `weekly` once a week from cron). Idempotent: a second run finds nothing left; what a
rate limit held back is sent by the next `huimin push-send`.
"""

import json as json_module

from django.core.management.base import CommandError
from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand, progress_bar
from huimin.subscriptions import services
from huimin.subscriptions.enums import Frequency
from huimin.subscriptions.services.sending import due


class Command(ChineseHelpCommand):
    help = "发送每日或每周汇总的订阅推送（每个用户每种接收方式一封汇总）。可重复运行，已发送的不会再发。"
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            required=True,
            help="汇总频率：daily（每日汇总）或 weekly（每周汇总）",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"released": 本次汇总的推送数, "messages": 发出的消息数, "sent": ..., '
            '"held": ..., "retried": ..., "failed": ..., "skipped": ..., "limited_by": [...]}',
        )

    def handle(self, *args, frequency: str, json: bool, **options):
        if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
            raise CommandError(f"汇总频率应为 daily 或 weekly，收到“{frequency[:20]}”。")
        now = timezone.now()
        released = services.release_digests(frequency, now)
        with progress_bar(f"发送{Frequency(frequency).label}", total=due(now).count(), hidden=json) as (
            bar,
            task,
        ):
            report = services.send_due(now, progress=lambda n: bar.advance(task, n))
        if json:
            self.stdout.write(
                json_module.dumps({"released": released, **report.as_dict()}, ensure_ascii=False)
            )
            return
        self.stdout.write(f"{Frequency(frequency).label}：本次汇总 {released} 条推送。" + report.describe())
