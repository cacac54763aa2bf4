"""What the `huimin` management commands share: a progress bar and the `--site HOSTNAME` option."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError
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
    site = Site.objects.filter(hostname=hostname.strip().lower()).select_related("root_page").first()
    if site is None:
        known = "、".join(Site.objects.order_by("hostname").values_list("hostname", flat=True))
        raise CommandError(f"站点“{hostname}”不存在。现有站点：{known or '无'}。")
    return site
