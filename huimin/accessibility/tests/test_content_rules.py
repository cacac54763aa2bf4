"""The content rules the editor applies: each rule with a failing and a passing sample, StreamField values,
whole pages, and hostile input that must give findings or none without raising."""

import pytest
from wagtail import blocks
from wagtail.blocks import StreamValue
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.images.models import Image
from wagtail.rich_text import RichText

from huimin.accessibility import content_rules
from huimin.accessibility.content_rules import (
    ERROR,
    HEADING_ORDER,
    IMAGE_ALT,
    LINK_TEXT,
    TABLE_HEADERS,
    VIDEO_CAPTIONS,
    WARNING,
    Finding,
    check_html,
    check_page,
    check_stream,
)
from huimin.articles.models import ArticlePage
from huimin.policies.models import InterpretationPage


def _rules(findings):
    return [(f.rule_id, f.level) for f in findings]


# --- images ---


def test_it_refuses_a_rich_text_image_with_empty_alt():
    findings = check_html('<p>正文</p><embed alt="" embedtype="image" format="fullwidth" id="7"/>')
    assert _rules(findings) == [(IMAGE_ALT, ERROR)]
    assert findings[0].field == "body" and findings[0].excerpt == "第 1 张图片，图片库编号 7"
    assert "替代文字" in findings[0].message


def test_it_refuses_a_rich_text_image_whose_alt_is_missing_or_blank():
    assert _rules(check_html('<embed embedtype="image" format="left" id="7"/>')) == [(IMAGE_ALT, ERROR)]
    assert _rules(check_html('<embed alt="  　" embedtype="image" format="left" id="7"/>')) == [
        (IMAGE_ALT, ERROR)
    ]


def test_it_accepts_a_rich_text_image_with_alt_text():
    assert check_html('<embed alt="市民在政务服务中心办事" embedtype="image" format="left" id="7"/>') == []


def test_it_refuses_a_raw_img_without_alt_but_accepts_an_explicitly_decorative_one():
    assert _rules(check_html('<img src="/a.png">')) == [(IMAGE_ALT, ERROR)]
    assert _rules(check_html('<img src="/a.png" alt="">')) == [(IMAGE_ALT, ERROR)]
    assert check_html('<img src="/a.png" alt="宿迁市地图">') == []
    assert check_html('<img src="/line.png" alt="" role="presentation">') == []
    assert check_html('<img src="/line.png" alt="" aria-hidden="true">') == []


# --- audio and video ---


def test_it_refuses_a_video_without_captions_or_transcript():
    findings = check_html('<video src="/media/meeting.mp4" controls></video>')
    assert _rules(findings) == [(VIDEO_CAPTIONS, ERROR)]
    assert "meeting.mp4" in findings[0].excerpt


def test_it_accepts_a_video_with_a_caption_track():
    html = '<video src="/m.mp4"><track kind="captions" srclang="zh" src="/m.vtt"></video>'
    assert check_html(html) == []


def test_a_track_that_is_not_captions_does_not_count():
    html = '<video src="/m.mp4"><track kind="chapters" src="/m.vtt"></video>'
    assert _rules(check_html(html)) == [(VIDEO_CAPTIONS, ERROR)]


def test_audio_and_embedded_players_need_a_transcript():
    html = '<audio src="/a.mp3"></audio><embed embedtype="media" url="https://v.example/1"/>'
    assert _rules(check_html(html)) == [(VIDEO_CAPTIONS, ERROR), (VIDEO_CAPTIONS, ERROR)]
    assert check_html(html, has_transcript=True) == []
    assert check_html(html + "<h2>文字实录</h2><p>主持人：各位记者朋友……</p>") == []


# --- tables ---


def test_it_refuses_a_table_without_header_cells():
    findings = check_html(
        "<table><tr><td>项目</td><td>金额</td></tr><tr><td>办公</td><td>10</td></tr></table>"
    )
    assert _rules(findings) == [(TABLE_HEADERS, ERROR)]
    assert "项目" in findings[0].excerpt


def test_it_accepts_a_table_with_header_cells_and_a_layout_table():
    assert (
        check_html("<table><tr><th>项目</th><th>金额</th></tr><tr><td>办公</td><td>10</td></tr></table>")
        == []
    )
    assert check_html('<table role="presentation"><tr><td>排版</td></tr></table>') == []


