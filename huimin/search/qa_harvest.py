"""Harvesting knowledge entries for review (答问知识库): drafts made from published letters with their
replies and from service guides. Editors review and publish them; nothing harvested answers until then.

- A letter published with its reply (已公开): question = its title, answer = the reply, both masked as the
  public listing shows them (never the writer's name, phone or e-mail); source = the letter's public URL.
- A live, public service guide: “办理{事项}需要哪些材料？” → its materials; “办理{事项}的时限是多久？” →
  its promised (and legal) time limit; “在哪里办理{事项}？” → its place and online address.

Re-running makes nothing twice: an entry is keyed by origin and source — the letter ("letter:12") or the
guide's field ("page:34#materials", `GUIDE_SLOTS`) — so an entry an editor rewrote is still recognised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from . import services, sources
from .enums import KnowledgeOrigin


@dataclass
class HarvestCounts:
    created: int = 0
    existing: int = 0
    skipped: int = 0
    by_origin: dict[str, int] = field(default_factory=dict)


@dataclass
class Harvested:
    origin: str
    source_key: str
    question: str
    answer: str
    unit: object
    site: object
    links: list[dict]


def _letters(site) -> Iterator[Harvested | None]:
    ctx_letters = sources._published_letters(site).select_related("reply_unit", "unit")
    for letter in ctx_letters.iterator(chunk_size=200):
        unit = letter.reply_unit or letter.unit
        title = sources._hide_writer(letter.title, letter).strip()
        reply = sources._hide_writer(letter.reply, letter).strip()
        if unit is None or not title or not reply:
            yield None
            continue
        url = f"{letter.site.root_url}{sources.reverse('letter_published')}#letter-{letter.pk}"
        yield Harvested(
            KnowledgeOrigin.LETTER,
            sources.letter_key(letter.pk),
            title,
            reply,
            unit,
            letter.site,
            [{"title": f"网民留言：{title}", "url": url}],
        )


# The fields of a guide a harvested question is made from: part of the entry's source key.
GUIDE_SLOTS = ("materials", "time", "place")


def guide_questions(page) -> list[tuple[str, str, str]]:
    """(slot, question, answer) for each field of a guide that answers one (`GUIDE_SLOTS`); a field left
    empty gives no question."""
    name = page.title
    pairs = []
    materials = [m.name + (f"（{m.note}）" if m.note else "") for m in page.materials.all()]
    if materials:
        pairs.append(("materials", f"办理{name}需要哪些材料？", "办理材料：" + "；".join(materials) + "。"))
    days = []
    if page.promised_days is not None:
        days.append(f"承诺办结时限 {page.promised_days} 个工作日")
    if page.legal_days is not None:
        days.append(f"法定办结时限 {page.legal_days} 个工作日")
    if days:
        pairs.append(("time", f"办理{name}的时限是多久？", "，".join(days) + "。"))
    place = "".join(part for part in (page.address, page.floor, page.window) if part)
    where = []
    if place:
        where.append(f"办理地点：{place}")
    if page.online_url:
        where.append(f"在线办理：{page.online_url}")
    if where:
        pairs.append(("place", f"在哪里办理{name}？", "；".join(where) + "。"))
    return pairs


def _guides(site) -> Iterator[Harvested | None]:
    from huimin.guides.models import ServiceGuidePage

    pages = ServiceGuidePage.objects.live().public().select_related("unit").prefetch_related("materials")
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    for page in pages.order_by("pk").iterator(chunk_size=100):
        page_site = page.get_site()
        url = page.get_full_url()
        if page.unit is None or page_site is None or not url:
            yield None
            continue
        for slot, question, answer in guide_questions(page):
            yield Harvested(
                KnowledgeOrigin.GUIDE,
                f"{sources.page_key(page.pk)}#{slot}",
                question,
                answer,
                page.unit,
                page_site,
                [{"title": f"办事指南：{page.title}", "url": url}],
            )


def total(site) -> int:
    from huimin.guides.models import ServiceGuidePage

    pages = ServiceGuidePage.objects.live().public()
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    return sources._published_letters(site).count() + pages.count()


def harvest(*, site=None, now: datetime, progress: Callable[[int], None] | None = None) -> HarvestCounts:
    """Make the draft entries not yet harvested, for one site or all; `progress(n)` after each item."""
    counts = HarvestCounts()
    for items in (_letters(site), _guides(site)):
        for item in items:
            if progress:
                progress(1)
            if item is None:
                counts.skipped += 1
                continue
            _entry, created = services.harvest_entry(
                origin=item.origin,
                source_key=item.source_key,
                question=item.question,
                answer=item.answer,
                unit=item.unit,
                site=item.site,
                links=item.links,
                now=now,
            )
            if created:
                counts.created += 1
                counts.by_origin[item.origin] = counts.by_origin.get(item.origin, 0) + 1
            else:
                counts.existing += 1
    return counts
