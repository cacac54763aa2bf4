"""What text a page carries, place by place, and what the content-safety engine finds in it.

`page_texts(page)` lists every `Place` (a Chinese label naming where, and the text there) of a page object —
a live page, a revision's object (`revision.as_object()`), or the unsaved object a page form builds:

- the title, the search description, and every text field of the specific page (rich text read as its
  visible text);
- every StreamField block, walked through its raw data with the block definitions (nested structs, lists
  and streams; rich text as visible text; choice, number, URL and chooser values skipped);
- images: the alt text written into rich text, image blocks' own alt fields, and the alt text (description,
  else title) of images chosen in fields and blocks;
- the inline children (attachments, steps, guests …) with their text fields, images and documents;
- text attachments: documents linked from any of the above (fields, chooser blocks, rich-text links) whose
  file is .txt/.csv/.html/.htm/.docx and at most 2 MB, read as text (UTF-8 or GB 18030; .docx through
  python-docx, refusing archives that would inflate past 20 MB).

`review(page)` runs the engine over every place and returns a `Review` of `Finding`s (place, hit, and the
place's context with the term marked). The workflow step, the editor's publish check and the sweep all use
it, so they find the same things.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import PurePosixPath

from django.db import models
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
MAX_DOCX_INFLATED = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".csv", ".html", ".htm", ".docx"}
HTML_SUFFIXES = {".html", ".htm"}
# Page's own fields that carry published text, with their labels (Wagtail's are translated lazily).
PAGE_FIELDS = {"title": "标题", "seo_title": "浏览器标题", "search_description": "搜索描述"}
# Field types whose values are addresses or codes, not prose.
SKIPPED_FIELDS = (
    models.SlugField,
    models.URLField,
    models.EmailField,
    models.UUIDField,
    models.FilePathField,
    models.GenericIPAddressField,
)
SKIPPED_BLOCKS = (
    blocks.ChoiceBlock,
    blocks.MultipleChoiceBlock,
    blocks.URLBlock,
    blocks.EmailBlock,
    blocks.IntegerBlock,
    blocks.FloatBlock,
    blocks.DecimalBlock,
    blocks.BooleanBlock,
    blocks.DateBlock,
    blocks.TimeBlock,
    blocks.DateTimeBlock,
    blocks.PageChooserBlock,
    blocks.StaticBlock,
)
CJK = re.compile(r"[\u4e00-\u9fff]")
COMMENTS_RELATION = "wagtail_admin_comments"


@dataclass(frozen=True)
class Place:
    """Where a text is on a page (a Chinese label such as "正文第 3 段（段落）") and the text."""

    label: str
    text: str

    @cached_property
    def normalised(self) -> str:
        from .engine import normalise

        return normalise(self.text)


@dataclass(frozen=True)
class Finding:
    """One hit of the engine at one place."""

    place: Place
    hit: object  # engine.Hit
    shown: str = ""  # the place's normalised text with every number found masked ("" when none was)

    @property
    def text(self) -> str:
        """The place's text as it may be shown: personal numbers masked, also those next to another hit."""
        return self.shown or self.place.normalised

    @property
    def veto(self) -> bool:
        return self.hit.severity == "veto"

    @property
    def context(self) -> str:
        """ "…before【term】after…" (plain text, for comments, work orders and the command line)."""
        from .engine import context

        return context(self.text, self.hit)

    def marked(self, width: int = 20) -> tuple[str, str, str]:
        """(before, term, after) around the hit, for a template to show the term marked."""
        text, hit = self.text, self.hit
        before = text[max(0, hit.start - width) : hit.start]
        after = text[hit.end : hit.end + width]
        term = text[hit.start : hit.end] if hit.check != "privacy" else hit.term
        lead = "…" if hit.start > width else ""
        tail = "…" if hit.end + width < len(text) else ""
        return lead + " ".join(before.split()), term, " ".join(after.split()) + tail

    def sentence(self) -> str:
        """The finding in one Chinese line: where, what is wrong, and the place marked."""
        return f"{self.place.label}：{self.hit.verdict()}（{self.context}）"


