"""`huimin disclosure-sweep`: the timed work of 依申请公开, safe to run from cron every few minutes.

- applications whose correction (补正) did not arrive by its date are taken as given up (视为放弃申请);
- the unit's staff are told, once per level, when an application comes near its time limit or passes it.

Both steps are idempotent: a second run at the same time changes nothing and sends nothing.
"""

import json as json_module

from django.core.management.base import BaseCommand
from django.utils import timezone

from huimin.disclosure import services

# Django's own options, said in Chinese in `--help`.
STANDARD_HELP = {
    "help": "显示本帮助并退出",
    "version": "显示版本号并退出",
    "verbosity": "输出详细程度：0 最少，1 正常，2 详细，3 非常详细",
    "settings": "使用的设置模块（如 huimin.settings.production），默认取环境变量 DJANGO_SETTINGS_MODULE",
    "pythonpath": "加入 Python 路径的目录",
    "traceback": "出错时显示完整的调用栈",
    "no_color": "输出不带颜色",
    "force_color": "输出强制带颜色",
    "skip_checks": "跳过系统检查",
}


class Command(BaseCommand):
    help = (
        "依申请公开定时任务：逾期未补正的申请视为放弃；临期、超期的申请提醒所属单位（每个等级只提醒一次）。"
        "可重复运行，可由定时任务每 5 分钟运行一次。"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser._optionals.title = "选项"
        parser._positionals.title = "参数"
        for action in parser._actions:
            if action.dest in STANDARD_HELP:
                action.help = STANDARD_HELP[action.dest]
        return parser

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
