"""`huimin security-sweep`: the timed work of 安全预警, safe to run from cron every 5 minutes: alerts nobody
acknowledged within the times of data/thresholds.json are escalated (each step once) and their people told.
A second run at the same time changes nothing and sends nothing."""

import json as json_module

from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand
from huimin.security import operations
from huimin.security.rules import RulesError


class Command(ChineseHelpCommand):
    help = (
        "安全预警定时任务：发出后超过规定时间仍无人确认的预警逐级升级通知。"
        "可重复运行，建议每 5 分钟运行一次。"
    )
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"escalated": [{"id": 预警编号, "title": 标题, "level": 升级次数}]}',
        )

    def handle(self, *args, json: bool, **options):
        from django.core.management.base import CommandError

        try:
            escalated = operations.sweep(timezone.now())
        except RulesError as error:
            raise CommandError(str(error)) from None
        if json:
            rows = [{"id": a.pk, "title": a.title, "level": a.escalation_level} for a in escalated]
            self.stdout.write(json_module.dumps({"escalated": rows}, ensure_ascii=False))
            return
        if not escalated:
            self.stdout.write("安全预警：没有需要升级的预警。")
            return
        self.stdout.write(f"安全预警：{len(escalated)} 条预警无人确认，已升级通知：")
        for alert in escalated:
            self.stdout.write(f"  {alert.title}（第 {alert.escalation_level} 次升级）")
