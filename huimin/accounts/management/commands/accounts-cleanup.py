"""`huimin accounts-cleanup`: delete the verification codes and group-login tickets that can no longer be used
(expired, used, or spent by wrong tries). Idempotent; safe to run from cron every few minutes."""

import json as json_module

from django.utils import timezone

from huimin.accounts import codes, sso
from huimin.core.commands import ChineseHelpCommand


class Command(ChineseHelpCommand):
    help = (
        "清理用户账号的过期数据：删除已过期、已使用或输错次数过多的验证码，以及已过期或已使用的登录票据。"
        "可重复运行，可由定时任务每 10 分钟运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"codes": 删除的验证码数, "tickets": 删除的票据数}',
        )

    def handle(self, *args, json: bool, **options):
        now = timezone.now()
        removed = {"codes": codes.cleanup(now=now), "tickets": sso.cleanup(now=now)}
        if json:
            self.stdout.write(json_module.dumps(removed))
            return
        if not any(removed.values()):
            self.stdout.write("用户账号：没有需要清理的验证码和登录票据。")
            return
        self.stdout.write(f"用户账号：删除了 {removed['codes']} 个验证码、{removed['tickets']} 个登录票据。")
