"""数据开放 (功能应用): the unit's open data as it stood at `now`.

The rule's three parts, added up to the row's points:

1. a data column (数据发布类栏目) updated within 3 months before `now` earns 2, within 3–6 months 1. The
   unit's data columns are its datasets (`DatasetPage.unit`, wherever the catalog is) and the columns of its
   sites typed 数据发布 or 数据开放; a column is updated by a dataset's publication, a loaded version of one
   of its resources, or an item of such a column. No data column at all: the row scores 0.
2. a chart or visualisation within 6 months earns 1: a `DataChart` of one of the unit's datasets updated
   then, or a 图表图解 interpretation published on the unit's sites then.
3. a dataset updated as regularly as it declares (not late by its update frequency at `now`) and offering
   a download or the data API (a loaded version) earns 1.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from huimin.opendata.enums import VersionStatus
from huimin.opendata.models import DataChart, DatasetPage, ResourceVersion
from huimin.opendata.quality import is_late
from huimin.policies.enums import InterpretationForm
from huimin.policies.models import InterpretationPage
from huimin.sites.models import ColumnPage
from huimin.sites.queries import newest_item_date

from . import Context, RowResult, calculator, points
from .content import NO_SITE, _day, _on_sites, edit_url, months_before

DATA_COLUMN_TYPES = ("数据发布", "数据开放")
FRESH_MONTHS, STALE_MONTHS = 3, 6
# Each part's share of the row's points, as the rule divides its 4 points: 2, 1 (or the 2 when fresher),
# 1 and 1.
FRESH_SHARE, RECENT_SHARE, CHART_SHARE, DOWNLOAD_SHARE = 0.5, 0.25, 0.25, 0.25


def _datasets(ctx: Context) -> list[DatasetPage]:
    datasets = DatasetPage.objects.live().public().filter(unit=ctx.unit, pub_date__lte=ctx.now)
    return list(datasets.order_by("pub_date", "pk"))


def _loaded_at(dataset: DatasetPage, now: datetime) -> datetime | None:
    """The upload time of the dataset's newest loaded version at or before `now`."""
    if not hasattr(dataset, "_loaded_at"):
        dataset._loaded_at = ResourceVersion.objects.filter(
            resource__dataset_id=dataset.pk, status=VersionStatus.LOADED, uploaded_at__lte=now
        ).aggregate(newest=Max("uploaded_at"))["newest"]
    return dataset._loaded_at


def _data_updates(ctx: Context, datasets) -> list[tuple[datetime, str, str]]:
    """(when, what, url) of every data column's latest update at `now`."""
    updates = []
    for dataset in datasets:
        loaded = _loaded_at(dataset, ctx.now)
        when = max(moment for moment in (dataset.pub_date, loaded) if moment)
        what = "更新数据" if loaded and loaded >= dataset.pub_date else "发布"
        updates.append((when, f"数据集《{dataset.title[:60]}》{_day(when)} {what}", edit_url(dataset)))
    for site in ctx.sites:
        columns = (
            ColumnPage.objects.live()
            .descendant_of(site.root_page)
            .filter(column_type__name__in=DATA_COLUMN_TYPES)
            .order_by("path")
        )
        for column in columns:
            newest = newest_item_date(column, ctx.now)
            if newest is not None:
                updates.append(
                    (newest, f"数据发布栏目“{column.title}”最新信息 {_day(newest)}", edit_url(column))
                )
            else:
                updates.append((None, f"数据发布栏目“{column.title}”没有信息", edit_url(column)))
    return updates


def _visualisations(ctx: Context, since: datetime) -> list[tuple[str, str]]:
    charts = DataChart.objects.filter(
        resource__dataset__unit=ctx.unit,
        resource__dataset__live=True,
        updated_at__gt=since,
        updated_at__lte=ctx.now,
    ).select_related("resource__dataset")
    found = []
    for chart in charts.order_by("-updated_at", "pk")[:3]:
        dataset = chart.resource.dataset
        text = f"图表“{chart.title[:60]}”（数据集《{dataset.title[:40]}》）{_day(chart.updated_at)} 更新"
        found.append((text, edit_url(dataset)))
    if ctx.sites:
        graphics = _on_sites(InterpretationPage.objects.live().public(), ctx).filter(
            form=InterpretationForm.GRAPHIC, pub_date__gt=since, pub_date__lte=ctx.now
        )
        found += [
            (f"图表图解《{page.title[:60]}》{_day(page.pub_date)} 发布", edit_url(page))
            for page in graphics.order_by("-pub_date", "pk")[:3]
        ]
    return found


def _downloadable(ctx: Context, datasets) -> tuple[DatasetPage, datetime] | None:
    """The first dataset up to date at `now` with a loaded version (downloads and the API serve it)."""
    for dataset in datasets:
        loaded = _loaded_at(dataset, ctx.now)
        if loaded is not None and not is_late(dataset, ctx.now, loaded):
            return dataset, loaded
    return None


@calculator("open_data")
def open_data(ctx: Context, row) -> RowResult:
    total = points(row)
    fresh, recent, chart, download = (
        total * share for share in (FRESH_SHARE, RECENT_SHARE, CHART_SHARE, DOWNLOAD_SHARE)
    )
    datasets = _datasets(ctx)
    updates = _data_updates(ctx, datasets)
    result = RowResult(0.0)
    if not updates:
        result.note(NO_SITE if not ctx.sites else "未开设数据发布类栏目，也没有本单位提供的数据集")
        return result
    dated = [update for update in updates if update[0] is not None]
    if dated:
        when, text, url = max(dated, key=lambda update: update[0])
        if when >= months_before(ctx.now, FRESH_MONTHS):
            result.score += fresh
            result.note(f"前{FRESH_MONTHS}个月内有更新：{text}（+{fresh:g}）", url)
        elif when >= months_before(ctx.now, STALE_MONTHS):
            result.score += recent
            result.note(f"前{FRESH_MONTHS}—{STALE_MONTHS}个月内有更新：{text}（+{recent:g}）", url)
        else:
            result.note(f"前{STALE_MONTHS}个月内数据发布类栏目未更新：{text}", url)
    else:
        result.note("数据发布类栏目没有任何信息", updates[0][2])
    shown = _visualisations(ctx, months_before(ctx.now, STALE_MONTHS))
    if shown:
        result.score += chart
        text, url = shown[0]
        result.note(f"前{STALE_MONTHS}个月内有可视化展现：{text}（+{chart:g}）", url)
    else:
        result.note(f"前{STALE_MONTHS}个月内没有图表、图解等可视化展现数据")
    ready = _downloadable(ctx, datasets)
    if ready:
        dataset, loaded = ready
        result.score += download
        text = (
            f"数据集《{dataset.title[:60]}》按期更新（{_day(loaded)}），提供下载和数据接口（+{download:g}）"
        )
        result.note(text, edit_url(dataset))
    elif datasets:
        result.note("数据集未按声明的更新频率更新，或没有可下载的数据", edit_url(datasets[0]))
    else:
        result.note("没有本单位提供的数据集，无下载或数据接口")
    result.score = min(result.score, total)
    return result