def test_a_header_in_a_nested_table_does_not_count_for_the_outer_one():
    html = "<table><tr><td><table><tr><th>内</th></tr><tr><td>1</td></tr></table></td></tr></table>"
    assert _rules(check_html(html)) == [(TABLE_HEADERS, ERROR)]


# --- headings ---


def test_it_warns_when_headings_skip_a_level():
    findings = check_html("<h2>一、总体要求</h2><p>…</p><h4>（一）细则</h4>")
    assert _rules(findings) == [(HEADING_ORDER, WARNING)]
    assert "二级" in findings[0].message and "四级" in findings[0].message
    assert findings[0].excerpt == "（一）细则"


def test_it_warns_when_the_body_starts_below_h2_or_uses_h1():
    assert _rules(check_html("<h3>开头</h3>")) == [(HEADING_ORDER, WARNING)]
    assert _rules(check_html("<h1>又一个页面标题</h1>")) == [(HEADING_ORDER, WARNING)]


def test_it_accepts_headings_one_level_at_a_time_and_going_back_up():
    assert check_html("<h2>一</h2><h3>1</h3><h4>（1）</h4><h2>二</h2><h3>1</h3>") == []


# --- link text ---


@pytest.mark.parametrize(
    "text",
    ["点击这里", "点击此处", "这里", "此处", "更多", "更多>>", "详情", "查看", "链接", "Click here", "MORE…"],
)
def test_it_warns_about_a_link_that_does_not_say_where_it_goes(text):
    findings = check_html(f'<p>申请表请<a href="/files/1.docx">{text}</a>下载。</p>')
    assert _rules(findings) == [(LINK_TEXT, WARNING)]


def test_internal_page_links_are_checked_too():
    assert _rules(check_html('<a linktype="page" id="3">点击这里</a>')) == [(LINK_TEXT, WARNING)]


def test_it_accepts_a_descriptive_link_and_an_aria_label():
    assert check_html('<a href="/files/1.docx">下载《宿迁市政府信息公开申请表》</a>') == []
    assert check_html('<a href="/files/1.docx" aria-label="下载政府信息公开申请表">点击这里</a>') == []
    assert check_html('<a href="/">看这里的详情</a>') == []


def test_it_warns_about_an_empty_link_but_not_a_named_anchor():
    assert _rules(check_html('<a href="/x"> </a>')) == [(LINK_TEXT, WARNING)]
    assert check_html('<a href="/x"><img src="/i.png" alt="返回首页"></a>') == []
    assert check_html('<a id="section-2"></a>') == []


def test_the_vague_words_are_data():
    assert "点击这里" in content_rules.VAGUE_LINK_TEXTS and "click here" in content_rules.VAGUE_LINK_TEXTS


# --- StreamField ---


def _image(alt="", decorative=False):
    image = Image(title="", collection_id=1)
    image.contextual_alt_text, image.decorative = alt, decorative
    return image


STREAM = blocks.StreamBlock(
    [
        ("text", blocks.RichTextBlock()),
        ("image", ImageBlock()),
        ("picture", ImageChooserBlock()),
        ("gallery", blocks.ListBlock(ImageBlock())),
        ("figure", blocks.StructBlock([("image", ImageBlock()), ("caption", blocks.CharBlock())])),
        ("table", TableBlock()),
    ]
)


def _stream(*items):
    return StreamValue(STREAM, list(items))


def test_a_stream_image_block_needs_alt_text_unless_marked_decorative():
    assert _rules(check_stream(_stream(("image", _image())))) == [(IMAGE_ALT, ERROR)]
    assert check_stream(_stream(("image", _image(alt="航拍骆马湖")))) == []
    assert check_stream(_stream(("image", _image(decorative=True)))) == []


def test_images_inside_lists_and_structs_are_found():
    figure = STREAM.child_blocks["figure"].to_python({})
    figure["image"] = _image()
    value = _stream(("gallery", [_image(alt="一"), _image()]), ("figure", figure))
    assert _rules(check_stream(value)) == [(IMAGE_ALT, ERROR), (IMAGE_ALT, ERROR)]


