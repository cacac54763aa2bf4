"""`huimin login-unlock`: lift a login lock at once (it also lifts by itself after the lock window)."""

from django.core.management.base import BaseCommand, CommandError

from huimin.core.login import unlock


class Command(BaseCommand):
    help = "解除因登录失败次数过多而暂停的登录：按账号（--user）和/或来源地址（--ip）。"

    def add_arguments(self, parser):
        parser.add_argument("--user", default="", help="账号（用户名）")
        parser.add_argument("--ip", default="", help="来源 IP 地址")

    def handle(self, *args, **options):
        if not options["user"] and not options["ip"]:
            raise CommandError("请用 --user 指定账号，或用 --ip 指定来源地址。")
        removed = unlock(options["user"], options["ip"])
        self.stdout.write(f"已解除：清除了 {removed} 条登录失败记录。")
