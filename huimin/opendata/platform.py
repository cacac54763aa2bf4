"""Platform data as open data: datasets of the city portal's catalog that the platform keeps up to date
itself, the monthly statistics of netizen messages (from `huimin.letters`) and the holiday calendar (from
`huimin.workdays`).

`refresh(now)` (command `huimin opendata-refresh`, run daily) makes each dataset, its resource and its
documented columns on first use, generates the table as CSV bytes, and adds a new version only when the
bytes differ from the current version's (by SHA-256). Running it again with nothing changed adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from huimin.core.pages import add_and_publish
from huimin.sites.models import OrgUnit, SiteIdentity

from . import services
from .enums import OpenType, UpdateFrequency
from .models import DataCatalogPage, DatasetPage, DataTheme, Resource


class PlatformDataError(Exception):
    """The platform data cannot be published (e.g. the portal has no catalog); the message is Chinese."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Source:
    key: str  # DatasetPage.platform_source
    slug: str
    title: str
    resource_title: str
    description: str
    keywords: str
    theme: str
    frequency: str
    columns: tuple[Column, ...]
    rows: Callable[[datetime], list[list]]


@dataclass
class RefreshResult:
    source: str
    title: str
    dataset_id: int
    url: str
    created: bool  # the dataset page was made by this run
    changed: bool  # a new version was added
    version: int | None  # the current version's number after the run
    rows: int
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


# --- the tables ------------------------------------------------------------------------------------------


def _site_name(site: Site) -> str:
    identity = SiteIdentity.objects.filter(site=site).first()
    return (identity.site_name if identity else "") or site.site_name or site.hostname


def _percent(share: float | None):
    return "" if share is None else round(share * 100, 1)


def letter_statistics_rows(now: datetime) -> list[list]:
    """One row per site with messages and complete month, oldest month first: received, answered, on time,
    average working hours to answer, ratings and satisfaction (the same figures as each site's public
    statistics page). The current month is left out until it is over."""
    from huimin.letters.models import Letter
    from huimin.letters.queries import monthly_figures

    local = timezone.localtime(now)
    current = (local.year, local.month)
    rows = []
    sites = Site.objects.filter(pk__in=Letter.objects.values("site_id")).order_by("hostname")
    for site in sites:
        first = (
            Letter.objects.filter(site=site).order_by("received_at").values_list("received_at", flat=True)[0]
        )
        first = timezone.localtime(first)
        year, month = first.year, first.month
        name = _site_name(site)
        while (year, month) < current:
            f = monthly_figures(site, None, year, month)
            if f.received:
                rows.append(
                    [
                        f"{year:04d}-{month:02d}",
                        name,
                        f.received,
                        f.answered,
                        f.on_time,
                        _percent(f.on_time_share),
                        "" if f.average_hours is None else f.average_hours,
                        f.rated,
                        _percent(f.satisfaction),
                    ]
                )
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    rows.sort(key=lambda row: (row[0], row[1]))
    return rows


def holiday_rows(now: datetime) -> list[list]:
    """Every listed day of every working calendar: holidays (放假) and make-up working days (调休上班)."""
    from huimin.workdays.enums import WEEKDAY_NAMES
    from huimin.workdays.models import CalendarDay

    days = CalendarDay.objects.select_related("calendar").order_by("calendar__name", "date")
    return [
        [
            day.date.isoformat(),
            WEEKDAY_NAMES[day.date.weekday()],
            day.get_kind_display(),
            day.name,
            day.calendar.name,
        ]
        for day in days
    ]


SOURCES = (
    Source(
        key="letter-statistics",
        slug="wmly-tj",
        title="网民留言办理情况月度统计",
        resource_title="网民留言办理情况月度统计表",
        description="网站群各网站收到的网民留言按月统计：收到留言数、已答复数、按时答复数和按时答复率、"
        "平均答复用时（工作小时）、评价数和满意率。由平台每日自动汇总更新，当月数据在次月初发布。",
        keywords="网民留言,政民互动,答复,满意率,统计",
        theme="政务服务",
        frequency=UpdateFrequency.MONTHLY,
        columns=(
            Column("月份", "text", "统计月份，格式为“年-月”，按留言收到时间归入。"),
            Column("网站", "text", "受理留言的网站名称。"),
            Column("收到留言", "integer", "当月收到的有效留言数（不含无效和重复留言）。"),
            Column("已答复", "integer", "当月收到的留言中已答复的件数。"),
            Column("按时答复", "integer", "在答复时限内答复的件数。"),
            Column("按时答复率", "number", "按时答复数占已答复数的百分比（%）。"),
            Column(
                "平均答复用时", "number", "从收到到答复的平均用时，单位为工作小时（不含节假日和暂停计时）。"
            ),
            Column("评价数", "integer", "留言人作出满意度评价的件数。"),
            Column("满意率", "number", "“满意”和“基本满意”占评价数的百分比（%）。"),
        ),
        rows=letter_statistics_rows,
    ),
    Source(
        key="holidays",
        slug="jjr-tx",
        title="法定节假日和调休安排",
        resource_title="节假日和调休日期表",
        description="工作日历中登记的法定节假日放假日期和调休上班日期，用于计算办理时限。"
        "由平台每日自动同步，工作日历调整后自动发布新版本。",
        keywords="节假日,放假,调休,工作日,工作日历",
        theme="政务服务",
        frequency=UpdateFrequency.YEARLY,
        columns=(
            Column("日期", "date", "放假或调休上班的日期。"),
            Column("星期", "text", "该日期是星期几。"),
            Column("类型", "text", "“放假”或“调休上班”。"),
            Column("名称", "text", "节日或调休的名称，如“国庆节”“国庆节调休”。"),
            Column("日历", "text", "所属工作日历；县区日历只列出与市日历不同的日期。"),
        ),
        rows=holiday_rows,
    ),
)