def test_an_image_chooser_block_needs_default_alt_text():
    assert _rules(check_stream(_stream(("picture", _image())))) == [(IMAGE_ALT, ERROR)]
    titled = Image(title="宿迁市政府大楼", collection_id=1)
    assert check_stream(_stream(("picture", titled))) == []


def test_a_stream_table_needs_a_header_row_or_column():
    data = {"data": [["项目", "金额"], ["办公", "10"]], "first_col_is_header": False}
    assert _rules(check_stream(_stream(("table", {**data, "first_row_is_table_header": False})))) == [
        (TABLE_HEADERS, ERROR)
    ]
    assert check_stream(_stream(("table", {**data, "first_row_is_table_header": True}))) == []


def test_heading_levels_carry_over_from_one_rich_text_block_to_the_next():
    value = _stream(("text", RichText("<h2>一</h2>")), ("text", RichText("<h4>细则</h4>")))
    assert _rules(check_stream(value)) == [(HEADING_ORDER, WARNING)]
    value = _stream(("text", RichText("<h2>一</h2>")), ("text", RichText("<h3>细则</h3>")))
    assert check_stream(value) == []


# --- whole pages ---


@pytest.mark.django_db
def test_a_page_is_checked_field_by_field():
    page = ArticlePage(
        title="通知", body='<h2>一</h2><h4>二</h4><embed alt="" embedtype="image" format="left" id="1"/>'
    )
    findings = check_page(page)
    assert sorted(_rules(findings)) == [(HEADING_ORDER, WARNING), (IMAGE_ALT, ERROR)]
    assert {f.field for f in findings} == {"body"}
    assert content_rules.describe(findings[0], ArticlePage).startswith("正文：")


@pytest.mark.django_db
def test_an_interpretation_with_media_needs_captions_or_a_text_version():
    page = InterpretationPage(title="解读", media_url="https://media.example/press.mp4", body="")
    assert _rules(check_page(page)) == [(VIDEO_CAPTIONS, ERROR)]
    assert check_page(page)[0].field == "media_url"
    page.text_alternative = "主持人：各位记者朋友，大家上午好……"
    assert check_page(page) == []


@pytest.mark.django_db
def test_a_text_version_also_covers_a_video_in_the_body():
    page = InterpretationPage(title="解读", body='<video src="/m.mp4"></video>', text_alternative="")
    assert _rules(check_page(page)) == [(VIDEO_CAPTIONS, ERROR)]
    page.text_alternative = "全文实录……"
    assert check_page(page) == []


# --- hostile input ---

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)"><script>document.cookie</script></a>',
    "<table><tr><td><a href='",
    "<h2><h4></h2></h4><<<>>>&&&;",
    "<![foo[ <!-- <embed embedtype=image",
    "<svg><foreignObject><img src=1 onerror=alert(1)></foreignObject></svg>",
    "\x00\ufffd\ud7ff",
    "<div>" * 5000,
    "惠" * 1_000_000,
    '<a href="/">点击这里</a>' * 5000,
]


@pytest.mark.parametrize("html", HOSTILE, ids=lambda h: repr(h[:30]))
def test_hostile_input_gives_findings_or_none_without_raising(html):
    findings = check_html(html)
    assert isinstance(findings, list) and all(isinstance(f, Finding) for f in findings)
    assert all(len(f.excerpt) <= content_rules.EXCERPT_LENGTH for f in findings)


def test_script_content_is_neither_link_text_nor_an_image():
    findings = check_html(
        '<a href="/x"><script>"点击这里"</script>申请表下载</a><script><img src=x></script>'
    )
    assert findings == []


def test_an_onerror_payload_is_reported_as_a_missing_alt_and_the_excerpt_is_cut_short():
    findings = check_html("<img src=x onerror=alert(1) " + " ".join(f"data-{i}=y" for i in range(50)) + ">")
    assert _rules(findings) == [(IMAGE_ALT, ERROR)]
    assert findings[0].excerpt.endswith("…")


def test_a_megabyte_of_links_reports_each_one():
    findings = check_html('<a href="/">更多</a>' * 5000 + "惠" * 1_000_000)
    assert len(findings) == 5000 and {f.rule_id for f in findings} == {LINK_TEXT}
