"""Accessibility rules for the content editors write: what the editor refuses to publish, and what it only
points out.

Pure functions, no database: give them a page, or the values of its content fields (rich text in Wagtail's
database format, StreamField values), and they return `Finding`s. The rules:

- ``image-alt`` (error): every image needs alternative text. In rich text an image is stored as
  ``<embed embedtype="image" id=.. alt=".." format=..>``; Wagtail keeps no "decorative" mark there (ticking
  "装饰性图片" in the image chooser only empties ``alt``), and an image in a government article carries
  information, so an empty ``alt`` is refused. Raw ``<img>`` needs ``alt`` too, or an explicit decorative mark
  (``alt=""`` with ``role="presentation"``/``role="none"`` or ``aria-hidden="true"``). In StreamField, an
  ``ImageBlock`` needs alt text unless it is marked decorative; an ``ImageChooserBlock`` uses the image's
  default alt text, which must not be empty.
- ``video-captions`` (error): a video needs captions (``<track kind="captions|subtitles">``) or a full
  transcript (文字实录); audio and embedded players, whose captions cannot be verified, need the transcript.
  A page's own media (``media_url``) needs its caption file (``captions``) or its text version
  (``text_alternative``).
- ``table-headers`` (error): a data table needs header cells (``<th>``; for ``TableBlock``, the first row or
  column set as header). Layout tables marked ``role="presentation"`` are left alone.
- ``heading-order`` (warning): the page title is the h1, so body headings start at h2 and go at most one
  level deeper at a time.
- ``link-text`` (warning): a link must say where it goes; "点击这里", "更多" and the other words in
  `VAGUE_LINK_TEXTS` (or nothing at all) do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from selectolax.lexbor import LexborHTMLParser

ERROR = "error"
WARNING = "warning"

IMAGE_ALT = "image-alt"
VIDEO_CAPTIONS = "video-captions"
TABLE_HEADERS = "table-headers"
HEADING_ORDER = "heading-order"
LINK_TEXT = "link-text"

#: Link texts that say nothing about the target. Compared after dropping spaces and punctuation such as
#: "»" or "……" and ignoring case, so "更多>>" and "Click here" match too. Editable: one entry per text.
VAGUE_LINK_TEXTS = (
    "点击这里",
    "点击此处",
    "这里",
    "此处",
    "更多",
    "详情",
    "查看",
    "链接",
    "click here",
    "more",
)

#: Headings inside the content that announce a transcript of the audio or video on the page.
TRANSCRIPT_HEADINGS = ("文字实录", "文字版")

# Page fields that carry the page's own audio/video, its caption file and its transcript.
MEDIA_URL_FIELDS = ("media_url",)
CAPTION_FIELDS = ("captions",)
TRANSCRIPT_FIELDS = ("text_alternative", "transcript")

EXCERPT_LENGTH = 80
_LINK_TEXT_LIMIT = 200  # longer link texts are descriptive enough: no need to normalise them
_NOISE = re.compile(r"[\s\u3000\xa0>»›》〉<«‹《〈.…。·•:：,，、!！?？\-—_()（）\[\]【】「」“”\"'‘’]+")
_DECORATIVE_ROLES = ("presentation", "none")
_LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级", 6: "六级"}


@dataclass(frozen=True)
class Finding:
    rule_id: str
    level: str  # ERROR blocks publishing, WARNING is pointed out only
    field: str
    message: str
    excerpt: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def _normalise(text: str) -> str:
    return _NOISE.sub("", text).casefold()


_VAGUE = frozenset(_normalise(text) for text in VAGUE_LINK_TEXTS)


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def _start_tag(node) -> str:
    """The element's opening tag, for an excerpt that shows the editor which element is meant."""
    html = node.html or ""
    end = html.find(">")
    return _excerpt(html[: end + 1] if end >= 0 else html)


# --- rich text / HTML ------------------------------------------------------------------------------------


