"""Topic pages in the demo: the list, the three integrated themes with every kind of resource, the palette
variables and every component rendered, the 服务集成 count, and hostile text escaped."""

import re

import pytest
from selectolax.lexbor import LexborHTMLParser
from wagtail.models import Site

from huimin.topics import queries, services
from huimin.topics.blocks import TopicStreamBlock
from huimin.topics.enums import TopicKind
from huimin.topics.models import TopicIndexPage, TopicPage, TopicPalette

pytestmark = pytest.mark.django_db
PORTAL = "127.0.0.1"
THEMES = {"kbqy": "开办企业", "ylfw": "养老服务", "rxry": "入学入园"}
# Every kind of resource a theme gathers (seed task 2), as component types.
RESOURCE_BLOCKS = [
    "banner",
    "rich_text",
    "policy_list",
    "interpretation_list",
    "guide_list",
    "links_grid",
    "faq_list",
    "news_list",
    "contact_card",
]


def _get(client, host, path):
    response = client.get(path, HTTP_HOST=f"{host}:8000")
    assert response.status_code == 200, path
    return response.content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", "", LexborHTMLParser(html).text(separator=" "))


def _types(stream) -> list[str]:
    """The component types of a body, including those inside layout rows."""
    types = []
    for block in stream:
        types.append(block.block_type)
        if block.block_type in ("two_columns", "three_columns"):
            for column in block.value.values():
                types += _types(column or [])
    return types


def _portal_index():
    return TopicIndexPage.objects.child_of(Site.objects.get(hostname=PORTAL).root_page).get(slug="ztzl")


def test_the_portal_has_the_three_integrated_themes_each_with_every_kind_of_resource(demo):
    index = _portal_index()
    available = set(TopicStreamBlock().child_blocks)
    palettes = set()
    for slug, title in THEMES.items():
        topic = TopicPage.objects.child_of(index).live().get(slug=slug)
        assert topic.title == title and topic.kind == TopicKind.INTEGRATED
        types = _types(topic.body)
        for block_type in RESOURCE_BLOCKS:
            if block_type in available:
                assert block_type in types, f"{slug} lacks {block_type}"
        palettes.add(topic.palette_id)
    assert len(palettes) == 3, "each theme uses its own palette"
    assert "chart" in _types(TopicPage.objects.get(slug="kbqy").body)
    assert "two_columns" in _types(TopicPage.objects.get(slug="ylfw").body)


def test_the_integrated_topics_query_counts_the_portal_themes_for_the_assessment(demo):
    portal = Site.objects.get(hostname=PORTAL)
    assert sorted(queries.integrated_topics(portal).values_list("slug", flat=True)) == sorted(THEMES)
    shuyang = Site.objects.get(hostname="shuyang.localhost")
    assert queries.integrated_topics(shuyang).count() == 0  # its topic is an ordinary 专题专栏
    assert TopicPage.objects.descendant_of(shuyang.root_page).filter(kind=TopicKind.TOPIC).live().exists()


def test_a_draft_or_ordinary_topic_is_not_counted_as_an_integrated_service(demo):
    portal = Site.objects.get(hostname=PORTAL)
    topic = TopicPage.objects.get(slug="kbqy")
    topic.unpublish()
    assert queries.integrated_topics(portal).count() == 2


def test_the_topic_page_sets_its_palette_variables_and_links_its_stylesheets(client, demo):
    topic = TopicPage.objects.get(slug="ylfw")
    html = _get(client, PORTAL, "/ztzl/ylfw/")
    document = LexborHTMLParser(html)
    wrapper = document.css_first("article.topic")
    style = wrapper.attributes["style"]
    for role, colour in topic.palette.colours().items():
        assert f"--topic-{role.replace('_', '-')}: {colour}" in style
    hrefs = [link.attributes.get("href") for link in document.css("link[rel=stylesheet]")]
    assert "/static/topics/topic.css" in hrefs and "/static/topics/blocks.css" in hrefs
    assert len(document.css("h1")) == 1 and document.css_first("h1").text() == "养老服务"


