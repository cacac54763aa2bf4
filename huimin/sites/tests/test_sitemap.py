"""The 网站地图 at /wzdt/: on every site, generated from the page tree (columns and section pages, no
articles) and the tools, in the navigation's groups; linked from every page's footer."""

import pytest
from django.test import Client
from wagtail.models import Page

from huimin.articles.models import ArticlePage

from .html import soup

pytestmark = pytest.mark.django_db
HOSTS = ["127.0.0.1", "shuyang.localhost", "sucheng.localhost", "slj.localhost", "jyj.localhost"]


def _get(path, host="127.0.0.1"):
    response = Client().get(path, HTTP_HOST=f"{host}:8000")
    assert response.status_code == 200, (host, path, response.status_code)
    return soup(response.content)


@pytest.mark.parametrize("host", HOSTS)
def test_every_site_has_a_site_map_of_its_own_columns_and_the_tools(demo, host):
    page = _get("/wzdt/", host)
    main = page.select_one("main")
    assert main.h1.get_text() == "网站地图"
    hrefs = {a["href"] for a in main.select("a")}
    home = Page.objects.get(depth=2, url_path=f"/{host.replace('.', '-')}/")
    for column in Page.objects.child_of(home).live().in_menu():
        assert f"/{column.slug}/" in hrefs, column.title
    for tool in ("/search/", "/qa/", "/hudong/liuyan/", "/hudong/liuyan/chaxun/", "/gongju/deadline/"):
        assert tool in hrefs
    assert "/bszn/" in hrefs  # section pages appear even when not set to show in menus
    # Columns, not articles.
    article = ArticlePage.objects.descendant_of(home).live().first()
    assert article.url_path.split("/", 2)[2] not in " ".join(hrefs)
    # Grouped as the navigation is.
    headings = [h.get_text(strip=True) for h in main.select("h2")]
    assert headings[:4] == ["首页", "政务公开", "政务服务", "政民互动"]
    # Breadcrumbs: 首页 › 网站地图.
    assert [li.get_text(strip=True) for li in page.select(".breadcrumbs li")] == ["首页", "网站地图"]


def test_the_site_map_follows_the_tree(demo):
    column = Page.objects.get(url_path="/127-0-0-1/zjdc/")
    assert "/zjdc/" in {a["href"] for a in _get("/wzdt/").select("main a")}
    column.unpublish()
    assert "/zjdc/" not in {a["href"] for a in _get("/wzdt/").select("main a")}


def test_a_sub_column_is_listed_under_its_column(demo):
    from huimin.sites import services
    from huimin.sites.models import ColumnPage

    parent = ColumnPage.objects.get(url_path="/127-0-0-1/gzdt/")
    services.add_column(
        parent,
        title="部门动态",
        slug="bmdt",
        column_type=parent.column_type,
        description="各部门的工作动态。",
        keywords="部门,动态",
        responsible_unit=parent.responsible_unit,
        responsible_person="张三",
        show_in_menus=True,
        actor=None,
    )
    main = _get("/wzdt/").select_one("main")
    sub = main.select_one('a[href="/gzdt/bmdt/"]')
    assert sub is not None
    assert sub.find_parent("li").find_parent("li").a["href"] == "/gzdt/"


def test_every_page_links_to_the_site_map_from_its_footer(demo):
    for path in ("/", "/zcwj/", "/search/", "/hudong/liuyan/"):
        assert _get(path).select_one('footer a[href="/wzdt/"]').get_text() == "网站地图"


def test_the_site_map_answers_get_only(demo):
    assert Client().post("/wzdt/", HTTP_HOST="127.0.0.1:8000").status_code == 405
