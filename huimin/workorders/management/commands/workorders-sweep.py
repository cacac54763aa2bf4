"""`huimin workorders-sweep`: reminders of work orders whose time runs out, safe from a timer every 5 minutes.

Orders whose clock runs get one e-mail per level they reach (临期, 超期, and 超期升级 to the platform team
when overdue by more than a whole limit again); a second run at the same time sends nothing."""

import json as json_module

from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand
from huimin.workorders import reminders
from huimin.workorders.reminders import ESCALATED

LEVELS = (("warning", "临期"), ("overdue", "超期"), (ESCALATED, "超期升级"))


class Command(ChineseHelpCommand):
    help = (
        "网站工单定时提醒：临期、超期的工单邮件提醒承办人（未派发的提醒站点管理员和平台管理员），"
        "超期超过一个完整办理时限的再提请平台管理员督办；每个等级只提醒一次。"
        "可重复运行，可由定时任务每 5 分钟运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"warning": 临期提醒件数, "overdue": 超期提醒件数, '
            '"escalated": 升级督办件数}',
        )

    def handle(self, *args, json: bool, **options):
        sent = reminders.sweep(timezone.now())
        counts = {level: sent.get(level, 0) for level, _label in LEVELS}
        if json:
            self.stdout.write(json_module.dumps(counts))
            return
        if not any(counts.values()):
            self.stdout.write("网站工单：没有需要提醒的工单。")
            return
        parts = [f"{label} {counts[level]} 件" for level, label in LEVELS if counts[level]]
        self.stdout.write("网站工单：已发送提醒，" + "，".join(parts) + "。请到管理后台“网站工单”督办。")
