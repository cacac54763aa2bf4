"""The public guide pages: every element shown accessibly, the list's filters, counts and search, and
hostile text escaped."""

import pytest

from huimin.guides import queries
from huimin.guides.models import GuideIndexPage, ServiceGuidePage
from huimin.sites.tests.html import soup

from .guide_helpers import PORTAL, make_guide, portal_index

pytestmark = pytest.mark.django_db
JYJ = {"HTTP_HOST": "jyj.localhost:8000"}


def test_a_guide_page_shows_every_element(client, demo):
    response = client.get("/bszn/gljtsl/", **PORTAL)
    assert response.status_code == 200
    page = soup(response.content)
    assert page.h1.get_text(strip=True) == "高龄津贴申领"
    table = page.select_one("table.guide-materials")
    assert table.caption and table.select("thead th[scope=col]") and table.select("tbody th[scope=row]")
    assert "高龄津贴申请表" in table.get_text()
    assert [a.get_text(strip=True) for a in table.select("a")][:2] == [
        "空白表格：高龄津贴申请表",
        "填写样表：高龄津贴申请表",
    ]
    assert len(page.select("ol.guide-steps li")) == 5
    assert page.select_one("a[href='tel:0527-84367102']") and page.select_one("a[href='tel:12345']")
    assert "第三条" in page.select_one(".guide-bases blockquote").get_text()
    text = page.get_text()
    for label in (
        "设定依据",
        "申请条件",
        "办理材料",
        "办理地点",
        "收费标准",
        "办理时间",
        "办理流程",
        "宿迁市民政局",
        "不收费",
    ):
        assert label in text


def test_a_guide_page_carries_the_national_content_tags(client, demo):
    page = soup(client.get("/bszn/gljtsl/", **PORTAL).content)
    assert page.select_one("meta[name=ArticleTitle]")["content"] == "高龄津贴申领"
    assert page.select_one("meta[name=ContentSource]")["content"] == "宿迁市民政局"
    assert page.select_one("meta[name=PubDate]")["content"]


def test_the_portal_list_gathers_the_group_with_facet_counts(client, demo):
    page = soup(client.get("/bszn/", **PORTAL).content)
    titles = [a.get_text(strip=True) for a in page.select(".guide-list h3 a")]
    assert "取水许可审批" in titles and "义务教育入学报名" in titles and "企业设立登记" in titles
    themes = {o.get_text(strip=True) for o in page.select("#f-theme option")}
    assert "入学入园（3）" in themes and "开办企业（3）" in themes and "养老服务（3）" in themes


def test_a_units_own_list_shows_only_its_guides(client, demo):
    titles = [
        a.get_text(strip=True) for a in soup(client.get("/bszn/", **JYJ).content).select(".guide-list h3 a")
    ]
    assert sorted(titles) == sorted(["义务教育入学报名", "幼儿园入园登记", "转学申请"])


def test_the_list_filters_by_theme_unit_and_service_object(client, demo):
    page = soup(client.get("/bszn/", {"theme": "养老服务", "service_object": "老年人"}, **PORTAL).content)
    titles = sorted(a.get_text(strip=True) for a in page.select(".guide-list h3 a"))
    assert titles == ["居家养老服务补贴", "高龄津贴申领"]
    unit = ServiceGuidePage.objects.get(slug="qsxk").unit_id
    page = soup(client.get("/bszn/", {"unit": unit}, **PORTAL).content)
    assert {a.get_text(strip=True) for a in page.select(".guide-list h3 a")} == {
        "取水许可审批",
        "河道管理范围内建设项目工程建设方案审批",
    }
    assert page.select_one("#f-unit option[selected]").get_text(strip=True) == "宿迁市水利局（2）"


def test_the_list_searches_with_q(client, demo):
    page = soup(client.get("/bszn/", {"q": "取水"}, **PORTAL).content)
    assert [a.get_text(strip=True) for a in page.select(".guide-list h3 a")] == ["取水许可审批"]
    page = soup(client.get("/bszn/", {"q": "不存在的事项名称"}, **PORTAL).content)
    assert "没有符合条件的办事指南" in page.get_text()


def test_an_unknown_unit_value_matches_nothing_instead_of_failing(client, demo):
    response = client.get("/bszn/", {"unit": "<script>"}, **PORTAL)
    assert response.status_code == 200 and b"<script>" not in response.content


def test_guides_query_follows_its_contract(demo):
    from wagtail.models import Site

    result = queries.guides(themes=["入学入园", "养老服务"])
    titles = list(result.values_list("title", flat=True))
    assert titles == sorted(titles) and len(titles) == 6
    jyj = Site.objects.get(hostname="jyj.localhost")
    assert queries.guides(site=jyj).count() == 3
    assert list(
        queries.guides(service_object="老年人", themes=["养老服务"]).values_list("slug", flat=True)
    ) == [
        "jjylfwbt",
        "gljtsl",
    ] or set(queries.guides(service_object="老年人").values_list("slug", flat=True)) == {"jjylfwbt", "gljtsl"}
    assert not queries.guides(themes=["不存在的主题"]).exists()


def test_hostile_text_in_a_guide_is_escaped(client, demo):
    payload = '<script>alert("x")</script>'
    make_guide(
        slug="xss-guide",
        title=f"事项{payload}",
        materials=[{"name": payload, "form": "copy", "medium": "paper", "copies": 1, "note": payload}],
        hours=payload,
        bases=[{"title": payload, "clause": payload}],
        steps=[{"title": payload, "description": payload}],
    )
    response = client.get("/bszn/xss-guide/", **PORTAL)
    assert response.status_code == 200
    assert b'<script>alert("x")</script>' not in response.content
    assert "&lt;script&gt;" in response.content.decode()


def test_every_site_has_a_guide_list_and_only_the_portal_aggregates(demo):
    indexes = GuideIndexPage.objects.filter(slug="bszn")
    assert indexes.count() == 5
    assert list(indexes.filter(aggregate_group=True)) == [portal_index()]
