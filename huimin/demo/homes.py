"""The demo's home pages: each site's blocks arranged its own way, and each site's look (banner, emblem,
colour) with the site-wide notice that the group is a demonstration.

The city portal leads with the news carousel; the two counties mix their own banner with news and services;
the two departments show fewer blocks. Every change goes through `huimin.sites.services`.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from wagtail.models import Site

from huimin.sites import services as site_services
from huimin.sites.blocks import DEFAULT_TILES
from huimin.sites.models import ColumnPage, HomePage, SiteIdentity

DEMO_NOTICE = "本网站群为演示网站，所载单位、人员、数据和文件均为示例，不代表任何机关的正式信息。"
# Five colours that carry white text at 4.5:1 or better, one per site.
ACCENT_COLOURS = {
    "portal": "#a8151b",  # 7.5:1, the portal's red
    "shuyang": "#1f6b3a",  # 6.5:1, green
    "sucheng": "#8a4a00",  # 6.9:1, amber brown
    "slj": "#00607a",  # 7.1:1, water teal
    "jyj": "#5b3a8c",  # 8.7:1, purple
}
TILE = {tile["label"]: tile for tile in DEFAULT_TILES}


def _tiles(*labels: str) -> list[dict]:
    return [dict(TILE[label], page=None) for label in labels]


def _columns(home: HomePage) -> dict[str, int]:
    return dict(ColumnPage.objects.child_of(home).values_list("slug", "pk"))


def _block(kind: str, **value) -> dict:
    return {"type": kind, "value": value}


def _news(columns: dict[str, int], *slugs: str, heading: str = "", count: int = 8) -> dict:
    return _block("news", heading=heading, columns=[columns[s] for s in slugs if s in columns], count=count)


def _carousel(columns: dict[str, int], count: int) -> dict:
    return _block("carousel", heading="要闻", column=columns.get("gzdt"), count=count, slides=[])


def arrangement(key: str, home: HomePage) -> list[dict]:
    """The blocks of one demo site's home page, by the site's key in sitegroup.json."""
    columns = _columns(home)
    site_group = _block("site_group", heading="站群导航")
    if key == "portal":
        return [
            _carousel(columns, 5),
            _news(columns, "gzdt", "tzgg", "sjfb", heading="政务信息"),
            _block("services", heading="便民服务", tiles=_tiles(*TILE)),
            _block("policies", heading="政策与解读", count=6),
            _block("topics", heading="专题专栏", count=4),
            site_group,
        ]
    if key == "shuyang":
        return [
            _block("banner", heading="", subtitle="沭阳县人民政府门户网站"),
            _carousel(columns, 4),
            _news(columns, "gzdt", "tzgg", heading="沭阳要闻", count=6),
            _block(
                "services", heading="便民服务", tiles=_tiles("我要留言", "办事指南", "政策文件库", "智能问答")
            ),
            _block("policies", heading="政策与解读", count=5),
            site_group,
        ]
    if key == "sucheng":
        return [
            _block("banner", heading="", subtitle="宿城区人民政府门户网站"),
            _block(
                "services",
                heading="我要办",
                tiles=_tiles("办事指南", "我要留言", "智能问答", "政策文件库", "在线访谈", "征集调查"),
            ),
            _news(columns, "gzdt", heading="工作动态", count=6),
            _news(columns, "tzgg", heading="通知公告", count=6),
            _block("topics", heading="专题专栏", count=2),
            site_group,
        ]
    if key == "slj":
        return [
            _block("banner", heading="", subtitle="防汛抗旱 · 河湖长制 · 水利工程"),
            _block(
                "services", heading="便民服务", tiles=_tiles("我要留言", "政策文件库", "数据开放", "办事指南")
            ),
            _news(columns, "gzdt", "tzgg", heading="水利信息", count=6),
            site_group,
        ]
    return [  # jyj and any other department
        _block("banner", heading="", subtitle="义务教育 · 入学服务 · 教育政策"),
        _news(columns, "gzdt", "tzgg", heading="教育信息", count=6),
        _block(
            "services", heading="便民服务", tiles=_tiles("我要留言", "办事指南", "智能问答", "政策文件库")
        ),
        _block("policies", heading="教育政策", count=4),
        site_group,
    ]


def _picture(name: str, collection):
    """A shipped demo picture, or None while it is missing (the demo still builds without it)."""
    try:
        from huimin.demo.pictures import picture

        return picture(name, collection=collection)
    except (ImportError, KeyError, FileNotFoundError, OSError):
        return None


def _appearance(key: str, identity: SiteIdentity, admin) -> None:
    wanted = {
        "banner": _picture(f"banner-{key}.jpg", identity.collection),
        "emblem": _picture(f"emblem-{key}.png", identity.collection),
        "accent_colour": ACCENT_COLOURS.get(key, identity.accent_colour),
        "notice": DEMO_NOTICE,
    }
    wanted = {name: value for name, value in wanted.items() if value is not None}
    if any(getattr(identity, name) != value for name, value in wanted.items()):
        site_services.set_site_appearance(identity, **wanted, user=admin)


def build_home_demo(spec: dict, now: datetime, admin) -> int:
    """Arrange each demo site's home page and set its look; returns how many home pages were arranged
    (a home page that already has blocks is left as it is, so building twice changes nothing)."""
    arranged = 0
    for site_spec in spec["sites"]:
        site = Site.objects.filter(hostname=site_spec["hostname"]).select_related("root_page").first()
        if site is None:
            continue
        try:
            identity = SiteIdentity.objects.get(site=site)
        except ObjectDoesNotExist:
            continue
        _appearance(site_spec["key"], identity, admin)
        home = site.root_page.specific
        if isinstance(home, HomePage) and not len(home.body):
            site_services.arrange_home(home, arrangement(site_spec["key"], home), user=admin)
            arranged += 1
    return arranged
