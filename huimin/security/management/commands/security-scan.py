"""`huimin security-scan [--site HOST] [--json]`: the scheduled security scan (run it daily): every active
patrolled site's security headers, HTTPS and TLS, exposed files, directory listings, admin login pages on
public hosts and known-bad software versions, recorded per site; exposures also raise alerts."""

import json as json_module
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand, progress_bar, site_option
from huimin.security import operations
from huimin.security.enums import CheckStatus
from huimin.security.rules import RulesError


class Command(ChineseHelpCommand):
    help = (
        "安全扫描：检查各网站的安全响应头、HTTPS 与证书、敏感文件、目录浏览、公众域名上的管理后台和"
        "存在已知漏洞的软件版本，按网站保存结果。建议每天运行一次。"
    )
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument("--site", metavar="主机名", help="只扫描这个网站群站点（如 shuyang.localhost）")
        parser.add_argument(
            "--timeout", type=float, default=15.0, metavar="秒数", help="每个请求最多等待的秒数（默认 15）"
        )
        parser.add_argument("--ca-file", metavar="文件", help="另外信任的根证书文件（PEM），如本地的证书机构")
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"scans": [{"site": 网址, "failed": 不通过项数, "warned": 提示项数, '
            '"checks": [{"code", "label", "status", "risk", "detail", "items"}]}]}',
        )

    def handle(self, *args, site=None, timeout: float, ca_file=None, json: bool, **options):
        chosen = site_option(site)
        if not 1 <= timeout <= 120:
            raise CommandError("--timeout 应在 1 到 120 秒之间。")
        if ca_file and not Path(ca_file).is_file():
            raise CommandError(f"根证书文件“{ca_file}”不存在。")
        now = timezone.now()
        total = operations.targets_to_scan(site=chosen)
        try:
            with progress_bar("安全扫描", total=total, hidden=json, quiet=("huimin",)) as (bar, task):
                saved = operations.scan_targets(
                    now, site=chosen, timeout=timeout, ca_file=ca_file, advance=lambda: bar.advance(task)
                )
        except RulesError as error:
            raise CommandError(str(error)) from None
        if json:
            rows = [
                {"site": s.url, "failed": s.failed, "warned": s.warned, "checks": s.checks} for s in saved
            ]
            self.stdout.write(json_module.dumps({"scans": rows}, ensure_ascii=False))
            return
        if not saved:
            self.stdout.write("安全扫描：没有需要扫描的网站。")
            return
        self.stdout.write(f"安全扫描：共扫描 {len(saved)} 个网站。")
        for result in saved:
            self.stdout.write(f"  {result.url}：{result.failed} 项不通过，{result.warned} 项提示")
            for check in result.checks:
                if check["status"] == CheckStatus.FAIL:
                    self.stdout.write(f"    × {check['label']}：{check['detail']}")
