"""The topic designer's components (huimin/topics/blocks.py): each renders its key output from the demo's
content, refuses bad input with a Chinese message, renders nothing when what it points at is gone, and
escapes hostile text."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Count
from selectolax.lexbor import LexborHTMLParser
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from huimin.accessibility.plain_text import to_plain_text
from huimin.articles.models import ArticlePage
from huimin.guides.models import ServiceGuidePage, ServiceTheme
from huimin.policies.models import InterpretationPage, PolicyPage, PolicyTopic
from huimin.sites.models import ColumnPage, OrgUnit
from huimin.topics.blocks import ContentStreamBlock, TopicStreamBlock, phone_links

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _stream(*items, block=None):
    block = block or TopicStreamBlock()
    return block, block.to_python([{"type": kind, "value": value} for kind, value in items])


def render(kind, value):
    """The HTML of one component, as the page renders it (through the stream)."""
    _, stream = _stream((kind, value))
    return stream[0].render(context={})


def tree(kind, value):
    return LexborHTMLParser(render(kind, value))


def clean(kind, value):
    block, stream = _stream((kind, value))
    return block.clean(stream)


def errors_of(kind, value) -> str:
    with pytest.raises(ValidationError) as caught:
        clean(kind, value)
    return str(caught.value.block_errors[0].as_json_data())


def _image(title="政务服务中心大厅"):
    return Image.objects.create(title=title, file=get_test_image_file())


def _document(name, content=b"data"):
    return Document.objects.create(title=name, file=ContentFile(content, name=name))


def _busiest_topic():
    return PolicyTopic.objects.annotate(n=Count("policies")).order_by("-n", "pk").first()


def _portal_news():
    return ColumnPage.objects.child_of(Site.objects.get(hostname="127.0.0.1").root_page).get(slug="gzdt")


# ---- Banner and rich text ----


def test_the_banner_title_is_not_a_heading_and_its_image_has_its_alt_text(demo):
    image = _image()
    html = tree(
        "banner", {"heading": "企业开办一件事", "text": "全程网上办", "image": image.pk, "image_alt": "大厅"}
    )
    assert html.css_first("p.topic-banner__title").text() == "企业开办一件事"
    assert html.css_first("p.topic-banner__subtitle").text() == "全程网上办"
    assert not html.css("h1, h2, h3")
    assert html.css_first("img").attributes["alt"] == "大厅"


def test_the_banner_refuses_an_image_without_alt_text(demo):
    message = errors_of("banner", {"heading": "标题", "image": _image().pk, "image_alt": "  "})
    assert "须填写替代文字" in message


def test_the_banner_keeps_its_text_when_its_image_was_deleted(demo):
    image = _image()
    _, stream = _stream(("banner", {"heading": "标题", "image": image.pk, "image_alt": "图"}))
    image.delete()
    _, stream = _stream(("banner", {"heading": "标题", "image": image.pk, "image_alt": "图"}))
    html = LexborHTMLParser(stream[0].render(context={}))
    assert html.css_first(".topic-banner__title").text() == "标题" and html.css_first("img") is None


def test_rich_text_renders_its_html(demo):
    html = tree("rich_text", "<h2>专题简介</h2><p>正文<b>加粗</b></p>")
    assert html.css_first(".topic-richtext h2").text() == "专题简介"
    assert html.css_first(".topic-richtext b").text() == "加粗"


# ---- Policy and interpretation lists ----


def test_the_policy_list_by_topic_shows_live_policies_of_the_whole_group_with_number_date_and_validity(demo):
    topic = _busiest_topic()
    expected = list(PolicyPage.objects.live().public().filter(topic=topic).order_by("-pub_date", "-pk")[:20])
    assert expected, "the demo has policies on this topic"
    html = tree("policy_list", {"heading": "相关政策", "topic": str(topic.pk), "count": 20})
    assert html.css_first("h2").text() == "相关政策"
    items = html.css("li")
    assert [li.css_first("a").text() for li in items] == [p.title for p in expected]
    first = items[0].text()
    assert expected[0].get_validity_display() in first
    assert f"{expected[0].pub_date:%Y}年" in first
    if expected[0].doc_number:
        assert expected[0].doc_number in first


def test_the_policy_list_labels_a_policy_that_is_no_longer_valid(demo):
    policy = PolicyPage.objects.live().exclude(validity="valid").first()
    html = tree("policy_list", {"heading": "政策", "pages": [policy.pk], "count": 5})
    assert html.css_first(".topic-validity").text() == policy.get_validity_display() != "有效"


def test_the_policy_list_gathers_policies_published_on_every_site(demo):
    html = tree("policy_list", {"heading": "相关政策", "keyword": "乡村振兴", "count": 20})
    titles = [a.text() for a in html.css("li a")]
    listed = PolicyPage.objects.filter(title__in=titles)
    assert titles and len({policy.get_site().pk for policy in listed}) > 1


def test_the_policy_list_puts_hand_picked_policies_first_and_keeps_to_its_count(demo):
    picked = PolicyPage.objects.live().order_by("pk")[3]
    topic = _busiest_topic()
    html = tree("policy_list", {"heading": "政策", "topic": str(topic.pk), "pages": [picked.pk], "count": 3})
    titles = [a.text() for a in html.css("li a")]
    assert titles[0] == picked.title and len(titles) == 3


def test_the_policy_list_leaves_out_policies_that_are_not_live(demo):
    policy = PolicyPage.objects.live().filter(topic=_busiest_topic()).order_by("-pub_date", "-pk").first()
    policy.unpublish()
    html = render(
        "policy_list", {"heading": "政策", "topic": str(policy.topic_id), "pages": [policy.pk], "count": 20}
    )
    assert policy.title not in html


def test_the_policy_list_filters_by_issuer(demo):
    unit = OrgUnit.objects.get(name="宿迁市水利局")
    html = tree("policy_list", {"heading": "政策", "unit": str(unit.pk), "count": 20})
    titles = {a.text() for a in html.css("li a")}
    assert titles and titles <= set(PolicyPage.objects.filter(issuer=unit).values_list("title", flat=True))


def test_a_policy_list_without_any_source_is_refused(demo):
    assert "请至少设置一种来源" in errors_of("policy_list", {"heading": "政策", "count": 5})


def test_a_policy_list_count_above_twenty_is_refused(demo):
    assert "count" in errors_of("policy_list", {"heading": "政策", "keyword": "政策", "count": 21})


def test_a_policy_list_whose_topic_was_deleted_renders_nothing(demo):
    topic = PolicyTopic.objects.create(name="临时主题")
    value = {"heading": "政策", "topic": str(topic.pk), "count": 5}
    topic.delete()
    assert render("policy_list", value) == ""


def test_a_policy_list_whose_only_hand_picked_page_was_deleted_renders_nothing(demo):
    policy = PolicyPage.objects.live().order_by("pk").first()
    value = {"heading": "政策", "pages": [policy.pk], "count": 5}
    policy.delete()
    assert render("policy_list", value) == ""


def test_the_interpretation_list_by_topic_lists_interpretations_of_policies_on_that_topic(demo):
    interpretation = InterpretationPage.objects.live().filter(policies__topic__isnull=False).first()
    topic = interpretation.policies.first().topic
    html = tree("interpretation_list", {"heading": "政策解读", "topic": str(topic.pk), "count": 20})
    titles = [a.text() for a in html.css("li a")]
    assert interpretation.title in titles
    for title in titles:
        assert InterpretationPage.objects.filter(title=title, policies__topic=topic).exists()
    assert interpretation.get_form_display() in html.text()


def test_the_interpretation_list_shows_a_hand_picked_interpretation(demo):
    interpretation = InterpretationPage.objects.live().first()
    html = tree("interpretation_list", {"heading": "解读", "pages": [interpretation.pk], "count": 4})
    assert [a.text() for a in html.css("li a")] == [interpretation.title]


# ---- Guides and news ----


def test_the_guide_list_by_theme_shows_the_guides_of_that_theme_with_their_unit(demo):
    expected = set(
        ServiceGuidePage.objects.live().filter(themes__name="开办企业").values_list("title", flat=True)
    )
    html = tree("guide_list", {"heading": "办事指南", "theme": "开办企业", "count": 20})
    assert {a.text() for a in html.css("li a")} == expected
    assert "办理部门：" in html.css_first("li").text()


def test_the_guide_list_by_unit_and_hand_picked(demo):
    guide = ServiceGuidePage.objects.live().order_by("title").last()
    html = tree(
        "guide_list", {"heading": "指南", "unit": str(guide.unit_id), "pages": [guide.pk], "count": 20}
    )
    titles = [a.text() for a in html.css("li a")]
    assert titles[0] == guide.title
    assert set(titles) <= set(
        ServiceGuidePage.objects.filter(unit=guide.unit_id).values_list("title", flat=True)
    )


def test_a_guide_list_whose_theme_was_deleted_renders_nothing(demo):
    theme = ServiceTheme.objects.create(name="临时主题")
    value = {"heading": "指南", "theme": theme.name, "count": 5}
    theme.delete()
    assert render("guide_list", value) == ""


def test_the_news_list_shows_the_newest_articles_of_its_column_and_links_to_it(demo):
    column = _portal_news()
    expected = list(ArticlePage.objects.child_of(column).live().order_by("-pub_date", "-pk")[:3])
    html = tree("news_list", {"heading": "工作动态", "column": column.pk, "count": 3})
    assert [a.text() for a in html.css("li a")] == [a.title for a in expected]
    assert f"进入“{column.title}”栏目" in html.css_first(".topic-feed__all").text()


def test_a_news_list_whose_column_was_deleted_renders_nothing(demo):
    column = _portal_news()
    value = {"heading": "工作动态", "column": column.pk, "count": 3}
    column.delete()
    assert render("news_list", value) == ""


# ---- FAQ, links, contact ----


def test_the_faq_list_renders_each_question_as_a_keyboard_reachable_summary(demo):
    items = [
        {"question": "要交费吗？", "answer": "<p>不收费。</p>"},
        {"question": "多久办结？", "answer": "<p>1天</p>"},
    ]
    html = tree("faq_list", {"heading": "常见问题", "items": items})
    assert html.css_first("h2").text() == "常见问题"
    assert [s.text(strip=True) for s in html.css("details > summary")] == ["要交费吗？", "多久办结？"]
    assert html.css_first("details .topic-faq__answer p").text() == "不收费。"


def test_the_links_grid_opens_links_in_the_same_window_and_skips_deleted_pages(demo):
    column = _portal_news()
    links = [
        {"title": "江苏政务服务网", "url": "https://www.jszwfw.gov.cn/", "description": "网上办理"},
        {"title": "工作动态", "page": column.pk},
    ]
    html = tree("links_grid", {"heading": "办事平台入口", "links": links})
    anchors = html.css("a")
    assert [a.css_first(".topic-links__title").text() for a in anchors] == ["江苏政务服务网", "工作动态"]
    assert all("target" not in a.attributes for a in anchors)
    column.delete()
    html = tree("links_grid", {"heading": "办事平台入口", "links": links})
    assert [a.css_first(".topic-links__title").text() for a in html.css("a")] == ["江苏政务服务网"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "//evil.example/x", "data:text/html,x", "www.example.com"]
)
def test_the_links_grid_refuses_addresses_that_are_not_web_or_site_paths(demo, url):
    message = errors_of("links_grid", {"heading": "入口", "links": [{"title": "x", "url": url}]})
    assert "链接地址须以" in message


def test_the_links_grid_refuses_an_entry_without_page_or_address(demo):
    assert "请选择站内页面或填写链接地址" in errors_of(
        "links_grid", {"heading": "入口", "links": [{"title": "x"}]}
    )


def test_the_contact_card_makes_every_phone_number_a_tel_link(demo):
    value = {
        "heading": "联系方式",
        "name": "宿迁市政务服务中心",
        "address": "宿迁市洪泽湖路",
        "phone": "0527-84360000（总机）、12345",
        "email": "zwfw@example.gov.cn",
        "hours": "工作日 9:00-17:00",
    }
    html = tree("contact_card", value)
    assert [(a.attributes["href"], a.text()) for a in html.css("a[href^='tel:']")] == [
        ("tel:052784360000", "0527-84360000（总机）"),
        ("tel:12345", "12345"),
    ]
    assert html.css_first("a[href^='mailto:']").text() == "zwfw@example.gov.cn"
    assert "工作日 9:00-17:00" in html.text()


def test_phone_text_without_a_number_stays_plain_text():
    assert phone_links("请拨打总机转 / 0527-1234567") == [
        {"text": "请拨打总机转", "tel": ""},
        {"text": "0527-1234567", "tel": "05271234567"},
    ]


# ---- Gallery and video ----


def test_the_gallery_shows_each_image_at_most_800_wide_with_its_alt_and_caption(demo):
    first, second = _image("一"), _image("二")
    images = [
        {"image": first.pk, "alt": "大厅全景", "caption": "政务服务中心"},
        {"image": second.pk, "alt": "自助服务区", "caption": ""},
    ]
    html = tree("gallery", {"heading": "图片集", "images": images})
    imgs = html.css("figure img")
    assert [img.attributes["alt"] for img in imgs] == ["大厅全景", "自助服务区"]
    assert all(int(img.attributes["width"]) <= 800 for img in imgs)
    assert [c.text() for c in html.css("figcaption")] == ["政务服务中心"]


def test_the_gallery_refuses_an_image_without_alt_text(demo):
    message = errors_of("gallery", {"images": [{"image": _image().pk, "alt": ""}]})
    assert "请填写图片的替代文字" in message


def test_the_gallery_leaves_out_deleted_images_and_renders_nothing_when_none_is_left(demo):
    kept, gone = _image("留"), _image("删")
    value = {"images": [{"image": kept.pk, "alt": "保留"}, {"image": gone.pk, "alt": "删除"}]}
    gone.delete()
    assert [img.attributes["alt"] for img in tree("gallery", value).css("img")] == ["保留"]
    kept.delete()
    assert render("gallery", value) == ""


def test_the_video_plays_on_demand_with_captions_and_its_transcript(demo):
    video, captions = _document("jiedu.mp4"), _document("jiedu.vtt", b"WEBVTT\n")
    value = {
        "heading": "政策解读视频",
        "video": video.pk,
        "captions": captions.pk,
        "transcript": "主持人：大家好。",
    }
    html = tree("video", value)
    player = html.css_first("video")
    assert "controls" in player.attributes and player.attributes["preload"] == "none"
    assert player.css_first("source").attributes["type"] == "video/mp4"
    track = player.css_first("track")
    assert (track.attributes["kind"], track.attributes["srclang"]) == ("captions", "zh")
    assert track.attributes["src"] == captions.url
    assert "主持人：大家好。" in html.css_first("details").text()


def test_a_video_without_captions_or_transcript_is_refused(demo):
    message = errors_of("video", {"heading": "视频", "video": _document("v.mp4").pk, "transcript": " "})
    assert "字幕文件（.vtt）或文字实录" in message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"url": "https://www.youtube.com/watch?v=x"}, "不能嵌入外部网站的视频"),
        ({"url": "//cdn.example.com/v.mp4"}, "不能嵌入外部网站的视频"),
        ({}, "请选择视频文件或填写本站视频地址"),
    ],
)
def test_the_video_refuses_external_or_missing_sources(demo, value, message):
    assert message in errors_of("video", {"heading": "视频", "transcript": "实录", **value})


def test_the_video_refuses_captions_that_are_not_webvtt_and_videos_of_other_types(demo):
    message = errors_of(
        "video", {"heading": "视频", "video": _document("v.mp4").pk, "captions": _document("c.srt").pk}
    )
    assert "WebVTT" in message
    assert "MP4" in errors_of(
        "video", {"heading": "视频", "video": _document("v.exe").pk, "transcript": "实录"}
    )


def test_a_same_site_video_path_with_a_transcript_is_accepted(demo):
    clean("video", {"heading": "视频", "url": "/media/videos/jiedu.webm", "transcript": "实录"})
    html = tree("video", {"heading": "视频", "url": "/media/videos/jiedu.webm", "transcript": "实录"})
    assert html.css_first("source").attributes == {"src": "/media/videos/jiedu.webm", "type": "video/webm"}


def test_a_video_whose_caption_file_was_deleted_and_has_no_transcript_renders_nothing(demo):
    video, captions = _document("v.mp4"), _document("c.vtt", b"WEBVTT\n")
    value = {"heading": "视频", "video": video.pk, "captions": captions.pk}
    clean("video", value)
    captions.delete()
    assert render("video", value) == ""


def test_a_video_whose_file_was_deleted_renders_nothing(demo):
    video = _document("v.mp4")
    value = {"heading": "视频", "video": video.pk, "transcript": "实录"}
    video.delete()
    assert render("video", value) == ""


# ---- Chart ----

CHART = {
    "title": "各县区新开办企业",
    "kind": "bar",
    "unit": "户",
    "rows": [{"label": "沭阳县", "values": "120"}, {"label": "泗阳县", "values": "80"}],
    "summary": "数据来源：市市场监管局。",
}


def test_the_chart_block_draws_its_figure_under_an_h2(demo):
    clean("chart", CHART)
    html = tree("chart", CHART)
    assert html.css_first("section > h2").text() == "各县区新开办企业"
    assert len(html.css("rect.chart-bar")) == 2
    assert html.css_first(".chart-note").text() == "数据来源：市市场监管局。"
    assert [td.text() for td in html.css("tbody td")] == ["120", "80"]


def test_the_chart_block_refuses_a_value_that_is_not_a_number(demo):
    value = {**CHART, "rows": [{"label": "沭阳县", "values": "120户"}]}
    assert "“120户”不是数字" in errors_of("chart", value)


def test_the_chart_block_reads_several_series_and_refuses_a_row_with_too_few_values(demo):
    value = {**CHART, "series_names": "受理，办结", "rows": [{"label": "一月", "values": "10，8"}]}
    clean("chart", value)
    assert len(tree("chart", value).css("rect.chart-bar")) == 2
    bad = {**value, "rows": [{"label": "一月", "values": "10"}]}
    assert "第1行“一月”有 1 个数值，但系列名称有 2 个" in errors_of("chart", bad)


def test_the_chart_block_refuses_a_pie_with_negative_values(demo):
    assert "饼图的数值不能为负数" in errors_of(
        "chart", {**CHART, "kind": "pie", "rows": [{"label": "a", "values": "-1"}]}
    )


# ---- Layout ----


def test_layout_rows_exist_only_at_the_top_level():
    assert {"two_columns", "three_columns"} <= set(TopicStreamBlock().child_blocks)
    assert not {"two_columns", "three_columns"} & set(ContentStreamBlock().child_blocks)


def test_a_three_column_row_renders_each_column_with_its_components(demo):
    def column(text):
        return [{"type": "rich_text", "value": f"<p>{text}</p>"}]

    value = {"left": column("左"), "middle": column("中"), "right": column("右")}
    html = tree("three_columns", value)
    row = html.css_first(".topic-columns.topic-columns--3")
    assert [c.text(strip=True) for c in row.css(".topic-column")] == ["左", "中", "右"]


def test_an_empty_layout_row_renders_nothing(demo):
    assert render("two_columns", {"left": [], "right": []}) == ""


# ---- Every component together ----


def _every_component(text):
    column = _portal_news()
    return [
        ("banner", {"heading": text, "text": text}),
        ("rich_text", "<p>简介</p>"),
        ("policy_list", {"heading": text, "keyword": "政策", "count": 3}),
        ("interpretation_list", {"heading": text, "keyword": "解读", "count": 3}),
        ("guide_list", {"heading": text, "theme": "开办企业", "count": 3}),
        ("news_list", {"heading": text, "column": column.pk, "count": 3}),
        ("faq_list", {"heading": text, "items": [{"question": text, "answer": "<p>答</p>"}]}),
        ("links_grid", {"heading": text, "links": [{"title": text, "url": "/", "description": text}]}),
        ("contact_card", {"heading": text, "name": text, "address": text, "phone": text, "hours": text}),
        ("video", {"heading": text, "url": "/media/v.mp4", "transcript": text}),
        (
            "chart",
            {
                "title": text,
                "unit": text,
                "series_names": text,
                "rows": [{"label": text, "values": "1"}],
                "summary": text,
            },
        ),
        (
            "two_columns",
            {
                "left": [
                    {
                        "type": "faq_list",
                        "value": {"heading": text, "items": [{"question": text, "answer": "<p>答</p>"}]},
                    }
                ],
                "right": [],
            },
        ),
    ]


def _render_all(items):
    _, stream = _stream(*items)
    return "".join(child.render(context={}) for child in stream)


def test_hostile_text_in_every_text_field_is_escaped(demo):
    html = _render_all(_every_component(XSS))
    assert "<script" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;") >= 12


def test_components_start_their_headings_at_h2_and_never_skip_a_level(demo):
    html = LexborHTMLParser(_render_all(_every_component("标题")))
    levels = [int(node.tag[1]) for node in html.css("h1, h2, h3, h4, h5, h6")]
    assert levels and 1 not in levels and min(levels) == 2
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_in_text_mode_the_components_still_read_in_order(demo):
    text = LexborHTMLParser(to_plain_text(_render_all(_every_component("标题")))).text()
    assert "[视频：标题]" in text
    assert "共1项" in text and "答" in text
