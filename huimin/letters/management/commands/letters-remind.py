from django.core.management.base import BaseCommand

from huimin.letters.services import send_reminders


class Command(BaseCommand):
    help = (
        "提醒承办单位：办理时限已用去八成的留言（每个截止时间只提醒一次）。可由定时任务每 10 分钟运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出提醒条数")

    def handle(self, *args, json: bool, **options):
        count = send_reminders()
        self.stdout.write(f'{{"reminded": {count}}}' if json else f"已发送临期提醒 {count} 条。")
