"""`huimin disclosure-sweep`: the timed work of 依申请公开, safe to run from cron every few minutes.

- applications whose correction (补正) did not arrive by its date are taken as given up (视为放弃申请);
- the unit's staff are told, once per level, when an application comes near its time limit or passes it.

Both steps are idempotent: a second run at the same time changes nothing and sends nothing.
"""

import json as json_module

from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand
from huimin.disclosure import services


class Command(ChineseHelpCommand):
    help = (
        "依申请公开定时任务：逾期未补正的申请视为放弃；临期、超期的申请提醒所属单位（每个等级只提醒一次）。"
        "可重复运行，可由定时任务每 5 分钟运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"abandoned": 视为放弃的件数, "reminded": 提醒的件数}',
        )

    def handle(self, *args, json: bool, **options):
        now = timezone.now()
        abandoned = services.abandon_uncorrected(now=now)
        reminded = services.remind(now=now)
        if json:
            self.stdout.write(json_module.dumps({"abandoned": abandoned, "reminded": reminded}))
            return
        if not abandoned and not reminded:
            self.stdout.write("依申请公开：没有逾期未补正的申请，也没有需要提醒的申请。")
            return
        parts = []
        if abandoned:
            parts.append(f"{abandoned} 件申请逾期未补正，已视为放弃")
        if reminded:
            parts.append(
                f"已提醒 {reminded} 件临期或超期的申请（已通知所属单位，请到管理后台“依申请公开”督办）"
            )
        self.stdout.write("依申请公开：" + "；".join(parts) + "。")
