"""What search knows of each published thing: one function per kind turns a page or a letter into the data
of a `SearchDocument` (`DocumentData`), or into None when it must not be in the index (not live, behind a
view restriction, outside every site, a letter not published with its reply).

Keys name the source: ``page:<id>`` for pages, ``letter:<id>`` for letters. `SOURCES` maps a key's prefix to
the source that resolves it and lists every item for a rebuild, so another kind of document (the Q&A
knowledge entries) joins by adding one entry there.

Text is made plain (rich text and StreamField content without tags) and capped; the analysed token fields are
computed from it in `DocumentData.analysed()`. Letters carry only what their public listing shows, masked
as there (`huimin.letters.masking`): never the writer's name, phone, e-mail or address.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.rich_text import get_text_for_indexing

from . import analysis
from .enums import DocumentKind, Validity

SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE_MAX_CHARS = 500
SUMMARY_MAX_CHARS = 2_000
KEYWORDS_MAX_CHARS = 2_000
TOPIC_MAX_CHARS = 100
BODY_MAX_CHARS = 100_000
URL_MAX_CHARS = 1_000
PAGE_PREFIX = "page"
LETTER_PREFIX = "letter"
SPACES = re.compile(r"\s+")
KEYWORD_SEPARATORS = re.compile(r"[,，、;；\s]+")
PHONE_GAP = r"[\s\-－—.·()（）]{0,3}"  # what people put between the digits of a phone number


def page_key(page_id: int) -> str:
    return f"{PAGE_PREFIX}:{page_id}"


def letter_key(letter_id: int) -> str:
    return f"{LETTER_PREFIX}:{letter_id}"


def split_key(key: str) -> tuple[str, int] | None:
    """("page", 12) for "page:12"; None for anything that is not a known prefix and a positive id."""
    prefix, _, number = (key or "").partition(":")
    if prefix not in SOURCES or not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return prefix, int(number)


@dataclass
class DocumentData:
    """The fields of a `SearchDocument` as a source gives them (before analysis)."""

    key: str
    kind: str
    site_id: int | None
    title: str
    url: str
    unit_id: int | None = None
    topic: str = ""
    summary: str = ""
    keywords: str = ""
    body: str = ""
    published_at: datetime | None = None
    validity: str = Validity.NONE

    def __post_init__(self):
        self.title = plain(self.title)[:TITLE_MAX_CHARS]
        self.topic = plain(self.topic)[:TOPIC_MAX_CHARS]
        self.summary = plain(self.summary)[:SUMMARY_MAX_CHARS]
        self.keywords = plain(self.keywords)[:KEYWORDS_MAX_CHARS]
        self.body = self.body[:BODY_MAX_CHARS]
        self.url = self.url[:URL_MAX_CHARS]

    @property
    def year(self) -> int | None:
        return timezone.localtime(self.published_at, SHANGHAI).year if self.published_at else None

    def fields(self) -> dict:
        """The model fields of the document, analysed token fields included."""
        return {
            "kind": self.kind,
            "site_id": self.site_id,
            "unit_id": self.unit_id,
            "topic": self.topic,
            "year": self.year,
            "title": self.title,
            "url": self.url,
            "summary": self.summary,
            "keywords": self.keywords,
            "body": self.body,
            "published_at": self.published_at,
            "validity": self.validity,
            **self.analysed(),
        }

    def analysed(self) -> dict[str, str]:
        """The token fields the full-text engines index: title; keywords with the topic; summary with the
        body; and the pinyin keys (full and initials) of the words of title and keywords."""
        return {
            "title_tokens": analysis.index_text(self.title),
            "keyword_tokens": analysis.index_text(f"{self.keywords} {self.topic}"),
            "body_tokens": analysis.index_text(f"{self.summary} {self.body}"),
            "pinyin_tokens": " ".join(analysis.pinyin_keys(analysis.words(f"{self.title} {self.keywords}"))),
        }


# --- text helpers ------------------------------------------------------------------------------------


def plain(text) -> str:
    """Rich text or plain text as one line of plain text: tags stripped, entities decoded, spaces folded."""
    if not text:
        return ""
    text = str(text)
    if "<" in text or "&" in text:
        text = get_text_for_indexing(text)
    return SPACES.sub(" ", text).strip()


def stream_text(page: Page, field_name: str) -> str:
    """The searchable text of a StreamField (every block's text, tags stripped)."""
    value = getattr(page, field_name)
    if not value:
        return ""
    try:
        parts = page._meta.get_field(field_name).get_searchable_content(value)
    except Exception:  # a block that cannot give its text must not stop indexing
        return ""
    return join(plain(part) for part in parts)


def join(parts, separator: str = " ") -> str:
    """Non-empty parts joined, stopping once the body cap is reached."""
    out, size = [], 0
    for part in parts:
        part = (part or "").strip()
        if not part:
            continue
        out.append(part)
        size += len(part) + 1
        if size >= BODY_MAX_CHARS:
            break
    return separator.join(out)[:BODY_MAX_CHARS]


def keyword_list(*values: str) -> str:
    """Keywords from fields that separate them with commas, 、 or spaces, without repeats, joined by "，"."""
    seen: dict[str, None] = {}
    for value in values:
        for word in KEYWORD_SEPARATORS.split(value or ""):
            if word:
                seen[word] = None
    return "，".join(seen)


# --- context shared by one run ------------------------------------------------------------------------


class Context:
    """What a run of sources shares: the clock, and small lookups cached for a whole rebuild."""

    def __init__(self, now: datetime):
        self.now = now
        self.today: date = timezone.localtime(now, SHANGHAI).date()

    @cached_property
    def sites(self) -> dict[int, Site]:
        return {site.pk: site for site in Site.objects.all()}

    @cached_property
    def column_units(self) -> dict[str, int | None]:
        """Path of each column page → its responsible unit (articles take the unit of their column)."""
        from huimin.sites.models import ColumnPage

        return dict(ColumnPage.objects.values_list("path", "responsible_unit_id"))

    @cached_property
    def column_types(self) -> dict[str, str]:
        """Path of each column page → its column type's name (an article in a 政策解读 column is one)."""
        from huimin.sites.models import ColumnPage

        return dict(ColumnPage.objects.values_list("path", "column_type__name"))

    @cached_property
    def default_site(self) -> Site | None:
        """Wagtail's default site, else the group's first site (the portal, created first)."""
        sites = sorted(self.sites.values(), key=lambda site: (not site.is_default_site, site.pk))
        return sites[0] if sites else None

    def site(self, site_id: int | None) -> Site | None:
        if site_id is None:
            return None
        site = self.sites.get(site_id)
        if site is None:
            site = Site.objects.filter(pk=site_id).first()
            if site is not None:
                self.sites[site_id] = site
        return site


# --- pages --------------------------------------------------------------------------------------------


@dataclass
class PageKind:
    """One indexed page type: its document kind, what to load with it in bulk, and its source function."""

    model: Callable[[], type[Page]]
    kind: str
    build: Callable[[Page, Context], dict]
    select: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()


def _page_base(page: Page, ctx: Context, kind: str) -> DocumentData | None:
    """Site and full URL of a routable page (None when it lies outside every site)."""
    parts = page.get_url_parts(request=None)
    if parts is None:
        return None
    site_id, root_url, page_path = parts
    if site_id is None or root_url is None or page_path is None:
        return None
    return DocumentData(
        key=page_key(page.pk), kind=kind, site_id=site_id, title=page.title, url=root_url + page_path
    )


# Articles whose column says what they are: a 政策解读 column's articles are interpretations (一图读懂 …).
ARTICLE_KINDS = {"政策解读": DocumentKind.INTERPRETATION}


def _article(page, ctx: Context) -> dict:
    parent_path = page.path[: -Page.steplen]
    attachments = [attachment.display_title() for attachment in page.attachments.all()]
    kind = ARTICLE_KINDS.get(ctx.column_types.get(parent_path, ""), DocumentKind.ARTICLE)
    return {
        "kind": kind,
        "unit_id": ctx.column_units.get(parent_path),
        "summary": page.summary,
        "keywords": keyword_list(page.keywords),
        "body": join([plain(page.body), stream_text(page, "charts"), *attachments]),
        "published_at": page.pub_date,
    }


def policy_validity(page, today: date) -> str:
    """The search validity of a policy on `today`: its recorded state, refined by its dates (a valid policy
    not yet in force is 尚未生效; one past its 失效日期 is 已失效). A revised policy (已修订) counts as no
    longer in force as written: 已失效."""
    from huimin.policies.enums import Validity as PolicyValidity

    if page.validity == PolicyValidity.REPEALED:
        return Validity.REPEALED
    if page.validity in (PolicyValidity.EXPIRED, PolicyValidity.REVISED):
        return Validity.EXPIRED
    if page.invalid_date and page.invalid_date <= today:
        return Validity.EXPIRED
    if page.effective_date and page.effective_date > today:
        return Validity.NOT_YET
    return Validity.VALID


def _policy(page, ctx: Context) -> dict:
    vocabulary = [item.name for item in page.industries.all()] + [o.name for o in page.service_objects.all()]
    attachments = [attachment.display_title() for attachment in page.attachments.all()]
    return {
        "unit_id": page.issuer_id,
        "topic": page.topic.name if page.topic_id else "",
        "summary": page.summary,
        "keywords": keyword_list(page.keywords, page.doc_number, *vocabulary),
        "body": join([f"索引号 {page.index_number}", plain(page.body), *attachments]),
        "published_at": page.pub_date,
        "validity": policy_validity(page, ctx.today),
    }


def _interpretation(page, ctx: Context) -> dict:
    policies = list(page.policies.all())
    first = policies[0] if policies else None
    return {
        "unit_id": first.issuer_id if first else None,
        "topic": first.topic.name if first and first.topic_id else "",
        "summary": page.summary,
        "keywords": keyword_list(*(policy.keywords for policy in policies)),
        "body": join(
            [
                plain(page.body),
                page.text_alternative,
                *(alt.alt_text for alt in page.graphics.all()),
                *(f"解读的政策文件：{policy.title}" for policy in policies),
            ]
        ),
        "published_at": page.pub_date,
    }


def _guide(page, ctx: Context) -> dict:
    themes = [theme.name for theme in page.themes.all()]
    objects = [item.name for item in page.service_objects.all()]
    bases = [join([basis.title, basis.clause]) for basis in page.bases.all()]
    materials = [join([m.name, m.note]) for m in page.materials.all()]
    steps = [join([step.title, step.description]) for step in page.steps.all()]
    place = join([page.address, page.floor, page.window], "")
    days = [
        f"法定办结时限 {page.legal_days} 个工作日" if page.legal_days is not None else "",
        f"承诺办结时限 {page.promised_days} 个工作日" if page.promised_days is not None else "",
    ]
    return {
        "unit_id": page.unit_id,
        "topic": themes[0] if themes else "",
        "keywords": keyword_list(page.item_code, *themes, *objects),
        "body": join(
            [
                *(f"设定依据：{text}" for text in bases),
                f"申请条件：{plain(page.conditions)}" if page.conditions else "",
                *(f"办理材料：{text}" for text in materials),
                f"办理地点：{place}" if place else "",
                "不收费" if page.free_of_charge else (f"收费标准：{page.fee}" if page.fee else ""),
                f"办理时间：{page.hours}" if page.hours else "",
                f"咨询电话：{page.consult_phone}" if page.consult_phone else "",
                f"投诉电话：{page.complaint_phone}" if page.complaint_phone else "",
                *(f"办理流程：{text}" for text in steps),
                *days,
            ]
        ),
        "published_at": page.first_published_at or page.last_published_at,
    }


def _topic(page, ctx: Context) -> dict:
    return {
        "summary": page.summary,
        "keywords": keyword_list(page.keywords),
        "body": stream_text(page, "body"),
        "published_at": page.pub_date,
    }


def _interview(page, ctx: Context) -> dict:
    guests = [join([guest.name, guest.post, guest.unit]) for guest in page.guests.all()]
    lines = [f"{line.speaker}：{line.text}" for line in page.transcript.all() if not line.hidden]
    return {
        "unit_id": page.host_unit_id,
        "summary": page.summary,
        "keywords": keyword_list(page.keywords),
        "body": join(
            [*(f"嘉宾：{text}" for text in guests), plain(page.intro), stream_text(page, "body"), *lines]
        ),
        "published_at": page.start_at,
    }


def _dataset(page, ctx: Context) -> dict:
    resources = [join([resource.title, resource.description]) for resource in page.resources.all()]
    return {
        "unit_id": page.unit_id,
        "topic": page.theme.name if page.theme_id else "",
        "summary": page.description,
        "keywords": keyword_list(page.keywords),
        "body": join([*resources, page.spatial]),
        "published_at": page.pub_date,
    }


def _model(path: str) -> Callable[[], type[Page]]:
    def load():
        from django.apps import apps

        return apps.get_model(path)

    return load


PAGE_KINDS: list[PageKind] = [
    PageKind(
        _model("huimin_articles.ArticlePage"),
        DocumentKind.ARTICLE,
        _article,
        prefetch=("attachments__document",),
    ),
    PageKind(
        _model("huimin_policies.PolicyPage"),
        DocumentKind.POLICY,
        _policy,
        select=("topic",),
        prefetch=("industries", "service_objects", "attachments__document"),
    ),
    PageKind(
        _model("huimin_policies.InterpretationPage"),
        DocumentKind.INTERPRETATION,
        _interpretation,
        prefetch=("policies__topic", "graphics"),
    ),
    PageKind(
        _model("huimin_guides.ServiceGuidePage"),
        DocumentKind.GUIDE,
        _guide,
        prefetch=("themes", "service_objects", "bases", "materials", "steps"),
    ),
    PageKind(_model("huimin_topics.TopicPage"), DocumentKind.TOPIC, _topic),
    PageKind(
        _model("huimin_interviews.InterviewPage"),
        DocumentKind.INTERVIEW,
        _interview,
        prefetch=("guests", "transcript"),
    ),
    PageKind(
        _model("huimin_opendata.DatasetPage"),
        DocumentKind.DATASET,
        _dataset,
        select=("theme",),
        prefetch=("resources",),
    ),
]


def page_kind(page_or_model) -> PageKind | None:
    model = page_or_model if isinstance(page_or_model, type) else type(page_or_model)
    for entry in PAGE_KINDS:
        if issubclass(model, entry.model()):
            return entry
    return None


def page_models() -> list[type[Page]]:
    return [entry.model() for entry in PAGE_KINDS]


def page_document(page: Page, ctx: Context, *, checked_public: bool = False) -> DocumentData | None:
    """The document of a page, or None when the page must not be found: not one of the indexed types, not
    live, behind a view restriction (its own or an ancestor's), or outside every site."""
    page = page.specific if type(page) is Page else page
    entry = page_kind(page)
    if entry is None or not page.live:
        return None
    if not checked_public and page.get_view_restrictions().exists():
        return None
    data = _page_base(page, ctx, entry.kind)
    if data is None:
        return None
    for name, value in entry.build(page, ctx).items():
        setattr(data, name, value)
    data.__post_init__()
    return data


def _page_object(page_id: int) -> Page | None:
    page = Page.objects.filter(pk=page_id).first()
    return page.specific if page is not None else None


def public_pages(entry: PageKind, site: Site | None) -> QuerySet:
    """The live pages of one indexed type without view restrictions, of one site or of all."""
    pages = entry.model().objects.live().public()
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    if entry.select:
        pages = pages.select_related(*entry.select)
    if entry.prefetch:
        pages = pages.prefetch_related(*entry.prefetch)
    return pages.order_by("pk")


def _iter_pages(ctx: Context, site: Site | None) -> Iterator[tuple[str, DocumentData | None]]:
    for entry in PAGE_KINDS:
        for page in public_pages(entry, site).iterator(chunk_size=200):
            yield page_key(page.pk), page_document(page, ctx, checked_public=True)


def _count_pages(site: Site | None) -> int:
    return sum(public_pages(entry, site).count() for entry in PAGE_KINDS)


# --- letters ------------------------------------------------------------------------------------------


def _published_letters(site: Site | None) -> QuerySet:
    from huimin.letters.enums import State
    from huimin.letters.models import Letter

    letters = Letter.objects.filter(state=State.PUBLISHED, replied_at__isnull=False).exclude(reply="")
    if site is not None:
        letters = letters.filter(site=site)
    return letters.select_related("site").order_by("pk")


def _hide_writer(text: str, letter) -> str:
    """The text as the public listing shows it, with the writer's own contact details hidden even where
    the masking patterns would not recognise them."""
    from huimin.letters.masking import mask

    text = mask(text or "", names=(letter.contact_name,))
    digits = re.sub(r"\D", "", letter.contact_phone or "")
    if len(digits) >= 5:  # the writer's number, however it was spaced or hyphenated
        text = re.sub(PHONE_GAP.join(digits), lambda m: "*" * len(m.group(0)), text)
    email = (letter.contact_email or "").strip()
    if email:
        text = text.replace(email, "*" * len(email))
    return text


def letter_document(letter, ctx: Context) -> DocumentData | None:
    """A letter published with its reply (state 已公开, answer given): the question and the reply, masked.
    None for any other letter."""
    from huimin.letters.enums import Kind, State

    if letter.state != State.PUBLISHED or letter.replied_at is None or not (letter.reply or "").strip():
        return None
    site = ctx.site(letter.site_id)
    if site is None:
        return None
    url = f"{site.root_url}{reverse('letter_published')}#letter-{letter.pk}"
    return DocumentData(
        key=letter_key(letter.pk),
        kind=DocumentKind.LETTER,
        site_id=letter.site_id,
        unit_id=letter.reply_unit_id,
        title=_hide_writer(letter.title, letter),
        url=url,
        keywords=Kind(letter.kind).label if letter.kind in Kind.values else "",
        body=join(
            [
                f"留言内容：{_hide_writer(letter.content, letter)}",
                f"答复内容：{_hide_writer(letter.reply, letter)}",
            ]
        ),
        published_at=letter.published_at or letter.replied_at,
    )


def _letter_object(letter_id: int):
    from huimin.letters.models import Letter

    return Letter.objects.filter(pk=letter_id).first()


def _iter_letters(ctx: Context, site: Site | None) -> Iterator[tuple[str, DocumentData | None]]:
    for letter in _published_letters(site).iterator(chunk_size=200):
        yield letter_key(letter.pk), letter_document(letter, ctx)


# --- Q&A knowledge entries (答问知识库) -------------------------------------------------------------------

QA_PREFIX = "qa"


def qa_key(entry_id: int) -> str:
    return f"{QA_PREFIX}:{entry_id}"


def _published_entries(site: Site | None) -> QuerySet:
    """Published entries (their validity dates are checked per entry by `entry_document`)."""
    from .enums import KnowledgeStatus
    from .models import KnowledgeEntry

    entries = KnowledgeEntry.objects.filter(status=KnowledgeStatus.PUBLISHED)
    return (entries.filter(site=site) if site is not None else entries).order_by("pk")


def entry_document(entry, ctx: Context) -> DocumentData | None:
    """A published knowledge entry within its validity: the question as title, the answer as body, linking
    to the Q&A page asking that question. None for drafts, retired and expired entries."""
    from urllib.parse import quote

    from .qa import entry_usable

    if not entry_usable(entry, ctx.today):
        return None
    # An entry for the whole group links to the portal's Q&A page (`Context.default_site`).
    site = ctx.site(entry.site_id) if entry.site_id else ctx.default_site
    url = f"{reverse('qa')}?q={quote(entry.question)}"
    return DocumentData(
        key=qa_key(entry.pk),
        kind=DocumentKind.QA,
        site_id=entry.site_id,
        unit_id=entry.unit_id,
        title=entry.question,
        url=(site.root_url if site is not None else "") + url,
        body=entry.answer,
        published_at=entry.updated_at,
    )


def _entry_object(entry_id: int):
    from .models import KnowledgeEntry

    return KnowledgeEntry.objects.filter(pk=entry_id).first()


def _iter_entries(ctx: Context, site: Site | None) -> Iterator[tuple[str, DocumentData | None]]:
    for entry in _published_entries(site).iterator(chunk_size=200):
        yield qa_key(entry.pk), entry_document(entry, ctx)


# --- the registry -------------------------------------------------------------------------------------


@dataclass
class Source:
    """A kind of source: how to load one item by id, turn it into a document, list and count them all."""

    load: Callable[[int], Model | None]
    document: Callable[[Model, Context], DocumentData | None]
    iterate: Callable[[Context, Site | None], Iterator[tuple[str, DocumentData | None]]]
    count: Callable[[Site | None], int]
    kinds: tuple[str, ...] = field(default_factory=tuple)


SOURCES: dict[str, Source] = {
    PAGE_PREFIX: Source(
        _page_object,
        page_document,
        _iter_pages,
        _count_pages,
        kinds=tuple(entry.kind for entry in PAGE_KINDS),
    ),
    LETTER_PREFIX: Source(
        _letter_object,
        letter_document,
        _iter_letters,
        lambda site: _published_letters(site).count(),
        kinds=(DocumentKind.LETTER,),
    ),
    QA_PREFIX: Source(
        _entry_object,
        entry_document,
        _iter_entries,
        lambda site: _published_entries(site).count(),
        kinds=(DocumentKind.QA,),
    ),
}


def resolve(key: str, ctx: Context) -> DocumentData | None:
    """The current document of a key, from its source; None when the source is gone or must not be found."""
    parts = split_key(key)
    if parts is None:
        return None
    prefix, pk = parts
    source = SOURCES[prefix]
    item = source.load(pk)
    return source.document(item, ctx) if item is not None else None
