"""`huimin safety-sweep`: the content-safety sweep over everything published (任务 9's 排查), safe to run
daily from a timer; `--install-workflow` puts the content-safety step first in every site's approval
workflow."""

import json as json_module

from django.core.management.base import CommandError
from django.utils import timezone

from huimin.core.commands import ChineseHelpCommand, progress_bar, site_option


class Command(ChineseHelpCommand):
    help = (
        "内容安全排查：用错敏词库和个人信息规则检查已发布的全部页面（标题、正文、内容块、图片替代文本、文本附件），"
        "按站点和检查项生成或更新网站工单；问题消失的工单自动办结，问题再现的重新打开。可重复运行，建议每天运行一次。"
    )
    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--site", metavar="主机名", help="只排查这个站点（如 shuyang.localhost），默认排查全部站点"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='以 JSON 输出结果：{"sites": 站点数, "pages": 检查的页面数, '
            '"findings": {各检查项发现的问题数}, "orders": {"opened": 新开工单数, "updated": 更新数, '
            '"reopened": 重新打开数, "closed": 办结数}}',
        )
        parser.add_argument(
            "--install-workflow",
            action="store_true",
            help="只把“内容安全审查”加到每个站点审核流程的第一步（已有的不重复添加），不做排查",
        )

    def handle(self, *args, site=None, json=False, install_workflow=False, **options):
        from huimin.safety import sweep as sweeping
        from huimin.safety.workflow import install_everywhere

        if install_workflow:
            sites, changed = install_everywhere()
            if json:
                self.stdout.write(json_module.dumps({"sites": sites, "installed": changed}))
            else:
                self.stdout.write(
                    f"内容安全审查：已加入 {changed} 个站点的审核流程（共 {sites} 个站点，其余已有此步骤）。"
                )
            return
        chosen = site_option(site)
        try:
            orders = sweeping.check_orders()
        except sweeping.SweepDataError as error:
            raise CommandError(str(error)) from error
        now = timezone.now()
        total = sweeping.page_count(chosen)
        with progress_bar("内容安全排查", total=total, hidden=json) as (progress, task):
            result = sweeping.sweep(
                now=now, site=chosen, orders=orders, advance=lambda n: progress.advance(task, n)
            )
        if json:
            self.stdout.write(json_module.dumps(result.as_json(), ensure_ascii=False))
            return
        data = result.as_json()
        found, changed = data["findings"], data["orders"]
        self.stdout.write(
            f"内容安全排查：检查了 {data['sites']} 个站点的 {data['pages']} 个已发布页面，"
            f"发现错误表述 {found['expression']} 处、有害信息 {found['harmful']} 处、"
            f"个人信息 {found['privacy']} 处。"
        )
        if any(changed.values()):
            self.stdout.write(
                f"网站工单：新开 {changed['opened']} 件，更新 {changed['updated']} 件，"
                f"重新打开 {changed['reopened']} 件，复查办结 {changed['closed']} 件"
                "（请到管理后台“网站工单”处理）。"
            )
        else:
            self.stdout.write("网站工单：没有变化。")