@dataclass
class Review:
    """What the checks found on one page (one or more of its versions)."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def vetoes(self) -> list[Finding]:
        return [f for f in self.findings if f.veto]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.veto]

    def __bool__(self) -> bool:
        return bool(self.findings)

    def terms(self, findings: Iterable[Finding] | None = None) -> list[str]:
        """The distinct terms found, in order (privacy hits by their category, never the number)."""
        seen: dict[str, None] = {}
        for finding in self.findings if findings is None else findings:
            hit = finding.hit
            seen.setdefault(hit.category if hit.check == "privacy" else hit.term, None)
        return list(seen)

    def summary(self, findings: Iterable[Finding] | None = None, *, limit: int = 10) -> list[str]:
        """One line per finding (at most `limit`, then how many more)."""
        chosen = list(self.findings if findings is None else findings)
        lines = [finding.sentence() for finding in chosen[:limit]]
        if len(chosen) > limit:
            lines.append(f"另有 {len(chosen) - limit} 处，请在页面中逐一核对。")
        return lines

    def merged(self, other: Review) -> Review:
        """This review and another's findings, each place-and-hit once."""
        seen = {(f.place.label, f.hit.check, f.hit.term, f.hit.start) for f in self.findings}
        extra = [
            f for f in other.findings if (f.place.label, f.hit.check, f.hit.term, f.hit.start) not in seen
        ]
        return Review(self.findings + extra)


class Cache:
    """Images and documents already read (a sweep reads an attachment once however many pages link it)."""

    def __init__(self):
        self.images: dict[int, object | None] = {}
        self.documents: dict[int, object | None] = {}
        self.attachment_texts: dict[tuple, str | None] = {}


def _label(value, fallback: str) -> str:
    text = str(value or "").strip()
    return text if CJK.search(text) else fallback


def _block_label(block, fallback: str = "内容") -> str:
    # An explicit label only: Wagtail makes English ones from the block's name otherwise.
    return _label(getattr(block.meta, "label", None), fallback)


class _Collector:
    def __init__(self, cache: Cache):
        self.cache = cache
        self.places: list[Place] = []
        self.images: list[tuple[int, str, str | None]] = []  # (id, where, alt written at the place or None)
        self.documents: dict[int, str] = {}  # id -> where

    def add(self, label: str, text) -> None:
        if isinstance(text, str) and text.strip():
            self.places.append(Place(label, text))

    # --- rich text --------------------------------------------------------------------------------------

    def rich_text(self, label: str, html) -> None:
        from selectolax.lexbor import LexborHTMLParser as HTMLParser

        from .engine import html_text

        html = str(html or "")
        if not html.strip():
            return
        self.add(label, html_text(html))
        if "<embed" not in html and "linktype" not in html:
            return
        tree = HTMLParser(html)
        for node in tree.css("embed"):
            attrs = node.attributes
            if attrs.get("embedtype") == "image" and _int(attrs.get("id")) is not None:
                self.images.append((_int(attrs.get("id")), label, attrs.get("alt") or ""))
        for node in tree.css("a[linktype=document]"):
            pk = _int(node.attributes.get("id"))
            if pk is not None:
                self.documents.setdefault(pk, label)

    # --- model fields -----------------------------------------------------------------------------------

    def instance(self, obj, prefix: str, *, page_fields: bool = False) -> None:
        for kind, name, label, model_field in _field_plan(type(obj), page_fields):
            if kind == "text":
                self.add(prefix + label, getattr(obj, name, ""))
            elif kind == "rich":
                self.rich_text(prefix + label, getattr(obj, name, ""))
            elif kind == "stream":
                self.stream(prefix + label, model_field.stream_block, getattr(obj, name, None))
            else:
                pk = getattr(obj, name, None)
                if pk is None:
                    continue
                if kind == "image":
                    self.images.append((pk, prefix + label, None))
                else:
                    self.documents.setdefault(pk, prefix + label)

    def children(self, obj, overrides: dict[str, list] | None) -> None:
        for name, label in child_relations(type(obj)):
            if overrides is not None and name in overrides:
                items = overrides[name]
            else:
                manager = getattr(obj, name, None)
                if manager is None:
                    continue
                items = list(manager.all())
            for number, child in enumerate(items, start=1):
                self.instance(child, f"{label}第 {number} 项·")

    # --- StreamField ------------------------------------------------------------------------------------

    def stream(self, label: str, stream_block, value) -> None:
        if value is None:
            return
        raw = value.raw_data if hasattr(value, "raw_data") else value
        for number, item in enumerate(list(raw), start=1):
            if not isinstance(item, dict):
                continue
            child = stream_block.child_blocks.get(item.get("type"))
            if child is not None:
                where = f"{label}第 {number} 段（{_block_label(child)}）"
                self.block(where, child, item.get("value"))

    def block(self, label: str, block, raw) -> None:
        from wagtail.documents.blocks import DocumentChooserBlock
        from wagtail.images.blocks import ImageChooserBlock

        if raw is None or isinstance(block, SKIPPED_BLOCKS):
            return
        if isinstance(block, blocks.StreamBlock):
            if isinstance(raw, list):
                for number, item in enumerate(raw, start=1):
                    if isinstance(item, dict) and item.get("type") in block.child_blocks:
                        child = block.child_blocks[item["type"]]
                        self.block(
                            f"{label}·第 {number} 段（{_block_label(child)}）", child, item.get("value")
                        )
        elif isinstance(block, blocks.ListBlock):
            if isinstance(raw, list):
                for number, item in enumerate(raw, start=1):
                    # Lists store {"type": "item", "value": …, "id": …} (or bare values, the old format).
                    value = (
                        item.get("value") if isinstance(item, dict) and item.get("type") == "item" else item
                    )
                    self.block(f"{label}·第 {number} 项", block.child_block, value)
        elif isinstance(block, blocks.StructBlock):
            if isinstance(raw, dict):
                for name, child in block.child_blocks.items():
                    fallback = "替代文本" if name in ("alt_text", "alt") else "内容"
                    self.block(f"{label}·{_block_label(child, fallback)}", child, raw.get(name))
        elif isinstance(block, blocks.RichTextBlock):
            self.rich_text(label, raw)
        elif isinstance(block, blocks.RawHTMLBlock):
            from .engine import html_text

            self.add(label, html_text(str(raw)))
        elif isinstance(block, ImageChooserBlock):
            if _int(raw) is not None:
                self.images.append((_int(raw), label, None))
        elif isinstance(block, DocumentChooserBlock):
            if _int(raw) is not None:
                self.documents.setdefault(_int(raw), label)
        elif isinstance(block, blocks.ChooserBlock):
            return  # snippets and other choosers: their own content is checked where it is edited
        elif isinstance(raw, str):
            self.add(label, raw)
        else:
            # A block of a kind not known here (a table …): every string in its data.
            strings = list(_strings(raw))
            if strings:
                self.add(label, "\n".join(strings))

    # --- images and documents ---------------------------------------------------------------------------

    def resolve(self, *, attachments: bool) -> None:
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        _fetch(self.cache.images, get_image_model(), {pk for pk, _where, _alt in self.images})
        for pk, where, alt in self.images:
            image = self.cache.images.get(pk)
            title = image.title if image is not None else f"编号 {pk}"
            text = alt if alt is not None else (image.default_alt_text if image is not None else "")
            self.add(f"{where}中图片“{title}”的替代文本", text)
        if not attachments or not self.documents:
            return
        _fetch(self.cache.documents, get_document_model(), set(self.documents))
        for pk in self.documents:
            document = self.cache.documents.get(pk)
            if document is None:
                continue
            self.add(f"附件“{document.title}”的名称", document.title)
            text = attachment_text(document, self.cache)
            if text:
                self.add(f"附件“{document.title}”", text)