def test_the_plain_text_version_loads_no_topic_stylesheet(client, demo):
    from huimin.accessibility.enums import MODE_COOKIE

    client.cookies[MODE_COOKIE] = "text"
    html = _get(client, PORTAL, "/ztzl/kbqy/")
    assert "topics/topic.css" not in html and "开办企业" in html


@pytest.mark.parametrize("slug", list(THEMES))
def test_every_component_of_a_theme_is_rendered_on_its_page(client, demo, slug):
    topic = TopicPage.objects.get(slug=slug)
    page_text = _text(_get(client, PORTAL, f"/ztzl/{slug}/"))
    assert len(topic.body) >= 8
    for block in topic.body:
        rendered = _text(str(block.render()))
        assert rendered, f"{block.block_type} rendered nothing"
        assert rendered in page_text, f"{block.block_type} missing from the page"


def test_the_index_lists_live_topics_newest_first_with_kind_and_summary(client, demo):
    html = _get(client, PORTAL, "/ztzl/")
    document = LexborHTMLParser(html)
    titles = [node.text(strip=True) for node in document.css(".topic-card-title a")]
    assert titles == ["数据看宿迁", "开办企业", "养老服务", "入学入园"]  # the open data demo adds the first
    kinds = [node.text() for node in document.css(".topic-card .topic-kind")]
    assert "专题专栏" in kinds[0] and all("集成服务" in kind for kind in kinds[1:])
    assert TopicPage.objects.get(slug="kbqy").summary in html


def test_the_shuyang_list_shows_its_ordinary_topic_and_not_the_portal_themes(client, demo):
    html = _get(client, "shuyang.localhost", "/ztzl/")
    assert "乡村振兴在沭阳" in html and "专题专栏" in html
    assert "开办企业" not in html


def test_hostile_text_in_a_topic_is_escaped_on_the_list_and_the_page(client, demo):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    topic = TopicPage(
        title=f"专题{payload}",
        slug="xss",
        summary=payload,
        palette=TopicPalette.objects.get(name="政务蓝"),
        body=[{"type": "rich_text", "value": "<p>正文</p>"}],
    )
    services.publish_new_topic(_portal_index(), topic)
    for path in ("/ztzl/", "/ztzl/xss/"):
        html = _get(client, PORTAL, path)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_a_cover_image_without_alt_text_is_refused(demo):
    from django.core.exceptions import ValidationError
    from wagtail.images.models import Image

    image = Image.objects.first()
    if image is None:
        pytest.skip("the demo has no image")
    topic = TopicPage.objects.get(slug="rxry")
    topic.cover_image, topic.cover_alt = image, " "
    with pytest.raises(ValidationError) as caught:
        topic.full_clean()
    assert "替代文字" in caught.value.message_dict["cover_alt"][0]


def test_the_demo_builder_run_twice_creates_nothing_new(demo):
    from huimin.conftest import DEMO_NOW
    from huimin.demo.builder import load_spec
    from huimin.demo.topics import build_topic_demo
    from huimin.topics.models import TopicTemplate

    def counts():
        return TopicPage.objects.count(), TopicIndexPage.objects.count(), TopicTemplate.objects.count()

    before = counts()
    assert build_topic_demo(load_spec(), DEMO_NOW, None) == 0
    assert counts() == before
    names = set(TopicTemplate.objects.values_list("name", flat=True))
    assert names >= {"集成服务专题模板", "在线访谈专题模板"}


def test_the_accessibility_rules_read_the_topic_body_and_refuse_an_image_without_alt():
    from huimin.accessibility import content_rules
    from huimin.accessibility.forms import AccessiblePageForm

    assert issubclass(TopicPage.get_edit_handler().get_form_class(), AccessiblePageForm)
    assert "body" in content_rules.checked_fields(TopicPage)
    body = TopicPage(
        body=[
            {"type": "rich_text", "value": '<p>图</p><embed embedtype="image" id="1" alt="" format="left"/>'}
        ]
    ).body
    findings = content_rules.errors(content_rules.check_values(TopicPage, {"body": body}))
    assert [finding.rule_id for finding in findings] == [content_rules.IMAGE_ALT]
