from django.core.management.base import BaseCommand

from huimin.letters.dispatch_link import deliver_due, enabled


class Command(BaseCommand):
    help = "把待推送的留言送往市域治理事件分拨平台（失败的按退避时间重试）。可由定时任务每分钟运行一次。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出送达条数")

    def handle(self, *args, json: bool, **options):
        if not enabled():
            self.stdout.write(
                '{"delivered": 0, "enabled": false}' if json else "未配置 HUIMIN_DISPATCH_URL，不推送。"
            )
            return
        count = deliver_due()
        self.stdout.write(f'{{"delivered": {count}, "enabled": true}}' if json else f"已送达 {count} 条。")
