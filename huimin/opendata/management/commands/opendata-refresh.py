import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from huimin.opendata.platform import SOURCES, PlatformDataError, refresh


class Command(BaseCommand):
    help = (
        "更新由平台自动维护的开放数据集（网民留言月度统计、节假日和调休安排）：内容有变化时发布新版本，"
        "无变化时不做任何改动。可由定时任务每日运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出每个数据集的结果")

    def handle(self, *args, json: bool = False, **options):
        console = Console(file=sys.stderr)
        try:
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console,
                disable=json or not console.is_terminal,
            ) as progress:
                task = progress.add_task("更新平台数据集", total=len(SOURCES))

                def step(source):
                    progress.update(task, description=f"正在更新：{source.title}", advance=1)

                results = refresh(timezone.now(), progress=step)
        except PlatformDataError as error:
            raise CommandError(str(error)) from error
        if json:
            self.stdout.write(_dumps([r.as_dict() for r in results]))
            return
        table = Table(title="平台数据集")
        for heading in ("数据集", "版本", "行数", "结果"):
            table.add_column(heading)
        for r in results:
            table.add_row(r.title, f"第 {r.version} 版" if r.version else "—", str(r.rows), r.message)
        Console(file=self.stdout, width=120).print(table)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
