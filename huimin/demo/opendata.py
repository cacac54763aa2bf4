"""Demo content: the open data catalogs (数据开放, slug sjkf) of the portal (gathering the group) and of
沭阳县, several real-looking datasets of different units and themes loaded through the open data services,
and the two platform datasets (message statistics, holiday calendar).

The files are generated here, deterministically: CSV in UTF-8 (with and without BOM), one in GBK, one XLSX.
One dataset has two versions (so the page shows a change summary), one is late by its declared frequency
(so 数据更新提醒 has something to list). Everything is looked up first, so a second run adds nothing.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from wagtail.models import Site

from huimin.core.pages import add_and_publish
from huimin.opendata import platform, services
from huimin.opendata.enums import OpenType, UpdateFrequency
from huimin.opendata.models import DataCatalogPage, DatasetPage, DataTheme, Resource
from huimin.sites.models import OrgUnit

CATALOG_SLUG = "sjkf"
PORTAL = "127.0.0.1"
SHUYANG = "shuyang.localhost"
CONTACT = {"contact_phone": "0527-84300000", "contact_email": "sjkf@suqian.example.cn"}


def _csv(rows: list[list], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学校名录"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the tables (deterministic: a seeded generator per table) -------------------------------------------

DISTRICTS = ["宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县", "经开区", "湖滨新区"]
ROADS = [
    "洪泽湖路",
    "发展大道",
    "幸福路",
    "西湖路",
    "人民大道",
    "黄河路",
    "太湖路",
    "青海湖路",
    "珠江路",
    "楚街",
]
PLACES = [
    "市民广场",
    "客运站",
    "人民医院",
    "图书馆",
    "体育馆",
    "中学",
    "小学",
    "公园",
    "社区服务中心",
    "商业街",
]


def bicycle_rows() -> list[list]:
    rng = random.Random("bicycle")  # noqa: S311 - demo data, not security
    rows = [["站点编号", "站点名称", "所在区域", "地址", "经度", "纬度", "车桩数", "启用日期"]]
    for number in range(1, 49):
        road, place = ROADS[number % len(ROADS)], PLACES[(number * 7) % len(PLACES)]
        district = DISTRICTS[number % 3 if number % 5 else 5]
        opened = date(2019, 4, 1) + timedelta(days=rng.randint(0, 1800))
        rows.append(
            [
                f"SQ{number:04d}",
                f"{road}{place}站",
                district,
                f"{district}{road}{rng.randint(1, 300)}号附近",
                f"{118.25 + rng.random() * 0.12:.6f}",
                f"{33.93 + rng.random() * 0.08:.6f}",
                rng.choice([12, 16, 20, 24, 30]),
                opened.isoformat(),
            ]
        )
    return rows


def school_rows() -> list[list]:
    rng = random.Random("schools")  # noqa: S311 - demo data, not security
    rows = [["学校名称", "学段", "办学性质", "所在区县", "地址", "联系电话", "班级数", "在校生数"]]
    names = ["实验", "第一", "第二", "育才", "文昌", "钟吾", "马陵", "启明", "青华", "明德"]
    stages = [("小学", 24, 45), ("初级中学", 18, 50), ("高级中学", 30, 52), ("幼儿园", 9, 30)]
    for number in range(30):
        stage, classes, size = stages[number % len(stages)]
        district = DISTRICTS[number % 5]
        count = classes + rng.randint(-4, 8)
        rows.append(
            [
                f"宿迁市{district}{names[number % len(names)]}{stage}"
                if number < len(names) * 2
                else f"{district}{names[number % len(names)]}{stage}（{number}）",
                stage,
                "民办" if number % 9 == 4 else "公办",
                district,
                f"{district}{ROADS[number % len(ROADS)]}{rng.randint(1, 200)}号",
                f"0527-8{rng.randint(1000000, 9999999)}",
                count,
                count * (size - rng.randint(0, 6)),
            ]
        )
    return rows


RIVERS = [
    ("古黄河", "宿城区", ["黄河大桥", "马陵公园"]),
    ("京杭大运河", "宿豫区", ["运河大桥", "皂河船闸"]),
    ("新沂河", "沭阳县", ["沭阳大桥", "口头"]),
    ("淮沭河", "沭阳县", ["沭阳闸"]),
    ("新汴河", "泗洪县", ["泗洪闸"]),
]
GRADES = ["Ⅱ类", "Ⅲ类", "Ⅲ类", "Ⅳ类"]


def water_rows(months: list[tuple[int, int]]) -> list[list]:
    rows = [
        [
            "监测月份",
            "河道名称",
            "断面名称",
            "所在区县",
            "水质类别",
            "溶解氧（mg/L）",
            "高锰酸盐指数（mg/L）",
            "氨氮（mg/L）",
            "总磷（mg/L）",
            "是否达标",
        ]
    ]
    for year, month in months:
        rng = random.Random(f"water-{year}-{month}")  # noqa: S311 - demo data, not security
        for river, district, sections in RIVERS:
            for section in sections:
                grade = rng.choice(GRADES)
                rows.append(
                    [
                        f"{year}-{month:02d}",
                        river,
                        section,
                        district,
                        grade,
                        f"{rng.uniform(5.2, 9.1):.1f}",
                        f"{rng.uniform(2.1, 6.4):.1f}",
                        f"{rng.uniform(0.12, 1.2):.2f}",
                        f"{rng.uniform(0.05, 0.28):.2f}",
                        "否" if grade == "Ⅳ类" else "是",
                    ]
                )
    return rows


def business_rows(months: list[tuple[int, int]]) -> list[list]:
    rows = [["统计月份", "区县", "新设企业数", "新设个体工商户数", "平均开办用时（天）"]]
    for year, month in months:
        rng = random.Random(f"business-{year}-{month}")  # noqa: S311 - demo data, not security
        for district in DISTRICTS:
            base = 60 if district in ("宿城区", "沭阳县") else 35
            rows.append(
                [
                    f"{year}-{month:02d}",
                    district,
                    base + rng.randint(0, 40),
                    base * 3 + rng.randint(0, 120),
                    f"{rng.uniform(0.5, 1.0):.1f}",
                ]
            )
    return rows


def elderly_home_rows() -> list[list]:
    rng = random.Random("elderly")  # noqa: S311 - demo data, not security
    towns = [
        "沭城街道",
        "章集街道",
        "十字街道",
        "胡集镇",
        "韩山镇",
        "钱集镇",
        "马厂镇",
        "庙头镇",
        "桑墟镇",
        "吴集镇",
    ]
    rows = [["机构名称", "所在乡镇（街道）", "机构性质", "床位数", "护理型床位数", "星级", "联系电话"]]
    for number, town in enumerate(towns):
        beds = rng.choice([80, 120, 150, 200, 260])
        rows.append(
            [
                f"沭阳县{town.removesuffix('街道').removesuffix('镇')}敬老院"
                if number % 3
                else f"沭阳县{town}颐养中心",
                town,
                "公办" if number % 3 else "公建民营",
                beds,
                beds * rng.choice([5, 6, 7]) // 10,
                rng.choice(["一星级", "二星级", "三星级"]),
                f"0527-8{rng.randint(3000000, 3999999)}",
            ]
        )
    return rows


def _months(end: tuple[int, int], count: int) -> list[tuple[int, int]]:
    year, month = end
    months = []
    for _ in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(months)


def _month_before(now: datetime, back: int) -> tuple[int, int]:
    year, month = now.year, now.month
    for _ in range(back):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return year, month


# --- the datasets ----------------------------------------------------------------------------------------


@dataclass
class Upload:
    name: str
    days_ago: int
    content: bytes


@dataclass
class DemoDataset:
    site: str
    slug: str
    title: str
    unit: str
    theme: str
    frequency: str
    description: str
    keywords: str
    resource: str
    uploads: list[Upload]
    spatial: str = "宿迁市"
    open_type: str = OpenType.UNCONDITIONAL
    open_condition: str = ""
    temporal_start: date | None = None
    column_notes: dict[str, str] = field(default_factory=dict)


def demo_datasets(now: datetime) -> list[DemoDataset]:
    last = _month_before(now, 1)
    before = _month_before(now, 2)
    return [
        DemoDataset(
            site=PORTAL,
            slug="ggzxc-zd",
            title="公共自行车站点",
            unit="宿迁市大数据中心",
            theme="交通运输",
            frequency=UpdateFrequency.MONTHLY,
            description="市区公共自行车租赁站点的编号、名称、位置（经纬度）、车桩数量和启用日期。",
            keywords="公共自行车,站点,绿色出行,交通",
            resource="公共自行车站点表",
            uploads=[Upload("公共自行车站点.csv", 6, _csv(bicycle_rows()))],
            temporal_start=date(2019, 4, 1),
            column_notes={"经度": "WGS-84 坐标系经度。", "纬度": "WGS-84 坐标系纬度。"},
        ),
        DemoDataset(
            site=PORTAL,
            slug="xxml",
            title="学校名录",
            unit="宿迁市教育局",
            theme="教育科技",
            frequency=UpdateFrequency.YEARLY,
            description="全市幼儿园、小学、初级中学和高级中学的名称、学段、办学性质、地址、联系电话和办学规模。",
            keywords="学校,幼儿园,中小学,教育",
            resource="学校名录（2026学年）",
            uploads=[Upload("2026学年学校名录.xlsx", 60, _xlsx(school_rows()))],
            temporal_start=date(2026, 9, 1),
        ),
        DemoDataset(
            site=PORTAL,
            slug="hdszjc-yb",
            title="河道水质监测月报",
            unit="宿迁市水利局",
            theme="资源环境",
            frequency=UpdateFrequency.MONTHLY,
            description="主要河道监测断面每月的水质类别和溶解氧、高锰酸盐指数、氨氮、总磷等指标。",
            keywords="河道,水质,监测,水环境",
            resource="河道水质监测数据",
            uploads=[
                Upload("河道水质月报-GBK.csv", 38, _csv(water_rows(_months(before, 6)), encoding="gbk")),
                Upload("河道水质月报-GBK.csv", 8, _csv(water_rows(_months(last, 7)), encoding="gbk")),
            ],
            temporal_start=date(*_months(last, 7)[0], 1),
            column_notes={"水质类别": "按《地表水环境质量标准》（GB 3838—2002）评价。"},
        ),
        DemoDataset(
            site=PORTAL,
            slug="qykb-ytj",
            title="企业开办数量按月统计",
            unit="宿迁市行政审批局",
            theme="经济建设",
            frequency=UpdateFrequency.MONTHLY,
            description="各区县每月新设立的企业和个体工商户数量，以及企业开办的平均用时。",
            keywords="企业开办,市场主体,营商环境,统计",
            resource="企业开办数量月度统计表",
            uploads=[Upload("企业开办统计.csv", 50, _csv(business_rows(_months(before, 12)), bom=True))],
            temporal_start=date(*_months(before, 12)[0], 1),
        ),
        DemoDataset(
            site=SHUYANG,
            slug="ylbjg-ml",
            title="沭阳县养老机构名录",
            unit="沭阳县",
            theme="社会保障",
            frequency=UpdateFrequency.HALF_YEARLY,
            description="沭阳县各乡镇（街道）养老机构的名称、性质、床位数、护理型床位数、星级和联系电话。",
            keywords="养老机构,敬老院,床位,养老服务",
            resource="养老机构名录",
            uploads=[Upload("养老机构名录.csv", 20, _csv(elderly_home_rows()))],
            spatial="沭阳县",
            open_type=OpenType.CONDITIONAL,
            open_condition="用于养老服务研究或为老服务的单位，可向沭阳县民政局书面申请，"
            "说明用途并承诺不向第三方提供；经审核后提供包含负责人信息的完整数据。",
        ),
    ]


def ensure_catalog(site: Site, *, aggregate_group: bool) -> tuple[DataCatalogPage, bool]:
    root = site.root_page
    existing = DataCatalogPage.objects.child_of(root).filter(slug=CATALOG_SLUG).first()
    if existing is not None:
        return existing, False
    catalog = DataCatalogPage(
        title="数据开放",
        slug=CATALOG_SLUG,
        description="本站开放的公共数据集：可在线预览、下载 CSV 和 JSON，或通过数据接口查询。"
        + ("汇集全市网站群发布的数据集。" if aggregate_group else ""),
        keywords="数据开放,公共数据,开放数据",
        aggregate_group=aggregate_group,
        show_in_menus=True,
    )
    return add_and_publish(root, catalog), True


def _ensure_dataset(spec: DemoDataset, catalog: DataCatalogPage, now: datetime) -> tuple[DatasetPage, bool]:
    existing = DatasetPage.objects.child_of(catalog).filter(slug=spec.slug).first()
    if existing is not None:
        return existing, False
    unit = OrgUnit.objects.get(name=spec.unit)
    page = DatasetPage(
        title=spec.title,
        slug=spec.slug,
        description=spec.description,
        unit=unit,
        theme=DataTheme.objects.get(name=spec.theme),
        keywords=spec.keywords,
        update_frequency=spec.frequency,
        open_type=spec.open_type,
        open_condition=spec.open_condition,
        temporal_start=spec.temporal_start,
        spatial=spec.spatial,
        contact_name=unit.name,
        pub_date=now - timedelta(days=max(u.days_ago for u in spec.uploads)),
        **CONTACT,
    )
    return add_and_publish(catalog, page), True


def _ensure_resource(spec: DemoDataset, dataset: DatasetPage, now: datetime) -> Resource:
    resource = dataset.resources.filter(title=spec.resource).first()
    if resource is None:
        resource = services.create_resource(dataset, title=spec.resource, actor=None)
    done = resource.versions.count()
    for upload in spec.uploads[done:]:
        version = services.add_version(
            resource,
            upload=upload.content,
            original_name=upload.name,
            actor=None,
            now=now - timedelta(days=upload.days_ago),
        )
        if spec.column_notes and version.status == "loaded":
            columns = [
                {**c, "description": spec.column_notes.get(c.get("name"), c.get("description", ""))}
                for c in version.columns
            ]
            services.set_columns(version, columns, actor=None, now=now - timedelta(days=upload.days_ago))
    return resource


def build_opendata_demo(spec: dict, now: datetime, admin) -> int:
    """The catalogs, the demo datasets and the platform datasets; returns how many pages were created."""
    created = 0
    catalogs = {}
    for hostname, aggregate in ((PORTAL, True), (SHUYANG, False)):
        catalogs[hostname], new = ensure_catalog(
            Site.objects.get(hostname=hostname), aggregate_group=aggregate
        )
        created += new
    for item in demo_datasets(now):
        dataset, new = _ensure_dataset(item, catalogs[item.site], now)
        created += new
        _ensure_resource(item, dataset, now)
    results = platform.refresh(now)
    created += sum(1 for result in results if result.created)
    return created