def check_html(html: str, field: str = "body", *, has_transcript: bool = False) -> list[Finding]:
    """The findings in one HTML fragment (rich text in Wagtail's database format, or plain HTML).

    `has_transcript` says the page gives a full transcript elsewhere (a text-version field), which
    satisfies the audio/video rule. Never raises on malformed or hostile input.
    """
    if not html or not html.strip():
        return []
    tree = LexborHTMLParser(html)
    tree.strip_tags(["script", "style", "template", "noscript"])
    if tree.body is None:
        return []
    findings: list[Finding] = []
    findings += _image_findings(tree, field)
    headings = tree.css("h1, h2, h3, h4, h5, h6")
    findings += _media_findings(tree, field, has_transcript or _announces_transcript(headings))
    findings += _table_findings(tree, field)
    findings += _heading_findings(headings, field)
    findings += _link_findings(tree, field)
    return findings


def _announces_transcript(headings) -> bool:
    return any(word in (node.text() or "") for node in headings for word in TRANSCRIPT_HEADINGS)


def _image_findings(tree, field: str) -> Iterator[Finding]:
    for number, node in enumerate(tree.css('embed[embedtype="image"]'), 1):
        if not (node.attributes.get("alt") or "").strip():
            yield Finding(
                IMAGE_ALT,
                ERROR,
                field,
                "图片没有替代文字。请在图片设置中填写“替代文字”，用一句话说明图片内容；"
                "正文中的图片都承载信息，不能标为装饰性图片。",
                _excerpt(f"第 {number} 张图片，图片库编号 {node.attributes.get('id') or '未知'}"),
            )
    for node in tree.css("img"):
        attrs = node.attributes
        alt = attrs.get("alt")
        if alt is not None and alt.strip():
            continue
        role = (attrs.get("role") or "").strip().lower()
        hidden = (attrs.get("aria-hidden") or "").strip().lower() == "true"
        if alt is not None and (role in _DECORATIVE_ROLES or hidden):
            continue  # explicitly decorative
        yield Finding(
            IMAGE_ALT,
            ERROR,
            field,
            '图片缺少替代文字（alt）。请填写说明图片内容的替代文字；纯装饰性图片须写 alt="" '
            '并标注 role="presentation"。',
            _start_tag(node),
        )


def _media_findings(tree, field: str, has_transcript: bool) -> Iterator[Finding]:
    if has_transcript:
        return
    for node in tree.css("video"):
        if any(_is_caption_track(track) for track in node.css("track")):
            continue
        yield Finding(
            VIDEO_CAPTIONS,
            ERROR,
            field,
            "视频没有字幕，也没有文字实录。请添加中文字幕，或在页面上提供完整的文字实录。",
            _start_tag(node),
        )
    for node in tree.css("audio"):
        yield Finding(
            VIDEO_CAPTIONS, ERROR, field, "音频没有文字实录。请在页面上提供完整的文字实录。", _start_tag(node)
        )
    for node in tree.css('embed[embedtype="media"]'):
        yield Finding(
            VIDEO_CAPTIONS,
            ERROR,
            field,
            "嵌入的音视频无法确认带有字幕。请在页面上提供完整的文字实录。",
            _excerpt(node.attributes.get("url") or "") or _start_tag(node),
        )


def _is_caption_track(track) -> bool:
    kind = (track.attributes.get("kind") or "subtitles").strip().lower()  # a track without kind: subtitles
    return kind in ("captions", "subtitles") and bool((track.attributes.get("src") or "").strip())


def _table_findings(tree, field: str) -> Iterator[Finding]:
    for table in tree.css("table"):
        if (table.attributes.get("role") or "").strip().lower() in _DECORATIVE_ROLES:
            continue
        if any(_nearest_table(th) == table for th in table.css("th")):
            continue
        yield Finding(
            TABLE_HEADERS,
            ERROR,
            field,
            "表格没有表头单元格。请把第一行（或第一列）设为表头（th），读屏软件才能读出每个数据对应的项目。",
            _excerpt(table.text(separator=" ")),
        )


def _nearest_table(node):
    node = node.parent
    while node is not None and node.tag != "table":
        node = node.parent
    return node


