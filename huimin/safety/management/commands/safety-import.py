"""`huimin safety-import FILE [--dry-run] [--json]`: import a terms file into the content-safety dictionary
(tab-separated `term, suggestion, category, severity, note`, or the old `wrong, right[, veto]`; UTF-8 or
GBK; at most 5 MB). All or nothing: a file with a bad line changes nothing and every bad line is listed."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError

from huimin.core.commands import ChineseHelpCommand
from huimin.safety.dictionary import MAX_FILE_BYTES, TermsFileError


class Command(ChineseHelpCommand):
    help = (
        "把词表文件导入内容安全词典：每行“词条<TAB>正确写法<TAB>类别<TAB>处理方式<TAB>备注”，"
        "也接受旧格式“错误写法<TAB>正确写法[<TAB>veto]”；UTF-8 或 GBK 编码，不超过 5 MB。"
        "已有的词条会被更新；文件有任何错误时不导入任何内容。"
    )
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="文件", help="词表文件（制表符分隔的文本文件）")
        parser.add_argument(
            "--dry-run", action="store_true", help="只检查文件并报告将新增、更新多少条，不写入"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"dry_run", "total", "added", "updated", "unchanged", ...}',
        )

    def handle(self, *args, file: str, dry_run: bool, json: bool, **options):
        from huimin.safety import services

        path = Path(file)
        try:
            if not path.is_file():
                raise CommandError(f"文件不存在或不是普通文件：{file}")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError("词表文件过大：不能超过 5 MB。")
            data = path.read_bytes()
        except OSError:
            raise CommandError(f"无法读取文件：{file}") from None
        try:
            report = services.import_terms(data, filename=path.name, dry_run=dry_run)
        except TermsFileError as error:
            lines = "\n".join(error.errors[:50])
            more = f"\n另有 {len(error.errors) - 50} 处错误未列出。" if len(error.errors) > 50 else ""
            raise CommandError(f"词表文件有错误，未导入任何内容：\n{lines}{more}") from None
        if json:
            self.stdout.write(_dumps(report.as_json()))
            return
        self.stdout.write(("检查完成（未写入）：" if dry_run else "导入完成：") + report.summary())


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
