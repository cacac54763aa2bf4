"""`huimin i18n-gaps`: list the admin strings that installed apps mark for translation (their English
catalogues) and that have no simplified Chinese translation at run time, neither in the app's own zh_Hans
catalogue nor in Huimin's (`huimin/locale/`, LOCALE_PATHS).

Used after upgrading Wagtail: translate what it prints in `huimin/locale/zh_Hans/LC_MESSAGES/*.po` and
compile with `msgfmt` (see docs/operations.md, "Admin in Chinese and the 工作台"). `--po` prints the gaps as
PO entries ready to paste; `--json` as data. Exits with status 1 when there are gaps and `--check` is given.
"""

import json
import sys

from django.core.management.base import BaseCommand

from huimin.core.i18n import missing_translations


class Command(BaseCommand):
    help = "列出已安装应用中尚无简体中文译文的界面文字（升级 Wagtail 后使用）。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--po", action="store_true", help="以 PO 条目输出，便于补充译文")
        parser.add_argument("--check", action="store_true", help="有缺失译文时以状态码 1 退出")

    def handle(self, *args, json: bool, po: bool, check: bool, **options):
        gaps = missing_translations()
        if json:
            self.stdout.write(
                _dumps(
                    [
                        {
                            "domain": g.domain,
                            "source": g.source,
                            "context": g.context,
                            "msgid": g.msgid,
                            "plural": g.plural,
                        }
                        for g in gaps
                    ]
                )
            )
        elif po:
            for gap in gaps:
                self.stdout.write(gap.as_po() + "\n")
        else:
            for gap in gaps:
                ctx = f"[{gap.context}] " if gap.context else ""
                self.stdout.write(f"{gap.domain}\t{gap.source}\t{ctx}{gap.msgid}")
            self.stdout.write(f"缺少译文：{len(gaps)} 条")
        if check and gaps:
            sys.exit(1)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