def _heading_findings(headings, field: str) -> Iterator[Finding]:
    previous = 1  # the page title
    for node in headings:
        level = int(node.tag[1])
        text = _excerpt(node.text(separator=" "))
        if level == 1:
            yield Finding(
                HEADING_ORDER,
                WARNING,
                field,
                "正文中使用了一级标题。页面标题就是一级标题，正文标题请从二级标题开始。",
                text,
            )
        elif level > previous + 1:
            if previous == 1:
                message = f"正文的第一个标题是{_LEVEL_NAMES[level]}标题。正文标题应从二级标题开始。"
            else:
                message = (
                    f"标题层级跳跃：从{_LEVEL_NAMES[previous]}标题直接到{_LEVEL_NAMES[level]}标题。"
                    "请逐级使用标题，不要跳级。"
                )
            yield Finding(HEADING_ORDER, WARNING, field, message, text)
        previous = level


def _link_findings(tree, field: str) -> Iterator[Finding]:
    for node in tree.css("a"):
        attrs = node.attributes
        if "href" not in attrs and "linktype" not in attrs:
            continue  # a named anchor, not a link
        name = (attrs.get("aria-label") or "").strip()
        if not name:
            name = node.text(separator=" ")[:_LINK_TEXT_LIMIT]
            name += " ".join(img.attributes.get("alt") or "" for img in node.css("img"))
            name += " ".join(e.attributes.get("alt") or "" for e in node.css('embed[embedtype="image"]'))
        shown = _excerpt(name)
        if not name.strip():
            yield Finding(
                LINK_TEXT, WARNING, field, "链接没有文字，读屏软件无法说明链接去向。", _start_tag(node)
            )
        elif len(name) < _LINK_TEXT_LIMIT and _normalise(name) in _VAGUE:
            yield Finding(
                LINK_TEXT,
                WARNING,
                field,
                f"链接文字“{shown}”不能说明链接去向。请改用说明目标的文字，如“下载申请表”“查看2024年预算公开”。",
                shown,
            )


# --- StreamField -------------------------------------------------------------------------------------------


def check_stream(value, field: str = "body", *, has_transcript: bool = False) -> list[Finding]:
    """The findings in a StreamField value (a `StreamValue`): structured blocks are checked by their own
    options (ImageBlock's decorative flag, TableBlock's header row), HTML blocks by `check_html`, read in
    order as one document so that heading levels carry over from one block to the next."""
    block = getattr(value, "stream_block", None)
    if block is None:
        return []
    structured: list[Finding] = []
    html_parts: list[str] = []
    for item_findings, html in _walk(block, value, field):
        structured += item_findings
        if html:
            html_parts.append(html)
    html = "\n".join(html_parts)
    if not has_transcript and html.strip():
        has_transcript = _announces_transcript(LexborHTMLParser(html).css("h1, h2, h3, h4, h5, h6"))
    if has_transcript:
        structured = [f for f in structured if f.rule_id != VIDEO_CAPTIONS]
    return structured + check_html(html, field, has_transcript=has_transcript)


