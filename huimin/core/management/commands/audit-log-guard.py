"""`huimin audit-log-guard`: reinstall the database triggers that keep the audit log append-only, when
`huimin check --database default` reports them missing (huimin.W030). Safe to run at any time."""

import json

from django.core.management.base import BaseCommand

from huimin.core import audit


class Command(BaseCommand):
    help = "重新安装审计日志的防篡改触发器（检查项 huimin.W030 报告缺失时运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, **options):
        audit.install_guard()
        problems = audit.check_append_only_guard(databases=["default"])
        if options["json"]:
            self.stdout.write(json.dumps({"ok": not problems, "problems": [p.msg for p in problems]}))
        elif not problems:
            self.stdout.write("审计日志的防篡改触发器已就位。")
        if problems:
            self.stderr.write(problems[0].msg)
            raise SystemExit(1)
