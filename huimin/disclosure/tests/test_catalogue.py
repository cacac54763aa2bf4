"""The 政府信息公开 home (/zfxxgk/) and the 公开目录 (/zfxxgk/fdzdgknr/): which pages are listed, under which
category and unit, with which 索引号; the portal gathering the group; bad filter values; query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from huimin.articles.models import ArticlePage
from huimin.articles.services import publish_article
from huimin.disclosure import catalogue
from huimin.disclosure.models import AnnualReportPage
from huimin.policies.models import PolicyPage
from huimin.sites.models import ColumnPage, ColumnType, OrgUnit, SiteIdentity

pytestmark = pytest.mark.django_db

SLJ = "slj.localhost:8000"
PORTAL = "127.0.0.1:8000"
URL = "/zfxxgk/fdzdgknr/"


def _site(hostname: str) -> Site:
    return Site.objects.get(hostname=hostname)


def _entries(hostname: str) -> list[catalogue.Entry]:
    return catalogue.build(_site(hostname)).entries


def test_articles_get_their_columns_category_and_unit_and_a_derived_index_number(demo):
    site = _site("slj.localhost")
    column = ColumnPage.objects.descendant_of(site.root_page).get(column_type__name="工作动态")
    article = ArticlePage.objects.live().child_of(column).first()
    entry = next(e for e in _entries("slj.localhost") if e.kind == "article" and e.page_id == article.pk)
    code = SiteIdentity.objects.get(site=site).site_code
    year = timezone.localtime(article.pub_date).year
    assert entry.index_number == f"{code}/{year}-{article.pk:05d}"
    assert entry.category == "gzdt" and entry.category_name == "工作动态"
    assert entry.unit_id == column.responsible_unit_id
    assert entry.url == article.relative_url(site)


def test_policies_carry_their_own_index_number_and_issuer(demo):
    site = _site("slj.localhost")
    policy = PolicyPage.objects.live().descendant_of(site.root_page).first()
    assert policy is not None
    entry = next(e for e in _entries("slj.localhost") if e.kind == "policy" and e.page_id == policy.pk)
    assert entry.index_number == policy.index_number
    assert entry.unit_id == policy.issuer_id and entry.unit_name == policy.issuer.name
    assert entry.category == (policy.disclosure_category or "zcwj")


def test_a_pages_own_category_wins_and_pages_with_none_are_left_out(demo):
    site = _site("slj.localhost")
    column = ColumnPage.objects.descendant_of(site.root_page).get(column_type__name="通知公告")
    first, second = ArticlePage.objects.live().child_of(column)[:2]
    ArticlePage.objects.filter(pk=first.pk).update(disclosure_category="ghjh")
    by_pk = {e.page_id: e for e in _entries("slj.localhost") if e.kind == "article"}
    assert by_pk[first.pk].category == "ghjh"
    assert by_pk[second.pk].category == "tzgg"
    # A column whose type maps to no category: its articles that name none are not in the catalogue.
    ColumnPage.objects.filter(pk=column.pk).update(column_type=ColumnType.objects.get(name="征集调查"))
    by_pk = {e.page_id: e for e in _entries("slj.localhost") if e.kind == "article"}
    assert first.pk in by_pk and second.pk not in by_pk


def test_a_site_lists_only_its_own_pages_and_the_portal_gathers_the_group(demo):
    slj = _site("slj.localhost")
    shuyang = _site("shuyang.localhost")
    own = _entries("slj.localhost")
    assert own and {e.site_id for e in own} == {slj.pk}
    portal = _entries("127.0.0.1")
    assert {slj.pk, shuyang.pk} <= {e.site_id for e in portal}
    other = next(e for e in portal if e.site_id == shuyang.pk)
    assert other.url.startswith("http://shuyang.localhost:8000/")  # another site's page: an absolute link
    assert len(portal) > len(own)


def test_the_catalogue_page_shows_each_entry_with_index_number_date_unit_and_category(client, demo):
    response = client.get(URL, HTTP_HOST=SLJ)
    assert response.status_code == 200
    html = response.content.decode()
    entry = _entries("slj.localhost")[0]
    assert entry.index_number in html and entry.title in html and entry.category_name in html
    assert f'href="{entry.url}"' in html
    assert entry.pub_date.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in html
    assert '<meta name="ColumnType" content="信息公开目录">' in html
    assert "首页" in html and "政府信息公开" in html  # the breadcrumbs


def test_filters_by_unit_and_category(client, demo):
    entries = _entries("slj.localhost")
    wanted = entries[0]
    response = client.get(URL, {"unit": wanted.unit_id, "category": wanted.category}, HTTP_HOST=SLJ)
    shown = response.context["results"].paginator.object_list
    assert shown and all(e.unit_id == wanted.unit_id and e.category == wanted.category for e in shown)
    assert len(shown) == sum(
        1 for e in entries if (e.unit_id, e.category) == (wanted.unit_id, wanted.category)
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"unit": "abc"}, "所选单位不存在或不属于本网站"),
        ({"unit": "999999"}, "所选单位不存在或不属于本网站"),
        ({"unit": "1 OR 1=1"}, "所选单位不存在或不属于本网站"),
        ({"category": "<script>alert(1)</script>"}, "所选类别不存在"),
        ({"page": "-1"}, "页码无效"),
        ({"page": "99999"}, "页码无效"),
        ({"page": "x"}, "页码无效"),
    ],
)
def test_bad_filter_values_give_the_whole_list_with_a_chinese_message(client, demo, params, message):
    response = client.get(URL, params, HTTP_HOST=SLJ)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html
    assert response.context["results"].paginator.count == len(_entries("slj.localhost"))


def test_another_sites_unit_is_refused_on_a_department_site(client, demo):
    shuyang_unit = OrgUnit.objects.get(name="沭阳县")
    response = client.get(URL, {"unit": shuyang_unit.pk}, HTTP_HOST=SLJ)
    assert "所选单位不存在或不属于本网站" in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_number_of_pages(
    client, demo, django_assert_max_num_queries
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, HTTP_HOST=PORTAL).status_code == 200
        return len(queries)

    client.get(URL, HTTP_HOST=PORTAL)  # warm the per-process caches
    before = count()
    column = ColumnPage.objects.descendant_of(_site("slj.localhost").root_page).get(
        column_type__name="工作动态"
    )
    now = timezone.now()
    for number in range(12):
        publish_article(
            column, title=f"测试动态{number}", slug=f"catalogue-test-{number}", body="<p>正文</p>",
            pub_date=now - timedelta(minutes=number),
        )  # fmt: skip
    client.get(URL, HTTP_HOST=PORTAL)  # each process rebuilds its chrome once after an edit (sites/chrome.py)
    assert count() == before
    with django_assert_max_num_queries(before):
        client.get(URL, {"page": "2"}, HTTP_HOST=PORTAL)
    home_before = None
    with CaptureQueriesContext(connection) as queries:
        client.get("/zfxxgk/", HTTP_HOST=PORTAL)
    home_before = len(queries)
    publish_article(column, title="再一条", slug="catalogue-test-x", body="<p>正文</p>", pub_date=now)
    client.get("/zfxxgk/", HTTP_HOST=PORTAL)  # the chrome rebuilt once after the edit
    with django_assert_max_num_queries(home_before):
        client.get("/zfxxgk/", HTTP_HOST=PORTAL)


def test_the_home_has_its_sections_with_guides_counts_reports_and_the_application(client, demo):
    site = _site("slj.localhost")
    identity = SiteIdentity.objects.get(site=site)
    for year in (2029, 2030):  # later than any report of the demo, with titles of their own
        site.root_page.add_child(
            instance=AnnualReportPage(title=f"测试年报{year}", slug=f"test-gknb-{year}", year=year)
        )
    response = client.get("/zfxxgk/", HTTP_HOST=SLJ)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("公开指南", "公开制度", "法定主动公开内容", "政府信息公开工作年度报告", "依申请公开"):
        assert f">{heading}</h2>" in html
    guide = (
        ArticlePage.objects.live()
        .descendant_of(site.root_page)
        .get(pk__in=[e.page_id for e in _entries("slj.localhost") if e.category == "gkzn"])
    )
    assert guide.title in html
    assert html.index("测试年报2030") < html.index("测试年报2029")
    reports = response.context["reports"]
    assert [r.year for r in reports] == sorted((r.year for r in reports), reverse=True)
    assert all(r.get_site() == site for r in reports)
    assert f"?unit={identity.org_unit_id}&amp;category=gzdt" in html
    assert (
        "20 个工作日" in html and 'href="/zfxxgk/ysqgk/"' in html and 'href="/zfxxgk/ysqgk/chaxun/"' in html
    )
    # The portal lists every site's reports; another department's site only its own.
    assert "测试年报2030" in client.get("/zfxxgk/", HTTP_HOST=PORTAL).content.decode()
    assert "测试年报2030" not in client.get("/zfxxgk/", HTTP_HOST="jyj.localhost:8000").content.decode()


def test_the_portal_home_counts_units_of_the_whole_group(client, demo):
    response = client.get("/zfxxgk/", HTTP_HOST=PORTAL)
    names = [item.unit.name for item in response.context["unit_counts"]]
    assert "宿迁市水利局" in names and "宿迁市教育局" in names
    slj = client.get("/zfxxgk/", HTTP_HOST=SLJ)
    assert "宿迁市教育局" not in [item.unit.name for item in slj.context["unit_counts"]]


def test_the_navigation_links_to_the_disclosure_home(client, demo):
    html = client.get("/", HTTP_HOST=SLJ).content.decode()
    assert 'href="/zfxxgk/"' in html


def test_an_unknown_host_gets_the_site_not_found_page(client, demo):
    response = client.get("/zfxxgk/", HTTP_HOST="nosuch.localhost:8000")
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/zfxxgk/", URL, "/zfxxgk/ysqgk/", "/zfxxgk/ysqgk/chaxun/"])
def test_the_pages_work_in_plain_text_mode_without_pictures_or_page_styles(client, demo, path):
    from huimin.accessibility.enums import MODE_COOKIE

    client.cookies[MODE_COOKIE] = "text"
    response = client.get(path, HTTP_HOST=SLJ)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="mode-text"' in html
    assert "<img" not in html and "disclosure.css" not in html


def test_a_filtered_view_names_the_whole_catalogue_as_canonical(client, demo):
    whole = client.get(URL, HTTP_HOST=SLJ).content.decode()
    assert 'rel="canonical"' not in whole
    filtered = client.get(URL, {"category": "tzgg"}, HTTP_HOST=SLJ).content.decode()
    assert f'<link rel="canonical" href="http://{SLJ}{URL}">' in filtered
