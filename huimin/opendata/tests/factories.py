"""Builders of open data test content, shared by the open data tests.

    root = site_root()                         # the portal's home (needs the `demo` fixture), or
    root = site_root("slj.localhost")          # another demo site's home, or
    root = tiny_site()                         # a site of its own, without the demo
    dataset = make_dataset(root, unit=OrgUnit.objects.get(name="宿迁市水利局"), title="河道水位")
    resource, version = make_resource(dataset, csv_bytes([["区县", "人数"], ["沭阳县", 12]]))

Everything goes through the real services (`huimin.core.pages.add_and_publish`, `services.add_version`).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from wagtail.models import Page, Site

from huimin.core.pages import add_and_publish
from huimin.opendata import services
from huimin.opendata.models import DataCatalogPage, DatasetPage, DataTheme, Resource, ResourceVersion
from huimin.sites.models import OrgUnit

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_counter = itertools.count(1)

SAMPLE_ROWS = [
    ["区县", "日期", "类别", "金额", "人数", "是否公开"],
    ["沭阳县", "2026-01-05", "低保", "1,200.50", "12", "是"],
    ["泗阳县", "2026/1/6", "特困", "800", "7", "否"],
    ["宿城区", "2026年1月7日", "低保", "950.25", "9", "是"],
]


def site_root(hostname: str = "127.0.0.1") -> Page:
    """The home page of a demo site (the `demo` fixture must have built the group)."""
    return Site.objects.get(hostname=hostname).root_page.specific


def tiny_site(hostname: str = "opendata-test.localhost") -> Page:
    """A small site of its own (home page, role groups), for tests that do without the demo."""
    from huimin.sites import services as site_services

    existing = Site.objects.filter(hostname=hostname).first()
    if existing:
        return existing.root_page.specific
    unit, _ = OrgUnit.objects.get_or_create(
        name="测试数据局", defaults={"short_name": "数据局", "kind": "department"}
    )
    identity = site_services.IdentityData(
        site_name="测试数据局",
        site_code="3213000099",
        domain="test.suqian.gov.cn",
        sponsor="测试数据局",
        organizer="宿迁市大数据中心",
        phone="0527-84300099",
        address="江苏省宿迁市（测试地址）",
        email="test@suqian.example.cn",
        icp_number="苏ICP备05000001号-99",
        police_record_number="苏公网安备32130202000099号",
        conac_url="https://bszs.conac.cn/sitename?method=show&id=TEST0099",
    )
    site = site_services.create_site(
        hostname=hostname,
        port=80,
        org_unit=unit,
        identity=identity,
        home_title="测试数据局",
        home_keywords="测试",
    )
    return site.root_page.specific


def make_catalog(root: Page | None = None, *, slug: str = "sjkf", **fields) -> DataCatalogPage:
    """The catalog below a home page (the existing one with that slug, else a new published one)."""
    root = root or site_root()
    existing = DataCatalogPage.objects.child_of(root).filter(slug=slug).first()
    if existing:
        return existing
    catalog = DataCatalogPage(
        title=fields.pop("title", "数据开放"),
        slug=slug,
        description=fields.pop("description", "本站开放的公共数据集。"),
        keywords=fields.pop("keywords", "数据开放,公共数据"),
        **fields,
    )
    return add_and_publish(root, catalog)


def make_dataset(
    root: Page | None = None, *, unit: OrgUnit | None = None, catalog=None, **fields
) -> DatasetPage:
    """A published dataset in the catalog of `root` (made if missing); every field can be given."""
    catalog = catalog or make_catalog(root)
    number = next(_counter)
    if unit is None:
        unit = OrgUnit.objects.order_by("sort_order", "pk").first()
    fields.setdefault("title", f"测试数据集{number}")
    fields.setdefault("slug", f"test-dataset-{number}-{DatasetPage.objects.count()}")
    fields.setdefault("description", "用于测试的数据集，内容为虚构数据。")
    fields.setdefault("theme", DataTheme.objects.order_by("sort_order", "pk").first())
    fields.setdefault("pub_date", NOW)
    return add_and_publish(catalog, DatasetPage(unit=unit, **fields))


def csv_bytes(rows, *, encoding: str = "utf-8", delimiter: str = ",", bom: bool = False) -> bytes:
    """Rows (the first is the header) as CSV bytes in the given encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def json_bytes(rows, *, wrap: bool = False) -> bytes:
    """Rows (the first is the header) as a JSON array of objects, or under "data" with `wrap`."""
    header, *body = rows
    items = [dict(zip(header, row, strict=False)) for row in body]
    return json.dumps({"data": items} if wrap else items, ensure_ascii=False).encode()


def xlsx_bytes(rows, *, sheets: int = 1) -> bytes:
    """Rows (the first is the header) as an XLSX workbook's first sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    for row in rows:
        sheet.append(list(row))
    for index in range(1, sheets):
        workbook.create_sheet(f"其他{index}").append(["备注"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_resource(
    dataset: DatasetPage,
    data: bytes | None = None,
    *,
    name: str = "data.csv",
    title: str = "数据表",
    actor=None,
    now: datetime = NOW,
) -> tuple[Resource, ResourceVersion]:
    """A resource of the dataset with a first version loaded from `data` (SAMPLE_ROWS as CSV by default)."""
    resource = services.create_resource(dataset, title=title, actor=actor)
    version = services.add_version(
        resource,
        upload=csv_bytes(SAMPLE_ROWS) if data is None else data,
        original_name=name,
        actor=actor,
        now=now,
    )
    resource.refresh_from_db()
    return resource, version
