"""The home page's blocks, rendered with the demo's real pages: what each block shows, the default
arrangement of a home nobody arranged, escaping, links that lead nowhere, the elder and plain-text
versions, and the two services that change a home page and a site's look."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail import blocks as wagtail_blocks
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from huimin.accessibility.enums import MODE_COOKIE
from huimin.articles.models import ArticlePage
from huimin.conftest import DEMO_NOW
from huimin.demo.builder import load_spec
from huimin.demo.homes import ACCENT_COLOURS, DEMO_NOTICE, build_home_demo
from huimin.policies.models import InterpretationPage, PolicyPage
from huimin.sites import chrome, services
from huimin.sites.blocks import CarouselBlock, InfoListBlock, ServiceTileBlock
from huimin.sites.models import ColumnPage, HomePage, SiteIdentity

from .columns import blank_column
from .html import soup

pytestmark = pytest.mark.django_db
HOSTS = ["127.0.0.1", "shuyang.localhost", "sucheng.localhost", "slj.localhost", "jyj.localhost"]
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def homes(demo):
    """The demo with its home pages arranged (the builder does it; called again here, it changes nothing)."""
    admin = get_user_model().objects.get(username="admin")
    build_home_demo(load_spec(), DEMO_NOW, admin)
    return admin


def _home(host) -> HomePage:
    return Site.objects.get(hostname=host).root_page.specific


def _get(client, host, path="/", mode=None):
    if mode:
        client.cookies[MODE_COOKIE] = mode
    response = client.get(path, HTTP_HOST=f"{host}:8000")
    assert response.status_code == 200, (host, path, response.status_code)
    return soup(response.content)


def _main(document):
    return document.find("main")


def _with_covers(host, count=3):
    """Give the newest news articles of a site a 题图 (the demo's own pictures may not be there yet)."""
    image = Image.objects.create(
        title="测试题图", description="河堤上的巡查人员", file=get_test_image_file(size=(960, 540))
    )
    column = ColumnPage.objects.child_of(_home(host)).get(slug="gzdt")
    articles = list(ArticlePage.objects.child_of(column).live().order_by("-pub_date", "-pk")[:count])
    ArticlePage.objects.filter(pk__in=[a.pk for a in articles]).update(cover_image=image)
    chrome.invalidate()  # a bulk UPDATE bypasses the signals that tell the processes (sites/chrome.py)
    return articles, image


def _carousel_articles(host):
    """What the home's carousel should show: the newest live articles with a 题图 of its source column."""
    block = next(b for b in _home(host).body if b.block_type == "carousel")
    covered = ArticlePage.objects.child_of(block.value["column"]).live().filter(cover_image__isnull=False)
    return list(covered.order_by("-pub_date", "-pk")[: block.value["count"]])


def test_the_portal_shows_every_block_with_the_demo_pages(client, homes):
    articles, _ = _with_covers("127.0.0.1", count=4)
    main = _main(_get(client, "127.0.0.1"))

    carousel = main.select_one("[data-carousel]")
    slides = carousel.select(".carousel-slide")
    expected = _carousel_articles("127.0.0.1")
    assert expected[: len(articles)] == articles  # the newest with a 题图 come first
    assert [s.select_one(".carousel-caption").get_text() for s in slides] == [a.title for a in expected]
    assert [s.a["href"] for s in slides] == [a.url for a in expected]
    assert [s.img["alt"] for s in slides[: len(articles)]] == ["河堤上的巡查人员"] * len(articles)
    assert all(s.img["alt"] for s in slides)

    tiles = {a.get_text(strip=True): a["href"] for a in main.select(".service-tile")}
    assert (
        tiles["我要留言"] == "/hudong/liuyan/"
        and tiles["政策文件库"] == "/zcwjk/"
        and tiles["智能问答"] == "/qa/"
    )
    assert tiles["征集调查"] == "/zjdc/"  # the column lists the demo's surveys

    news = main.select_one(".info-list [data-tabs]")
    assert [h.get_text() for h in news.select(".home-panel-title")] == ["工作动态", "通知公告", "数据发布"]
    newest = ArticlePage.objects.child_of(ColumnPage.objects.child_of(_home("127.0.0.1")).get(slug="tzgg"))
    newest = newest.live().order_by("-pub_date", "-pk").first()
    assert newest.title in news.select(".home-panel")[1].get_text()

    policies = main.select_one(".policy-list")
    newest_policy = PolicyPage.objects.live().order_by("-pub_date", "-pk").first()
    newest_reading = InterpretationPage.objects.live().order_by("-pub_date", "-pk").first()
    assert newest_policy.title in policies.get_text()  # the portal's library gathers the group
    assert newest_reading.title in policies.get_text()

    topics = main.select(".topic-card a")
    assert topics and all(a["href"].startswith("/ztzl/") for a in topics)

    group = main.select_one(".site-group")
    names = {a.get_text() for a in group.select("a")}
    assert names == {"沭阳县人民政府", "宿城区人民政府", "宿迁市水利局", "宿迁市教育局"}
    assert [h.get_text() for h in group.select("h3")] == ["县区", "部门"]


def test_a_county_shows_its_own_banner_mix_and_only_its_own_policies(client, homes):
    main = _main(_get(client, "shuyang.localhost"))
    assert main.select_one(".home-banner-title").get_text() == "沭阳县人民政府"
    policy_links = main.select(".policy-list .home-panel a")
    assert policy_links
    assert all("shuyang" in a["href"] or a["href"].startswith("/") for a in policy_links)
    group = main.select_one(".site-group")
    assert "沭阳县人民政府" not in group.get_text() and "宿迁市人民政府" in group.get_text()


def test_the_five_demo_homes_are_arranged_differently_with_five_colours_and_the_notice(client, homes):
    arrangements = {host: tuple(b.block_type for b in _home(host).body) for host in HOSTS}
    assert len(set(arrangements.values())) == 5
    assert len(arrangements["slj.localhost"]) < len(arrangements["127.0.0.1"])
    identities = SiteIdentity.objects.filter(site__hostname__in=HOSTS)
    assert sorted(i.accent_colour for i in identities) == sorted(ACCENT_COLOURS.values())
    assert {i.notice for i in identities} == {DEMO_NOTICE}


def test_a_home_left_empty_gets_the_default_arrangement_from_its_columns(client, homes):
    home = services.arrange_home(_home("jyj.localhost"), [], user=None)
    assert not len(home.body)
    main = _main(_get(client, "jyj.localhost"))
    column_titles = [h.get_text(strip=True) for h in main.select(".column-block h2")]
    assert "工作动态" in column_titles and "通知公告" in column_titles
    assert main.select_one(".home-banner-title").get_text() == "宿迁市教育局"
    assert main.select(".service-tile") and main.select_one(".site-group")


def test_hostile_text_in_the_blocks_is_shown_as_text(client, homes):
    home = _home("slj.localhost")
    services.arrange_home(
        home,
        [
            {"type": "banner", "value": {"heading": XSS, "subtitle": XSS}},
            {
                "type": "services",
                "value": {
                    "heading": XSS[:20],
                    "tiles": [{"label": XSS[:12], "icon": "message", "page": None, "url": "/hudong/liuyan/"}],
                },
            },
            {
                "type": "news",
                "value": {
                    "heading": XSS[:20],
                    "columns": [ColumnPage.objects.child_of(home).get(slug="gzdt").pk],
                    "count": 3,
                },
            },
        ],
        user=None,
    )
    response = client.get("/", HTTP_HOST="slj.localhost:8000")
    html = response.content.decode()
    assert "<script>alert" not in html and "onerror=alert" not in html.replace(
        "&lt;img src=x onerror=alert", ""
    )
    main = _main(soup(html))
    assert main.select_one(".home-banner-title").get_text() == XSS
    assert main.select_one(".service-tile").get_text(strip=True) == XSS[:12]
    assert not main.select("script, img[onerror]")


def test_a_link_to_a_missing_or_withdrawn_page_is_not_shown(client, homes):
    home = _home("sucheng.localhost")
    notices = ColumnPage.objects.child_of(home).get(slug="tzgg")
    blank_column("sucheng.localhost")
    tile = {"icon": "link", "page": None, "url": ""}
    services.arrange_home(
        home,
        [
            {
                "type": "services",
                "value": {
                    "heading": "便民服务",
                    "tiles": [
                        {**tile, "label": "不存在", "url": "/no-such-page/"},
                        {**tile, "label": "意见建议", "url": "/kong/"},  # an empty column
                        {**tile, "label": "通知", "page": notices.pk},
                        {**tile, "label": "我要留言", "url": "/hudong/liuyan/"},
                        {**tile, "label": "外站", "url": "https://www.gov.cn/"},
                    ],
                },
            }
        ],
        user=None,
    )
    labels = [
        a.get_text(strip=True) for a in _main(_get(client, "sucheng.localhost")).select(".service-tile")
    ]
    assert labels == ["通知", "我要留言", "外站"]
    notices.unpublish()
    labels = [
        a.get_text(strip=True) for a in _main(_get(client, "sucheng.localhost")).select(".service-tile")
    ]
    assert labels == ["我要留言", "外站"]


def test_the_elder_home_puts_the_services_first_without_banner_or_moving_carousel(client, homes):
    _with_covers("127.0.0.1")
    main = _main(_get(client, "127.0.0.1", mode="elder"))
    assert main.find("a").get_text() == "我要留言"
    assert not main.select(".home-banner, .service-tiles, [data-carousel], [data-tabs]")
    assert main.select(".carousel-static .carousel-slide")  # the news still there, as a plain list
    assert not main.select(".carousel-slide img")  # of headlines
    assert main.select(".info-list .home-panel-title")  # tab panels stay headed lists


def test_the_plain_text_home_has_no_pictures_and_lists_the_news_as_links(client, homes):
    _with_covers("127.0.0.1")
    main = _main(_get(client, "127.0.0.1", mode="text"))
    assert not main.select("img, svg")
    titles = [a.title for a in _carousel_articles("127.0.0.1")]
    assert [a.get_text(strip=True) for a in main.select(".carousel-slide a")] == titles


def test_block_values_are_checked_with_chinese_errors():
    tile = ServiceTileBlock()
    with pytest.raises(wagtail_blocks.StructBlockValidationError) as raised:
        tile.clean(
            tile.to_python({"label": "恶意", "icon": "link", "page": None, "url": "javascript:alert(1)"})
        )
    assert "链接地址须为" in str(raised.value.block_errors["url"])
    with pytest.raises(wagtail_blocks.StructBlockValidationError) as raised:
        tile.clean(tile.to_python({"label": "空", "icon": "link", "page": None, "url": ""}))
    assert "请选择页面或填写链接地址" in str(raised.value.block_errors["page"])
    carousel = CarouselBlock()
    with pytest.raises(wagtail_blocks.StructBlockValidationError) as raised:
        carousel.clean(carousel.to_python({"heading": "要闻", "column": None, "count": 5, "slides": []}))
    assert "请选择来源栏目" in str(raised.value.block_errors["column"])
    with pytest.raises(ValidationError):
        carousel.clean(carousel.to_python({"heading": "要闻", "column": None, "count": 9, "slides": []}))
    with pytest.raises(ValidationError):
        InfoListBlock().clean(InfoListBlock().to_python({"heading": "", "columns": [], "count": 8}))


def test_only_people_allowed_change_a_home_or_a_sites_look(homes):
    identity = SiteIdentity.objects.get(site__hostname="slj.localhost")
    with pytest.raises(ValidationError) as raised:
        services.set_site_appearance(identity, accent_colour="#ffff00", user=homes)
    assert "对比度" in str(raised.value)
    editor = get_user_model().objects.get(username="slj-editor")
    with pytest.raises(PermissionDenied):
        services.set_site_appearance(identity, notice="x", user=editor)
    with pytest.raises(PermissionDenied):
        services.arrange_home(_home("slj.localhost"), [], user=editor)
    siteadmin = get_user_model().objects.get(username="slj-siteadmin")
    services.set_site_appearance(identity, accent_colour="#123456", user=siteadmin)
    assert SiteIdentity.objects.get(pk=identity.pk).accent_colour == "#123456"
    with pytest.raises(PermissionDenied):  # another site's administrator
        services.set_site_appearance(
            SiteIdentity.objects.get(site__hostname="jyj.localhost"), notice="", user=siteadmin
        )
