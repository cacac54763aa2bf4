"""`huimin inspect URL [URL…]`: crawl sites and check them against the national indicators."""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from huimin.inspection import report as reports
from huimin.inspection.crawler import Options, inspect_site, normalise
from huimin.inspection.document import Site
from huimin.inspection.words import WordsError, read_words

FORMATS = ("json", "html", "xlsx")
# Page-check workers by default: one per core; none on a single core, where they could only add overhead.
DEFAULT_WORKERS = cores if (cores := os.cpu_count() or 1) > 1 else 0
GC_THRESHOLD = 50_000  # allocations between two young-generation collections during a crawl (Python: 700)


def _positive(kind, name):
    def parse(value):
        try:
            number = kind(value)
        except ValueError:
            raise CommandError(f"{name} 须为数字。") from None
        if number < 0 or (number == 0 and name != "--rate"):
            raise CommandError(f"{name} 须为正数。")
        return number

    return parse


class Command(BaseCommand):
    help = "检测网站：抓取页面，按国家政府网站检查指标发现问题并计分，输出报告（JSON、HTML 或 XLSX）。"
    # A crawl reads no model but the safety dictionary; Django's system checks (URL configuration, every
    # model) would only add to the start-up of a command run by hand and by the benchmarks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+", metavar="URL", help="要检测的网站首页地址")
        parser.add_argument("--max-pages", type=int, default=500, help="每个网站最多抓取的页面数（默认 500）")
        parser.add_argument("--concurrency", type=int, default=16, help="同时进行的请求数（默认 16）")
        parser.add_argument(
            "--rate", type=float, default=10.0, help="每个主机每秒最多请求数（默认 10；0 为不限）"
        )
        parser.add_argument("--max-depth", type=int, default=30, help="最大链接深度（默认 30）")
        parser.add_argument("--timeout", type=float, default=15.0, help="单个请求超时秒数（默认 15）")
        parser.add_argument("--subdomains", action="store_true", help="同时抓取子域名")
        parser.add_argument("--ignore-robots", action="store_true", help="不遵守 robots.txt")
        parser.add_argument("--no-external", action="store_true", help="不检查外部链接")
        parser.add_argument(
            "--workers",
            type=int,
            default=DEFAULT_WORKERS,
            help="解析和检查页面的子进程数（默认为本机 CPU 核数；0 为不用子进程，在抓取进程内检查）",
        )
        parser.add_argument("--words", help="附加的错误表述词表（每行：错误写法<TAB>正确写法）")
        parser.add_argument("--format", choices=FORMATS, default="json", help="报告格式（默认 json）")
        parser.add_argument("--out", help="报告文件；不指定时 json 和 html 输出到标准输出")

    def handle(self, *args, urls, **options):
        targets = []
        for url in urls:
            normal = normalise(url)
            if normal is None:
                raise CommandError(f"网址无效：{url[:200]!r}。请提供以 http:// 或 https:// 开头的完整网址。")
            targets.append(normal)
        for name in ("max_pages", "concurrency", "max_depth"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} 须为正整数。")
        if options["workers"] < 0:
            raise CommandError("--workers 不能为负数。")
        if options["rate"] < 0 or options["timeout"] <= 0:
            raise CommandError("--rate 不能为负数，--timeout 须为正数。")
        if options["format"] == "xlsx" and not options["out"]:
            raise CommandError("XLSX 报告须用 --out 指定输出文件。")
        try:
            words = read_words(options["words"]) if options["words"] else []
        except WordsError as error:
            raise CommandError(str(error)) from None
        crawl_options = Options(
            max_pages=options["max_pages"],
            concurrency=options["concurrency"],
            rate=options["rate"],
            max_depth=options["max_depth"],
            timeout=options["timeout"],
            subdomains=options["subdomains"],
            robots=not options["ignore_robots"],
            check_external=not options["no_external"],
            workers=options["workers"],
        )
        # What start-up built lives as long as the process: the collector need not walk it again and again
        # while pages come and go (and forked page workers keep sharing it). A crawl allocates by the
        # million (requests, URLs, links) and leaves little cyclic garbage: the collector runs less often.
        thresholds = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
        try:
            results = [self._inspect(url, crawl_options, words) for url in targets]
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
        self._write(results, options["format"], options["out"])

    def _inspect(self, url: str, options: Options, words) -> dict:
        console = Console(file=sys.stderr)
        started = timezone.now()
        with Progress(
            TextColumn(f"检测 {url[:60]}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} 页"),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        ) as progress:
            bar = progress.add_task("crawl", total=options.max_pages)
            site = Site(url, timezone.localtime(started), words)
            shown = console.is_terminal  # no bar to update otherwise: nothing to do per page
            crawl = inspect_site(
                site,
                options,
                progress=(lambda done, queued: progress.update(bar, completed=done)) if shown else None,
            )
        report = reports.as_json(crawl, started)
        rate = crawl.pages_crawled / crawl.seconds if crawl.seconds else 0
        console.print(
            f"{url}：检测 {crawl.pages_crawled} 页，用时 {crawl.seconds:.1f} 秒（{rate:.0f} 页/秒），"
            f"发现问题 {len(report['findings'])} 个，得分 {report['score']['total']}"
            + ("，存在单项否决问题" if report["score"]["vetoed"] else ""),
            highlight=False,
        )
        return report

    def _write(self, results: list[dict], fmt: str, out: str | None) -> None:
        if fmt == "xlsx":
            Path(out).write_bytes(reports.as_xlsx(results))
            return
        if fmt == "html":
            text = reports.as_html(results)
        else:
            text = json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False, indent=2)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
