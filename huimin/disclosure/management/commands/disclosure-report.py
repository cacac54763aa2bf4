"""`huimin disclosure-report --year YYYY [--site HOST] [--json]`: the figures of the 政府信息公开工作年度报告
the platform computes (表二 规章 and 行政规范性文件, 表三 applications), for one site or every site.

A contract (docs/disclosure.md): `--json` prints `report.compute`'s dict for one site, or a list of
them (one per site, the default site first) without `--site`; the text output is the same tables in
Chinese. A bad year or an unknown host exits with status 2 and a Chinese message.
"""

import json as json_module

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import Site

from huimin.core.commands import ChineseHelpCommand
from huimin.disclosure import report


class Command(ChineseHelpCommand):
    help = (
        "输出政府信息公开工作年度报告中由平台数据计算的表格：主动公开的规章和行政规范性文件件数（表二），"
        "收到和处理政府信息公开申请情况（表三）。不指定网站时输出每个网站的报告。"
    )

    plain_errors = True

    def add_arguments(self, parser):
        parser.add_argument("--year", metavar="YYYY", help="报告年度（四位数字，如 2025），必填")
        parser.add_argument(
            "--site", metavar="HOST", help="网站的主机名，如 slj.localhost；不指定时输出全部网站"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="以 JSON 输出：指定网站时为一个对象，否则为每个网站一个对象的列表"
            "（键的含义见 docs/disclosure.md）",
        )

    def handle(self, *args, year, site, json: bool, **options):
        if not year:
            raise CommandError("请用 --year 指定报告年度，如 --year 2025。", returncode=2)
        try:
            year = report.check_year(year, timezone.now())
        except ValidationError as error:
            raise CommandError(error.message_dict["year"][0], returncode=2) from None
        sites = [_site(site)] if site else list(Site.objects.order_by("-is_default_site", "hostname"))
        found = [report.compute(item, year) for item in sites]
        if json:
            data = found[0] if site else found
            self.stdout.write(json_module.dumps(data, ensure_ascii=False, indent=2))
            return
        for n, figures in enumerate(found):
            if n:
                self.stdout.write("")
            self._write_text(figures)

    def _write_text(self, figures: dict) -> None:
        scope = figures["scope"]
        self.stdout.write(f"{scope['name']}{figures['year']}年政府信息公开工作年度报告（平台数据）")
        self.stdout.write(f"网站：{scope['site_name']}（{scope['site']}）")
        self.stdout.write(f"统计范围：{'、'.join(scope['units']) or '无'}")
        tables = report.tables(figures=figures)
        item1 = tables["active"][0]
        self.stdout.write("")
        self.stdout.write(report.text_table(item1))
        self.stdout.write("")
        self.stdout.write(report.text_table(tables["applications"][0]))


def _site(host: str) -> Site:
    name, _, port = host.strip().partition(":")
    sites = Site.objects.filter(hostname__iexact=name)
    if port:
        sites = sites.filter(port=port) if port.isdigit() else sites.none()
    found = sites.first()
    if found is None:
        known = "、".join(Site.objects.order_by("hostname").values_list("hostname", flat=True))
        raise CommandError(f"没有主机名为“{host}”的网站。已有的网站：{known}。", returncode=2)
    return found
