"""`huimin inspect-report PERIOD`: build (or rebuild) the monthly check report (2026-11) or the quarterly
bulletin (2026Q4) from the patrols in that period. Without a period: the previous month, and at the start
of a quarter also the previous quarter."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huimin.inspection import services


def default_periods(today) -> list[str]:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    periods = [f"{year}-{month:02d}"]
    if today.month in (1, 4, 7, 10):
        periods.append(f"{year}Q{(month - 1) // 3 + 1}")
    return periods


class Command(BaseCommand):
    help = "生成巡查报告：月检查报告（如 2026-11）或季度通报（如 2026Q4）。"

    def add_arguments(self, parser):
        parser.add_argument("periods", nargs="*", metavar="PERIOD", help="期间，如 2026-11 或 2026Q4")

    def handle(self, *args, periods=(), **options):
        for period in periods or default_periods(timezone.localdate()):
            try:
                saved = services.build_period_report(period)
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"{saved}：{len(saved.rows)} 个网站")
