import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huimin.workdays.queries import (
    CalendarNotFound,
    DeadlineInputError,
    compute_deadline,
    deadline_json,
    get_calendar,
    parse_from,
)
from huimin.workdays.working_time import NoWorkingTime


class Command(BaseCommand):
    help = (
        "按工作日历计算办理时限：从起始时间起经过若干工作日或工作小时后的截止时间，"
        "并说明跳过的节假日和计入的调休日。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="start", required=True, help='起始时间，如 "2022-09-30 16:00"（北京时间）'
        )
        amount = parser.add_mutually_exclusive_group(required=True)
        amount.add_argument("--working-days", help="工作日数（一个工作日为该日历一整天的工作时长）")
        amount.add_argument("--working-hours", help="工作小时数")
        parser.add_argument("--calendar", help="日历代码，如 suqian；不指定时用默认日历")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, start, working_days, working_hours, calendar, json: bool, **options):
        try:
            chosen = get_calendar(calendar)
            deadline = compute_deadline(
                chosen, parse_from(start), working_days=working_days, working_hours=working_hours
            )
        except (CalendarNotFound, DeadlineInputError, NoWorkingTime) as error:
            raise CommandError(str(error)) from None
        if json:
            self.stdout.write(_dumps(deadline_json(deadline, chosen)))
            return
        local = timezone.localtime
        hours = deadline.duration.total_seconds() / 3600
        self.stdout.write(f"日历：{chosen.name}（{chosen.slug}）")
        self.stdout.write(
            f"起始：{local(deadline.given):%Y-%m-%d %H:%M}，计时开始：{local(deadline.start):%Y-%m-%d %H:%M}"
        )
        self.stdout.write(f"时长：{hours:g} 个工作小时")
        for day in deadline.skipped:
            label = "节假日" if day.kind == "holiday" else "休息日"
            self.stdout.write(f"  跳过 {day.date:%Y-%m-%d}（{label}：{day.name}）")
        for day, name in deadline.makeup_days:
            self.stdout.write(f"  计入 {day:%Y-%m-%d}（调休上班：{name}）")
        self.stdout.write(f"截止：{local(deadline.due):%Y-%m-%d %H:%M}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
