import argparse
import json
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huimin.core.commands import progress_bar
from huimin.policies.importer import DEFAULT_MAX_BYTES, PolicyImporter, collect_paths, find_library
from huimin.policies.importer.run import ERROR, STATUS_LABELS, LibraryNotFound

SIZE_RE = re.compile(r"\A\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*\Z", re.IGNORECASE)
QUIET_LOGGERS = ("wagtail", "django_tasks")


def byte_count(value: str) -> int:
    """A size such as 20971520, 512K, 20M or 1G."""
    match = SIZE_RE.match(value)
    number = float(match.group(1)) * 1024 ** " KMG".index(match.group(2).upper() or " ") if match else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"“{value}”不是有效的大小，应写成字节数或 512K、20M、1G。")
    return int(number)


class Command(BaseCommand):
    help = (
        "从 .txt、.docx、.html 文件导入政策文件到政策文件库。按索引号去重：再次导入同一文件会更新原文件"
        "（生成新版本），不会重复创建。每个文件单独报告问题，个别文件失败不影响其余文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="文件或目录（递归查找 .txt .docx .html .htm）"
        )
        parser.add_argument(
            "--site",
            help="目标站点的主机名，导入该站点的第一个政策文件库；不指定时导入“汇集全市政策”的政策文件库",
        )
        parser.add_argument("--dry-run", action="store_true", help="只解析和校验，不写入任何数据")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出每个文件的结果和汇总")
        parser.add_argument(
            "--max-bytes",
            type=byte_count,
            default=DEFAULT_MAX_BYTES,
            help="单个文件的大小上限，超过的文件不读取（默认 20M；可写 512K、20M 等）",
        )

    def handle(self, *args, paths, site, dry_run: bool, json: bool, max_bytes: int, **options):
        try:
            library = find_library(site)
        except LibraryNotFound as error:
            raise CommandError(str(error)) from None
        files = collect_paths(paths)
        if not files:
            raise CommandError("没有找到可导入的文件（支持 .txt、.docx、.html、.htm）。")
        importer = PolicyImporter(library, dry_run=dry_run, max_bytes=max_bytes, now=timezone.now())
        # Every page published and every index task would log a line; the progress bar says enough.
        with progress_bar("导入政策文件", total=len(files), hidden=json, quiet=QUIET_LOGGERS) as (
            progress,
            bar,
        ):
            report = importer.run(files, advance=lambda: progress.advance(bar))
        if json:
            self.stdout.write(_json(report.as_dict()))
        else:
            self._write_text(report)
        if report.failed:
            raise CommandError(f"{report.failed} 个文件导入失败，见上方说明。", returncode=1)

    def _write_text(self, report):
        self.stdout.write(f"目标：{report.library.title}（{report.library.url_path}）")
        for item in report.files:
            label = STATUS_LABELS[item.status]
            title = f"《{item.title}》" if item.title else ""
            number = f" 索引号 {item.index_number}" if item.index_number else ""
            line = f"{label}  {item.path}  {title}{number}"
            self.stdout.write(self.style.ERROR(line) if item.status == ERROR else line)
            for problem in item.problems:
                self.stdout.write(f"    ! {problem}")
            if item.missing:
                self.stdout.write(f"    缺少：{'、'.join(item.missing)}")
            if item.attachments:
                self.stdout.write(f"    附件未导入（仅记录名称）：{'、'.join(item.attachments)}")
        self.stdout.write(report.summary_line())


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