@cache
def _field_plan(model, page_fields: bool) -> tuple[tuple[str, str, str, object], ...]:
    """(kind, attribute, label, field) for each field of the model that carries text, an image or a
    document: kind is text, rich, stream, image or document."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    image_model, document_model = get_image_model(), get_document_model()
    plan = []
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if page_fields and model_field.model is Page:
            if name in PAGE_FIELDS:
                plan.append(("text", name, PAGE_FIELDS[name], model_field))
            continue
        label = _label(model_field.verbose_name, "文字")
        if isinstance(model_field, StreamField):
            plan.append(("stream", name, label, model_field))
        elif isinstance(model_field, RichTextField):
            plan.append(("rich", name, label, model_field))
        elif isinstance(model_field, (models.CharField, models.TextField)):
            if not isinstance(model_field, SKIPPED_FIELDS) and not model_field.choices:
                plan.append(("text", name, label, model_field))
        elif isinstance(model_field, models.ForeignKey):
            if model_field.related_model is image_model:
                plan.append(("image", model_field.attname, label, model_field))
            elif model_field.related_model is document_model:
                plan.append(("document", model_field.attname, label, model_field))
    return tuple(plan)


@cache
def child_relations(model) -> tuple[tuple[str, str], ...]:
    """(accessor name, Chinese label) of the model's inline children (comments left out)."""
    from modelcluster.models import get_all_child_relations

    labels = _inline_labels(model)
    found = []
    for relation in get_all_child_relations(model):
        name = relation.get_accessor_name()
        if name != COMMENTS_RELATION:
            found.append(
                (name, labels.get(name) or _label(relation.related_model._meta.verbose_name, "附属内容"))
            )
    return tuple(found)


def children_of(pages) -> dict[int, dict[str, list]]:
    """The inline children of a batch of pages, read with one query per page type and relation (what
    `page_texts(page, children=...)` takes), instead of one query per page."""
    from modelcluster.models import get_all_child_relations

    by_model: dict[type, list] = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page.pk)
    found: dict[int, dict[str, list]] = {page.pk: {} for page in pages}
    for model, pks in by_model.items():
        for relation in get_all_child_relations(model):
            name = relation.get_accessor_name()
            if name == COMMENTS_RELATION:
                continue
            attname = relation.field.attname
            for pk in pks:
                found[pk][name] = []
            for child in relation.related_model.objects.filter(**{f"{attname}__in": pks}):
                found[getattr(child, attname)][name].append(child)
    return found


