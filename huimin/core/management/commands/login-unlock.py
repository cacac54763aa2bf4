"""`huimin login-unlock`: lift a login lock at once (it also lifts by itself after the lock window).
Goes through `huimin.core.lockout.unlock_login`: the lift is in the audit log like one made in the admin."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from huimin.core.lockout import unlock_login


class Command(BaseCommand):
    help = "解除因登录失败次数过多而暂停的登录：按账号（--user）和/或来源地址（--ip）。"

    def add_arguments(self, parser):
        parser.add_argument("--user", default="", help="账号（用户名）")
        parser.add_argument("--ip", default="", help="来源 IP 地址")

    def handle(self, *args, **options):
        if not options["user"] and not options["ip"]:
            raise CommandError("请用 --user 指定账号，或用 --ip 指定来源地址。")
        try:
            removed = unlock_login(username=options["user"], address=options["ip"])
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(f"已解除：清除了 {removed} 条登录失败记录。")