def _walk(block, value, field: str) -> Iterator[tuple[list[Finding], str]]:
    """(findings, html) for each leaf of a block value, in document order."""
    from wagtail import blocks
    from wagtail.embeds.blocks import EmbedBlock
    from wagtail.images.blocks import ImageBlock, ImageChooserBlock

    if value is None:
        return
    if isinstance(block, blocks.StreamBlock):
        for child in value:
            yield from _walk(child.block, child.value, field)
    elif isinstance(block, blocks.ListBlock):
        for item in value:
            yield from _walk(block.child_block, item, field)
    elif isinstance(block, ImageBlock):
        decorative = bool(getattr(value, "decorative", False))
        alt = (getattr(value, "contextual_alt_text", "") or "").strip()
        if not decorative and not alt:
            message = "图片没有替代文字。请填写“替代文字”，或勾选“装饰性图片”。"
            yield [Finding(IMAGE_ALT, ERROR, field, message, _excerpt(str(value)))], ""
    elif isinstance(block, ImageChooserBlock):
        if not (getattr(value, "default_alt_text", "") or "").strip():
            message = "图片没有替代文字。请为该图片填写标题或说明。"
            yield [Finding(IMAGE_ALT, ERROR, field, message, _excerpt(str(value)))], ""
    elif isinstance(block, EmbedBlock):
        message = "嵌入的音视频无法确认带有字幕。请在页面上提供完整的文字实录。"
        yield [Finding(VIDEO_CAPTIONS, ERROR, field, message, _excerpt(getattr(value, "url", "")))], ""
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            yield from _walk(child_block, value.get(name), field)
    elif isinstance(block, blocks.RichTextBlock):
        yield [], getattr(value, "source", "") or ""
    elif isinstance(block, blocks.RawHTMLBlock):
        yield [], str(value)
    elif _is_headerless_table(value):  # wagtail.contrib.table_block's TableBlock
        cells = " ".join(str(cell or "") for row in value.get("data") or [] for cell in row or [])
        message = "表格没有表头。请勾选“第一行为表头”或“第一列为表头”。"
        yield [Finding(TABLE_HEADERS, ERROR, field, message, _excerpt(cells))], ""


def _is_headerless_table(value) -> bool:
    return (
        isinstance(value, Mapping)
        and "first_row_is_table_header" in value
        and not (value.get("first_row_is_table_header") or value.get("first_col_is_header"))
    )


# --- pages ----------------------------------------------------------------------------------------------


def content_fields(model) -> list[str]:
    """The names of the model's fields that hold body content (rich text and StreamField)."""
    from wagtail.fields import RichTextField, StreamField

    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, RichTextField | StreamField) and getattr(f, "concrete", False)
    ]


def media_fields(model) -> list[str]:
    names = {f.name for f in model._meta.get_fields()}
    return [n for n in (*MEDIA_URL_FIELDS, *CAPTION_FIELDS, *TRANSCRIPT_FIELDS) if n in names]


def checked_fields(model) -> list[str]:
    """Every field whose value the rules read."""
    return content_fields(model) + media_fields(model)


def check_values(model, values: Mapping[str, Any]) -> list[Finding]:
    """The findings for a page of `model` whose checked fields have these `values` (a field missing from
    `values` is skipped)."""
    transcript = any(str(values.get(name) or "").strip() for name in TRANSCRIPT_FIELDS)
    findings: list[Finding] = []
    for name in content_fields(model):
        if name not in values:
            continue
        value = values[name]
        if hasattr(value, "stream_block"):
            findings += check_stream(value, name, has_transcript=transcript)
        else:
            findings += check_html(getattr(value, "source", value) or "", name, has_transcript=transcript)
    field = next((n for n in MEDIA_URL_FIELDS if values.get(n)), None)
    captions = any(values.get(name) for name in CAPTION_FIELDS)
    if field and not captions and not transcript:
        media_url = values[field]
        findings.append(
            Finding(
                VIDEO_CAPTIONS,
                ERROR,
                field,
                "已填写音视频，但没有上传字幕文件，也没有填写文字版（文字实录）。请至少提供其中一项。",
                _excerpt(str(media_url)),
            )
        )
    return findings


def check_page(page) -> list[Finding]:
    """The findings for a page instance as it stands (saved or not)."""
    model = type(page)
    return check_values(model, {name: getattr(page, name, None) for name in checked_fields(model)})


# --- wording --------------------------------------------------------------------------------------------


def field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def describe(finding: Finding, model=None) -> str:
    """One line for an editor: the field, the problem and the element it is about."""
    label = field_label(model, finding.field) if model is not None else finding.field
    return f"{label}：{finding.message}{located(finding)}"


def located(finding: Finding) -> str:
    """Where the problem is, to append to its message ("" when the message says it already)."""
    if not finding.excerpt or finding.excerpt in finding.message:
        return ""
    return f"（见“{finding.excerpt}”）"


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == ERROR]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == WARNING]
