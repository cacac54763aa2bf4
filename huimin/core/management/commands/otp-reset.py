"""`huimin otp-reset`: remove a person's second-factor devices (a lost phone); they enrol again at their next
login if their role requires it."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from huimin.core.otp import RESET, remove_devices


class Command(BaseCommand):
    help = (
        "重置账号的两步验证（手机丢失时）：删除其身份验证器和备用码。"
        "必须使用两步验证的账号在下次登录时重新绑定。操作记入审计日志。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="账号（用户名，不区分大小写）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, username: str, json: bool, **options):
        matches = list(get_user_model().objects.filter(username__iexact=username.strip())[:2])
        if len(matches) != 1:
            raise CommandError(
                f"账号“{username}”不存在。" if not matches else f"有多个账号名为“{username}”。"
            )
        user = matches[0]
        removed = remove_devices(user, actor=None, reason=RESET)
        if json:
            self.stdout.write(_json({"user": user.get_username(), "devices_removed": removed}))
            return
        self.stdout.write(f"已重置 {user.get_username()} 的两步验证：删除了 {removed} 个设备。")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)