@cache
def _inline_labels(model) -> dict[str, str]:
    """The labels of the model's inline panels by relation name ("附件" for `attachments`)."""
    from wagtail.admin.panels import InlinePanel

    labels: dict[str, str] = {}

    def walk(panel) -> None:
        if isinstance(panel, InlinePanel):
            labels[panel.relation_name] = _label(panel.label or panel.heading, "")
        for child in getattr(panel, "children", ()):
            walk(child)

    if hasattr(model, "get_edit_handler"):
        walk(model.get_edit_handler())
    return {name: label for name, label in labels.items() if label}


def _fetch(store: dict, model, wanted: set[int]) -> None:
    missing = wanted - set(store)
    if missing:
        found = {obj.pk: obj for obj in model.objects.filter(pk__in=missing)}
        for pk in missing:
            store[pk] = found.get(pk)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _strings(raw) -> Iterable[str]:
    if isinstance(raw, str):
        if raw.strip():
            yield raw
    elif isinstance(raw, dict):
        for value in raw.values():
            yield from _strings(value)
    elif isinstance(raw, (list, tuple)):
        for value in raw:
            yield from _strings(value)


# --- attachments -------------------------------------------------------------------------------------------


def attachment_text(document, cache: Cache | None = None) -> str | None:
    """The text of a small text attachment (see the module's docstring), None for any other file or one that
    cannot be read. Read once per file and size (per `cache`)."""
    name = getattr(document.file, "name", "") or ""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        return None
    key = (document.pk, name, getattr(document, "file_size", None))
    if cache is not None and key in cache.attachment_texts:
        return cache.attachment_texts[key]
    text = _read_attachment(document, suffix)
    if cache is not None:
        cache.attachment_texts[key] = text
    return text


def _read_attachment(document, suffix: str) -> str | None:
    try:
        size = document.file_size or document.file.size
        if size is None or size > MAX_ATTACHMENT_BYTES:
            return None
        with document.file.open("rb") as handle:
            data = handle.read(MAX_ATTACHMENT_BYTES + 1)
    except (OSError, ValueError):
        logger.warning("Attachment %s could not be read", document.pk)
        return None
    if len(data) > MAX_ATTACHMENT_BYTES:
        return None
    if suffix == ".docx":
        return _docx_text(data)
    from huimin.core.encodings import UndecodableText, decode_text

    try:
        text, _encoding = decode_text(data)
    except UndecodableText:
        return None
    if suffix in HTML_SUFFIXES:
        from .engine import html_text

        return html_text(text)
    return text


def _docx_text(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_INFLATED:
                return None
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception:
        logger.warning("A .docx attachment could not be read")
        return None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(line for line in lines if line.strip())


# --- the page ----------------------------------------------------------------------------------------------


def page_texts(
    page, *, children: dict[str, list] | None = None, attachments: bool = True, cache: Cache | None = None
) -> list[Place]:
    """Every place of text of a (specific) page object; `children` replaces inline children by relation name
    (the page form's submitted rows)."""
    collector = _Collector(cache or Cache())
    collector.instance(page, "", page_fields=True)
    collector.children(page, children)
    collector.resolve(attachments=attachments)
    return collector.places


def check_page(page, *, dictionary=None, today: date | None = None, **kwargs) -> list[tuple[Place, object]]:
    """(place, hit) for every hit of the engine on the page."""
    return [
        (finding.place, finding.hit) for finding in review(page, dictionary=dictionary, today=today, **kwargs)
    ]


def review(
    page,
    *,
    dictionary=None,
    today: date | None = None,
    children: dict[str, list] | None = None,
    attachments: bool = True,
    cache: Cache | None = None,
) -> Review:
    """The engine's findings on every place of the page (one dictionary for all of them)."""
    from .engine import check_normalised, current_dictionary

    dictionary = dictionary or current_dictionary()
    findings = []
    for place in page_texts(page, children=children, attachments=attachments, cache=cache):
        hits = check_normalised(place.normalised, dictionary=dictionary, today=today)
        shown = _masked(place.normalised, hits)
        findings.extend(Finding(place, hit, shown) for hit in hits)
    return Review(findings)


def _masked(text: str, hits) -> str:
    """`text` with the masked form of every personal number found in it ("" when there is none), so that no
    context shows a number unmasked. The masked form has the number's length: offsets stay as they are."""
    spans = [
        (h.start, h.end, h.term) for h in hits if h.check == "privacy" and len(h.term) == h.end - h.start
    ]
    spans = [(start, end, term) for start, end, term in spans if term != text[start:end]]
    if not spans:
        return ""
    for start, end, term in sorted(spans, reverse=True):
        text = text[:start] + term + text[end:]
    return text