def csv_bytes(source: Source, rows: list[list]) -> bytes:
    """The table as UTF-8 CSV with a BOM (what spreadsheets open without asking), deterministic."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in source.columns])
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- publishing ------------------------------------------------------------------------------------------


def portal_catalog() -> DataCatalogPage:
    """The catalog that gathers the group (the city portal's); the first by tree order if several."""
    catalog = DataCatalogPage.objects.live().filter(aggregate_group=True).order_by("path").first()
    if catalog is None:
        raise PlatformDataError("城市门户还没有“汇集全市数据集”的数据开放目录，无法发布平台数据。")
    return catalog


def _portal_identity(catalog: DataCatalogPage) -> SiteIdentity | None:
    site = catalog.get_site()
    return SiteIdentity.objects.filter(site=site).select_related("org_unit").first() if site else None


def _publisher(identity: SiteIdentity | None) -> OrgUnit:
    if identity is not None and identity.org_unit_id:
        return identity.org_unit
    unit = OrgUnit.objects.filter(kind="city_office").order_by("sort_order", "pk").first()
    if unit is None:
        raise PlatformDataError("没有可作为提供单位的组织机构（门户的主管单位或市政府办公室）。")
    return unit


def _first_date(rows: list[list]) -> date | None:
    """The earliest date in the first column ("YYYY-MM" or "YYYY-MM-DD"), for the time covered."""
    found = []
    for row in rows:
        parts = str(row[0]).split("-") if row else []
        if len(parts) in (2, 3) and all(p.isdigit() for p in parts):
            try:
                found.append(date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1))
            except ValueError:
                continue
    return min(found) if found else None


def ensure_dataset(
    source: Source, catalog: DataCatalogPage, now: datetime, rows: list[list] = ()
) -> tuple[DatasetPage, bool]:
    """The source's dataset page (found by its platform source, wherever it sits), made on first use."""
    existing = DatasetPage.objects.filter(platform_source=source.key).first()
    if existing is not None:
        return existing, False
    identity = _portal_identity(catalog)
    theme, _ = DataTheme.objects.get_or_create(name=source.theme)
    page = DatasetPage(
        title=source.title,
        slug=source.slug,
        description=source.description,
        unit=_publisher(identity),
        theme=theme,
        keywords=source.keywords,
        update_frequency=source.frequency,
        open_type=OpenType.UNCONDITIONAL,
        spatial="宿迁市",
        temporal_start=_first_date(list(rows)),
        contact_name=identity.sponsor if identity else "",
        contact_phone=identity.phone if identity else "",
        contact_email=identity.email if identity else "",
        pub_date=now,
        platform_source=source.key,
    )
    add_and_publish(catalog, page)
    return page, True


def _documented(source: Source, columns: list[dict]) -> list[dict] | None:
    """The version's columns with the source's titles, types and descriptions, or None if already so."""
    wanted = {c.name: c for c in source.columns}
    result, changed = [], False
    for column in columns:
        spec = wanted.get(column.get("name"))
        if spec is None:
            result.append(column)
            continue
        new = {**column, "title": spec.name, "type": spec.type, "description": spec.description}
        changed = changed or new != column
        result.append(new)
    return result if changed else None


def refresh_source(source: Source, catalog: DataCatalogPage, now: datetime) -> RefreshResult:
    with transaction.atomic():
        rows = source.rows(now)
        dataset, created = ensure_dataset(source, catalog, now, rows)
        resource = dataset.resources.order_by("sort_order", "pk").first()
        if resource is None:
            resource = services.create_resource(
                dataset, title=source.resource_title, description=source.description, actor=None
            )
        resource = (
            Resource.objects.select_for_update(of=("self",))
            .select_related("current_version")
            .get(pk=resource.pk)
        )
        current = resource.current_version
        base = dict(
            source=source.key, title=dataset.title, dataset_id=dataset.pk, url=dataset.url, created=created
        )
        if not rows:
            return RefreshResult(
                **base, changed=False, version=current.number if current else None, rows=0, message="暂无数据"
            )
        content = csv_bytes(source, rows)
        if current is not None and current.sha256 == hashlib.sha256(content).hexdigest():
            return RefreshResult(
                **base, changed=False, version=current.number, rows=len(rows), message="内容未变化"
            )
        stamp = timezone.localtime(now)
        version = services.add_version(
            resource,
            upload=content,
            original_name=f"{source.key}-{stamp:%Y%m%d}.csv",
            actor=None,
            now=now,
        )
        columns = _documented(source, version.columns or [])
        if columns is not None and version.status == "loaded":
            version = services.set_columns(version, columns, actor=None, now=now)
        return RefreshResult(
            **base, changed=True, version=version.number, rows=version.row_count, message="已发布新版本"
        )


def refresh(now: datetime, *, sources: tuple[Source, ...] = SOURCES, progress=None) -> list[RefreshResult]:
    """Bring every platform dataset up to date; `progress(source)` is called before each one."""
    catalog = portal_catalog()
    results = []
    for source in sources:
        if progress is not None:
            progress(source)
        results.append(refresh_source(source, catalog, now))
    return results
