"""What text of a page the publish check reads (`pages.page_texts`) and finds in (`pages.review`): the title,
the fields, StreamField blocks at any depth, image alt text, the inline children and small text attachments
(UTF-8 or GBK .txt, .csv, .html, .docx), whatever the size of the page."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date

import docx
import pytest
from django.core.files.base import ContentFile
from wagtail.blocks import StreamValue
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from huimin.articles.models import ArticleAttachment, ArticlePage
from huimin.safety.pages import MAX_ATTACHMENT_BYTES, page_texts, review
from huimin.topics.models import TopicPage

pytestmark = pytest.mark.django_db
VETO = "中华人民共合国"
TODAY = date(2030, 3, 4)


def article(body="<p>正文。</p>", **fields) -> ArticlePage:
    return ArticlePage(title=fields.pop("title", "通知"), slug="texts", body=body, **fields)


def places(page, **kw) -> dict[str, str]:
    return {place.label: place.text for place in page_texts(page, **kw)}


def vetoed_places(page, **kw) -> list[str]:
    return [finding.place.label for finding in review(page, today=TODAY, **kw).vetoes]


def document(name: str, data: bytes, title: str = "附件") -> Document:
    return Document.objects.create(title=title, file=ContentFile(data, name=name))


def test_the_title_and_the_text_fields_are_read_and_codes_are_not():
    page = article(title=f"{VETO}成立", summary="摘要文字", source="市政府办公室", keywords="宪法")
    found = places(page)
    assert (
        found["标题"] == f"{VETO}成立" and found["摘要"] == "摘要文字" and found["信息来源"] == "市政府办公室"
    )
    assert "正文" in found and not any("slug" in label or "disclosure" in label for label in found)
    assert vetoed_places(page) == ["标题"]


def test_rich_text_is_read_as_text_with_the_alt_text_of_its_images():
    image = Image.objects.create(title="会场照片", file=get_test_image_file())
    embed = f'<embed alt="{VETO}国徽" embedtype="image" format="fullwidth" id="{image.pk}"/>'
    body = f"<p>会议<b>召开</b>。</p>{embed}"
    found = places(article(body))
    assert found["正文"] == "会议召开。"
    assert found["正文中图片“会场照片”的替代文本"] == f"{VETO}国徽"
    assert vetoed_places(article(body)) == ["正文中图片“会场照片”的替代文本"]


def test_a_chosen_images_alt_text_is_its_description_or_title():
    image = Image.objects.create(title="题图", description=f"{VETO}国旗", file=get_test_image_file())
    assert vetoed_places(article(cover_image=image)) == ["题图中图片“题图”的替代文本"]


def test_streamfield_blocks_are_read_at_any_depth_with_their_places_named():
    image = Image.objects.create(title="横幅", file=get_test_image_file())
    page = TopicPage(title="宪法宣传专题", slug="topic-texts")
    raw = [
        {
            "type": "banner",
            "value": {"heading": "宪法宣传周", "text": "", "image": image.pk, "image_alt": "横幅"},
        },
        {
            "type": "faq_list",
            "value": {
                "heading": "常见问题",
                "items": [
                    {"type": "item", "value": {"question": "问一", "answer": "<p>答一</p>"}, "id": "a"},
                    {
                        "type": "item",
                        "value": {"question": "问二", "answer": f"<p>{VETO}的根本法</p>"},
                        "id": "b",
                    },
                ],
            },
        },
    ]
    page.body = StreamValue(page.body.stream_block, raw, is_lazy=True)
    labels = vetoed_places(page)
    assert labels == ["专题内容第 2 段（常见问题）·问答·第 2 项·解答"]
    found = places(page)
    assert found["专题内容第 1 段（横幅）·横幅标题"] == "宪法宣传周"
    assert "专题内容第 1 段（横幅）·横幅图片中图片“横幅”的替代文本" in found


def test_inline_children_are_read_including_what_the_form_submits():
    page = article()
    page.attachments = [ArticleAttachment(title=f"{VETO}宪法文本", document=document("a.pdf", b"%PDF-1.4"))]
    assert vetoed_places(page) == ["附件第 1 项·附件名称"]
    submitted = {"attachments": [ArticleAttachment(title="干净的名称")]}
    assert vetoed_places(page, children=submitted) == []


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notice.txt", f"第一条 {VETO}公民……".encode()),
        ("notice-gbk.txt", f"第一条 {VETO}公民……".encode("gbk")),
        ("table.csv", f"序号,内容\n1,{VETO}\n".encode("gb18030")),
        ("page.html", f"<html><body><p>{VETO}</p><script>x</script></body></html>".encode()),
    ],
)
def test_small_text_attachments_are_read(name, data):
    page = article()
    page.attachments = [ArticleAttachment(document=document(name, data, title="宪法全文"))]
    assert vetoed_places(page) == ["附件“宪法全文”"]


def test_a_docx_attachment_is_read_with_its_tables():
    word = docx.Document()
    word.add_paragraph("总则")
    table = word.add_table(rows=1, cols=2)
    table.rows[0].cells[1].text = f"{VETO}"
    buffer = io.BytesIO()
    word.save(buffer)
    pk = document("w.docx", buffer.getvalue(), "条例").pk
    page = article(body=f'<p>见<a linktype="document" id="{pk}">附件</a></p>')
    assert vetoed_places(page) == ["附件“条例”"]


def test_big_unknown_broken_and_inflating_attachments_are_not_read():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", VETO.encode() + b"0" * (30 * 1024 * 1024))
    files = [
        ("big.txt", VETO.encode() + b" " * MAX_ATTACHMENT_BYTES),
        ("scan.pdf", VETO.encode()),
        ("broken.docx", b"PK\x03\x04 not a zip" + VETO.encode()),
        ("bomb.docx", bomb.getvalue()),
        ("binary.txt", bytes(range(256)) * 10),
    ]
    page = article()
    page.attachments = [ArticleAttachment(document=document(name, data, title=name)) for name, data in files]
    assert vetoed_places(page) == []
    assert not any(label.startswith("附件“") and not label.endswith("的名称") for label in places(page))


def test_nul_and_control_characters_do_not_break_reading():
    page = article("<p>中华人民\x00共合国\x07</p>", title="通\x1b知")
    assert review(page, today=TODAY) is not None


def test_a_one_megabyte_page_is_checked_in_seconds():
    paragraph = "<p>为深入贯彻落实党的二十大精神，进一步做好全市政务公开工作，现将有关事项通知如下。</p>"
    body = paragraph * (1024 * 1024 // len(paragraph.encode()) + 1) + f"<p>{VETO}</p>"
    assert len(body.encode()) > 1024 * 1024
    started = time.perf_counter()
    found = review(article(body), today=TODAY)
    elapsed = time.perf_counter() - started
    assert [f.place.label for f in found.vetoes] == ["正文"]
    assert elapsed < 5, f"{elapsed:.2f} s"


def _id_number(body17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, weights, strict=True)) % 11]


def test_no_context_shows_a_personal_number_unmasked():
    first, second = _id_number("32130219800101001"), _id_number("32130219900202002")
    found = review(article(f"<p>张三{first}，李四{second}，{VETO}。</p>"), today=TODAY)
    assert len([f for f in found.vetoes if f.hit.check == "privacy"]) == 2
    for finding in found.findings:
        shown = finding.context + "".join(finding.marked()) + finding.sentence()
        assert first not in shown and second not in shown
    assert all("*" in f.context for f in found.findings if f.hit.check == "privacy")
