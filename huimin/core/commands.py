"""What the `huimin` management commands share: a progress bar, the `--site HOSTNAME` option and a `--help`
in Chinese (`ChineseHelpCommand`)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


@contextmanager
def progress_bar(
    label: str, *, total: int | None, hidden: bool = False, quiet: tuple[str, ...] = ()
) -> Iterator[tuple[Progress, TaskID]]:
    """A progress bar on standard error labelled in Chinese (hidden when `hidden`, e.g. with --json, and
    when standard error is not a terminal), yielding (progress, task). The loggers named in `quiet` are
    held at WARNING meanwhile: a line per page or task would drown the bar."""
    console = Console(file=sys.stderr)
    levels = {name: logging.getLogger(name).level for name in quiet}
    try:
        for name in quiet:
            logging.getLogger(name).setLevel(logging.WARNING)
        with Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=hidden or not console.is_terminal,
        ) as progress:
            yield progress, progress.add_task(label, total=total)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def site_option(hostname: str | None):
    """The site a `--site HOSTNAME` option names, None without the option; a Chinese error listing the
    group's sites for an unknown one."""
    from wagtail.models import Site

    if hostname is None:
        return None
    printable = hostname.isprintable()  # a NUL or control character names no site (and PostgreSQL refuses it)
    query = Site.objects.filter(hostname=hostname.strip().lower()) if printable else Site.objects.none()
    site = query.select_related("root_page").first()
    if site is None:
        known = "、".join(Site.objects.order_by("hostname").values_list("hostname", flat=True))
        shown = hostname if printable else hostname.encode("unicode_escape").decode()
        raise CommandError(f"站点“{shown}”不存在。现有站点：{known or '无'}。")
    return site


# Django's own options, said in Chinese in `--help`.
STANDARD_HELP = {
    "help": "显示本帮助并退出",
    "version": "显示版本号并退出",
    "verbosity": "输出详细程度：0 最少，1 正常，2 详细，3 非常详细",
    "settings": "使用的设置模块（如 huimin.settings.production），默认取环境变量 DJANGO_SETTINGS_MODULE",
    "pythonpath": "加入 Python 路径的目录",
    "traceback": "出错时显示完整的调用栈",
    "no_color": "输出不带颜色",
    "force_color": "输出强制带颜色",
    "skip_checks": "跳过系统检查",
}


class ChineseHelpFormatter(DjangoHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix or "用法：")


class ChineseHelpCommand(BaseCommand):
    """A command whose whole `--help` is in Chinese: the usage line, the section titles and Django's own
    options as well as the command's. With `plain_errors`, a refusal on the command line is said in Chinese
    alone (no "CommandError:" before it) and exits with the error's status."""

    plain_errors = False

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            if (
                not self.plain_errors
                or not getattr(self, "_called_from_command_line", False)
                or options.get("traceback")
            ):
                raise
            self.stderr.write(str(error))
            sys.exit(error.returncode)

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser._optionals.title = "选项"
        parser._positionals.title = "参数"
        for action in parser._actions:
            if action.dest in STANDARD_HELP:
                action.help = STANDARD_HELP[action.dest]
        return parser
