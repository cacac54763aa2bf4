"""Every public page of the demo carries the national tags, the footer items and the landmarks."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from huimin.articles.models import ArticlePage
from huimin.articles.services import publish_article
from huimin.sites.models import ColumnPage, HomePage, SiteIdentity
from huimin.sites.page_tags import COLUMN_TAGS, CONTENT_TAGS, SITE_TAGS

from .columns import blank_column
from .html import meta_tags, soup

pytestmark = pytest.mark.django_db
DEMO_HOSTS = ["127.0.0.1", "shuyang.localhost", "sucheng.localhost", "slj.localhost", "jyj.localhost"]


def _get(client, host, path):
    response = client.get(path, HTTP_HOST=f"{host}:8000")
    assert response.status_code == 200, (host, path, response.status_code)
    return soup(response.content)


def path(page):
    return page.get_url_parts()[2]


def _pages_of(host):
    identity = SiteIdentity.objects.select_related("site").get(site__hostname=host)
    home = identity.site.root_page
    column = ColumnPage.objects.child_of(home).get(slug="gzdt")
    article = ArticlePage.objects.child_of(column).live().order_by("-pub_date").first()
    return identity, home, column, article


@pytest.mark.parametrize("host", DEMO_HOSTS)
def test_every_page_type_carries_the_site_tags_of_its_own_site(client, demo, host):
    identity, home, column, article = _pages_of(host)
    for page in (home, column, article):
        tags = meta_tags(_get(client, host, path(page)))
        assert [tags.get(name) for name in SITE_TAGS] == [
            identity.site_name,
            identity.domain,
            identity.site_code,
        ]


@pytest.mark.parametrize("host", DEMO_HOSTS)
def test_column_pages_and_the_home_page_carry_every_column_tag(client, demo, host):
    _, _, column, _ = _pages_of(host)
    column_tags = meta_tags(_get(client, host, path(column)))
    assert column_tags["ColumnName"] == column.title
    assert column_tags["ColumnType"] == "工作动态"
    assert column_tags["ColumnDescription"] == column.description
    assert column_tags["ColumnKeywords"] == column.keywords
    home_tags = meta_tags(_get(client, host, "/"))
    assert home_tags["ColumnType"] == "首页"
    assert all(home_tags.get(name) for name in COLUMN_TAGS)


@pytest.mark.parametrize("host", DEMO_HOSTS)
def test_content_pages_carry_the_content_tags_with_beijing_time(client, demo, host):
    identity, _, _, article = _pages_of(host)
    tags = meta_tags(_get(client, host, path(article)))
    assert all(tags.get(name) for name in CONTENT_TAGS)
    assert tags["ArticleTitle"] == article.title
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", tags["PubDate"])
    assert tags["PubDate"] == timezone.localtime(article.pub_date).strftime("%Y-%m-%d %H:%M")
    assert tags["ContentSource"] == identity.sponsor
    assert tags["Url"] == f"http://{host}:8000{path(article)}"
    assert "ColumnType" not in tags


def test_pub_date_is_written_in_beijing_time_whatever_the_stored_zone(client, demo):
    article = ArticlePage.objects.get(slug="seed-2022-website-work-points")
    tags = meta_tags(_get(client, "127.0.0.1", path(article)))
    assert tags["PubDate"] == "2022-03-04 09:00"


@pytest.mark.parametrize("host", DEMO_HOSTS)
def test_the_footer_shows_every_identity_item_and_the_error_report_entry(client, demo, host):
    identity, home, column, article = _pages_of(host)
    for page in (home, column, article):
        document = _get(client, host, path(page))
        footer = document.find("footer")
        text = footer.get_text(" ", strip=True)
        for value in (
            identity.site_code,
            identity.icp_number,
            identity.police_record_number,
            identity.sponsor,
            identity.phone,
            identity.address,
            identity.email,
        ):
            assert value in text
        assert footer.find("a", href=identity.conac_url).find("img")["alt"] == "党政机关网站标识"
        assert footer.find("a", href="https://beian.miit.gov.cn/").get_text(strip=True) == identity.icp_number
        assert identity.police_record_code in footer.find("a", class_="police-record")["href"]
        report = footer.find("a", string="我为政府网站找错")
        query = parse_qs(urlsplit(report["href"]).query)
        assert report["href"].startswith("https://zfwzgl.www.gov.cn/exposure/jiucuo.html?")
        assert query == {"site_code": [identity.site_code], "url": [f"http://{host}:8000{path(page)}"]}


def test_pages_declare_chinese_a_skip_link_and_landmarks(client, demo):
    _, home, column, article = _pages_of("127.0.0.1")
    for page in (home, column, article):
        document = _get(client, "127.0.0.1", path(page))
        assert document.html["lang"] == "zh-CN"
        skip = document.find("a", class_="skip-link")
        assert skip["href"] == "#main" and document.find(id="main").name == "main"
        assert document.find("header") and document.find("footer") and document.find("nav")
        assert len(document.find_all("h1")) == 1


def test_column_pages_page_through_their_articles_and_tolerate_bad_page_numbers(client, demo):
    column = ColumnPage.objects.get(slug="gzdt", url_path__startswith="/127-0-0-1/")
    first = _get(client, "127.0.0.1", path(column))
    assert len(first.select(".article-list li")) == 20
    assert first.find("a", rel="next")["href"] == "?page=2"
    last = _get(client, "127.0.0.1", path(column) + "?page=999")
    assert "第 3 页，共 3 页" in last.get_text()
    assert "第 1 页" in _get(client, "127.0.0.1", path(column) + "?page=abc'--").get_text()


def test_a_blank_column_says_it_has_no_items(client, demo):
    blank_column("127.0.0.1")
    document = _get(client, "127.0.0.1", "/kong/")
    assert "本栏目暂无信息" in document.get_text()


def test_markup_in_titles_and_sources_is_shown_as_text_not_run(client, demo):
    column = ColumnPage.objects.get(slug="tzgg", url_path__startswith="/127-0-0-1/")
    payload = '<script>alert("x")</script>" onmouseover="x'
    article = publish_article(
        column,
        title=payload,
        slug="xss-probe",
        body="<p>正文</p>",
        pub_date=timezone.now(),
        source=payload,
        keywords=payload,
    )
    response = client.get(path(article), HTTP_HOST="127.0.0.1:8000")
    assert b"<script>alert" not in response.content
    tags = meta_tags(soup(response.content))
    assert tags["ArticleTitle"] == payload and tags["ContentSource"] == payload


def test_a_column_without_an_update_cycle_takes_its_types_default():
    from huimin.sites.models import ColumnType, OrgUnit

    home = HomePage(title="测试站", slug="t", keywords="测试")
    from wagtail.models import Page

    Page.get_first_root_node().add_child(instance=home)
    unit = OrgUnit.objects.create(name="测试单位", kind="other")
    kwargs = {"description": "描述", "keywords": "词", "responsible_unit": unit, "responsible_person": "李"}
    news = home.add_child(
        instance=ColumnPage(
            title="动态", slug="a", column_type=ColumnType.objects.get(name="工作动态"), **kwargs
        )
    )
    policy = home.add_child(
        instance=ColumnPage(
            title="文件", slug="b", column_type=ColumnType.objects.get(name="政策文件"), **kwargs
        )
    )
    custom = home.add_child(
        instance=ColumnPage(
            title="自定",
            slug="c",
            update_cycle_days=30,
            column_type=ColumnType.objects.get(name="工作动态"),
            **kwargs,
        )
    )
    assert (news.cycle_days, policy.cycle_days, custom.cycle_days) == (14, 183, 30)
    ColumnType.objects.filter(name="工作动态").update(update_cycle_days=10)
    news, custom = ColumnPage.objects.get(pk=news.pk), ColumnPage.objects.get(pk=custom.pk)
    assert (news.cycle_days, custom.cycle_days) == (10, 30)
