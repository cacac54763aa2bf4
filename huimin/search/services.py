"""Every write of the search app goes through these functions: the editors' vocabulary (搜索词典 and 同义词)
first, then the index."""

# --- vocabulary ------------------------------------------------------------------------------------------
# Dictionary words and synonym groups editors manage in the admin. Each function checks the actor's model
# permission (superusers, or a group holding `huimin_search.<action>_searchword` / `_synonymgroup`;
# `actor=None` is the system), validates in Chinese, writes an audit entry and reloads this process's
# vocabulary; other processes pick the change up within `vocabulary.REFRESH_SECONDS`.

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from . import analysis, vocabulary
from .models import SearchWord, SynonymGroup

WORD_MIN_CHARS = 2
WORD_MAX_CHARS = vocabulary.WORD_MAX_CHARS
GROUP_MAX_WORDS = vocabulary.GROUP_MAX_WORDS
# A word is Chinese characters, Latin letters and digits only (after folding: lower case, half-width).
WORD_PATTERN = re.compile(r"^[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
WORDS_DENIED = "您没有管理搜索词典的权限。"
SYNONYMS_DENIED = "您没有管理同义词的权限。"


def _check_permission(actor, codename: str, message: str) -> None:
    if actor is None or actor.is_superuser:
        return
    if not (actor.is_active and actor.has_perm(f"huimin_search.{codename}")):
        raise PermissionDenied(message)


def _word_problem(word: str) -> str | None:
    """What is wrong with one (normalized) word, in Chinese, or None."""
    if not word:
        return "请填写词语。"
    if not WORD_MIN_CHARS <= len(word) <= WORD_MAX_CHARS:
        return f"“{word[:WORD_MAX_CHARS]}”须为 {WORD_MIN_CHARS} 至 {WORD_MAX_CHARS} 个字符。"
    if not WORD_PATTERN.match(word):
        return f"“{word}”只能包含汉字、英文字母和数字，不能有空格或标点符号。"
    if word in analysis.stop_words():
        return f"“{word}”是停用词，检索时会被忽略，不能加入。"
    return None


def _clean_word(text: str, *, exclude_pk=None) -> str:
    word = analysis.normalize(text or "")
    problem = _word_problem(word)
    if problem is None and SearchWord.objects.filter(word=word).exclude(pk=exclude_pk).exists():
        problem = f"搜索词典中已有“{word}”。"
    if problem:
        raise ValidationError({"word": problem})
    return word


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": "说明不能超过 200 个字符。"})
    return note


@transaction.atomic
def add_word(word: str, *, actor, note: str = "") -> SearchWord:
    """Add a word to segmentation (搜索词典), stored normalized (宿遷 → 宿迁). Existing documents are cut
    with it when they are next indexed (published again, or `huimin search-reindex`)."""
    _check_permission(actor, "add_searchword", WORDS_DENIED)
    entry = SearchWord.objects.create(word=_clean_word(word), note=_clean_note(note), created_by=actor)
    log(instance=entry, action="huimin_search.word_add", user=actor, data={"word": entry.word})
    vocabulary.refresh(force=True)
    return entry


@transaction.atomic
def edit_word(entry: SearchWord, word: str, *, actor, note: str = "") -> SearchWord:
    """Change a dictionary word or its note."""
    _check_permission(actor, "change_searchword", WORDS_DENIED)
    before = SearchWord.objects.filter(pk=entry.pk).values_list("word", flat=True).first()
    entry.word, entry.note = _clean_word(word, exclude_pk=entry.pk), _clean_note(note)
    entry.save()
    log(instance=entry, action="huimin_search.word_edit", user=actor, data={"from": before, "to": entry.word})
    vocabulary.refresh(force=True)
    return entry


@transaction.atomic
def delete_word(entry: SearchWord, *, actor) -> None:
    """Take a word out of segmentation."""
    _check_permission(actor, "delete_searchword", WORDS_DENIED)
    log(instance=entry, action="huimin_search.word_delete", user=actor, data={"word": entry.word})
    entry.delete()
    vocabulary.refresh(force=True)


def _clean_group(words_text: str) -> list[str]:
    words = vocabulary.split_group(words_text)
    problems = [problem for word in words if (problem := _word_problem(word))]
    if problems:
        raise ValidationError({"words": problems})
    if len(words) < 2:
        raise ValidationError({"words": "一组同义词至少需要两个不同的词语，用顿号、逗号或空格分隔。"})
    if len(words) > GROUP_MAX_WORDS:
        raise ValidationError({"words": f"一组同义词最多 {GROUP_MAX_WORDS} 个词语，请拆成几组。"})
    return words


@transaction.atomic
def save_synonym_group(group: SynonymGroup | None, words_text: str, *, actor, note: str = "") -> SynonymGroup:
    """Create (`group` None) or change a synonym group. The words are normalized, repeats dropped, and
    stored joined by 、; every word is also a dictionary word so a query keeps it whole."""
    creating = group is None or group.pk is None
    _check_permission(actor, "add_synonymgroup" if creating else "change_synonymgroup", SYNONYMS_DENIED)
    words = _clean_group(words_text)
    group = group if group is not None else SynonymGroup()
    group.words, group.note = "、".join(words), _clean_note(note)
    group.save()
    action = "huimin_search.synonyms_add" if creating else "huimin_search.synonyms_edit"
    log(instance=group, action=action, user=actor, data={"words": words})
    vocabulary.refresh(force=True)
    return group


@transaction.atomic
def delete_synonym_group(group: SynonymGroup, *, actor) -> None:
    _check_permission(actor, "delete_synonymgroup", SYNONYMS_DENIED)
    log(instance=group, action="huimin_search.synonyms_delete", user=actor, data={"words": group.words})
    group.delete()
    vocabulary.refresh(force=True)


# --- end of vocabulary -----------------------------------------------------------------------------------


# --- index -----------------------------------------------------------------------------------------------
# The documents of the search index. Sources (`sources.py`) say what a page or letter is as a document;
# these functions write it, or remove it when it must no longer be found, and keep the full-text engine
# (`backends.py`) in step in the same transaction. Publishing, unpublishing, deleting and moving queue
# `tasks.index_task` (see `signals.py`); `reindex` rebuilds everything, or one site.

from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime  # noqa: E402

from django.db.models import Q  # noqa: E402

from . import backends, sources  # noqa: E402
from .models import SearchDocument  # noqa: E402

REINDEX_BATCH = 200


def store_document(data: sources.DocumentData, *, now: datetime) -> SearchDocument:
    """Write a document as a source gave it (created or updated by key) and its full-text entry. The
    functions below call it; a source kept outside `sources.SOURCES` (e.g. curated Q&A entries) may too."""
    with transaction.atomic():
        document, _created = SearchDocument.objects.update_or_create(
            key=data.key, defaults={**data.fields(), "indexed_at": now}
        )
        backends.engine().write([document])
    return document


def remove(key: str) -> bool:
    """Take a document out of the index (and out of the engine); False when it was not there."""
    with transaction.atomic():
        ids = list(SearchDocument.objects.filter(key=key).values_list("pk", flat=True))
        if not ids:
            return False
        backends.engine().delete(ids)
        SearchDocument.objects.filter(pk__in=ids).delete()
    return True


def index_page(page, *, now: datetime) -> SearchDocument | None:
    """Write the document of a page as it is now, or remove it when the page must not be found (not
    live, behind a view restriction, outside every site, or not an indexed type)."""
    vocabulary.refresh()
    data = sources.page_document(page, sources.Context(now))
    if data is None:
        remove(sources.page_key(page.pk))
        return None
    return store_document(data, now=now)


def index_letter(letter, *, now: datetime) -> SearchDocument | None:
    """Write the document of a letter published with its reply, or remove it for any other letter."""
    vocabulary.refresh()
    data = sources.letter_document(letter, sources.Context(now))
    if data is None:
        remove(sources.letter_key(letter.pk))
        return None
    return store_document(data, now=now)


def refresh(key: str, *, now: datetime) -> SearchDocument | None:
    """Recompute the document of `key` from its source as it is now: written, or removed when the source
    is gone or must not be found. Safe to run late or twice."""
    vocabulary.refresh()
    data = sources.resolve(key, sources.Context(now))
    if data is None:
        remove(key)
        return None
    return store_document(data, now=now)


def index_tree(page, *, now: datetime) -> int:
    """Recompute the documents of a page and every page below it (after a move, a change of address or of
    view restrictions); returns how many were written."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    types = ContentType.objects.get_for_models(*sources.page_models()).values()
    pages = Page.objects.descendant_of(page, inclusive=True).filter(content_type__in=types)
    written = 0
    for pk in pages.values_list("pk", flat=True).iterator(chunk_size=500):
        written += refresh(sources.page_key(pk), now=now) is not None
    return written


@dataclass
class ReindexCounts:
    indexed: int = 0
    removed: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


def _write_batch(batch: list[sources.DocumentData], now: datetime, engine: backends.Engine) -> None:
    with transaction.atomic():
        existing = dict(
            SearchDocument.objects.filter(key__in=[d.key for d in batch]).values_list("key", "pk")
        )
        documents = []
        for data in batch:
            document = SearchDocument(key=data.key, indexed_at=now, **data.fields())
            document.pk = existing.get(data.key)
            documents.append(document)
        old = [doc for doc in documents if doc.pk]
        new = [doc for doc in documents if not doc.pk]
        if old:
            names = [f.name for f in SearchDocument._meta.concrete_fields if f.name not in ("id", "key")]
            SearchDocument.objects.bulk_update(old, names)
        if new:
            created = SearchDocument.objects.bulk_create(new)
            if any(doc.pk is None for doc in created):  # engines that do not return ids
                ids = dict(
                    SearchDocument.objects.filter(key__in=[d.key for d in new]).values_list("key", "pk")
                )
                for doc in new:
                    doc.pk = ids[doc.key]
        engine.write(documents)


def reindex(*, site=None, now: datetime, progress: Callable[[int, int], None] | None = None) -> ReindexCounts:
    """Rebuild the documents of every source, or of one site's pages and letters: each current item is
    written as it is now; documents whose source is gone or no longer public are removed. Documents of
    other kinds of source (keys with other prefixes) and, with `site`, other sites' documents are left
    alone. `progress(done, total)` is called as items are processed."""
    vocabulary.refresh(force=True)
    engine = backends.engine()
    ctx = sources.Context(now)
    counts = ReindexCounts()
    total = sum(source.count(site) for source in sources.SOURCES.values())
    done, seen, batch = 0, set(), []
    if progress:
        progress(0, total)
    for source in sources.SOURCES.values():
        for key, data in source.iterate(ctx, site):
            done += 1
            if data is not None:
                seen.add(key)
                batch.append(data)
                counts.kinds[data.kind] = counts.kinds.get(data.kind, 0) + 1
            if len(batch) >= REINDEX_BATCH:
                _write_batch(batch, now, engine)
                counts.indexed += len(batch)
                batch = []
                if progress:
                    progress(done, total)
    if batch:
        _write_batch(batch, now, engine)
        counts.indexed += len(batch)
    if progress:
        progress(done, total)

    managed = Q()
    for prefix in sources.SOURCES:
        managed |= Q(key__startswith=f"{prefix}:")
    # Written before this run began and not seen by it; documents a task wrote meanwhile are current.
    stale = SearchDocument.objects.filter(managed, indexed_at__lt=now)
    if site is not None:
        # Not seen under this site: gone, no longer public, or moved to another site; ask each source.
        for key in list(stale.filter(site=site).values_list("key", flat=True)):
            if key not in seen and refresh(key, now=now) is None:
                counts.removed += 1
    else:
        rows = stale.values_list("pk", "key").iterator(chunk_size=2000)
        stale_ids = [(pk, key) for pk, key in rows if key not in seen]
        for start in range(0, len(stale_ids), 500):
            chunk = [pk for pk, _key in stale_ids[start : start + 500]]
            with transaction.atomic():
                engine.delete(chunk)
                SearchDocument.objects.filter(pk__in=chunk).delete()
        counts.removed = len(stale_ids)
        engine.tidy()
    return counts


# --- queries and best bets -------------------------------------------------------------------------------
# The query log (every search from the results page and the API, personal data replaced by ＊ before it is
# stored) and the editors' best bets (推荐结果), whose changes check the actor's model permission
# (`huimin_search.add_bestbet` / `change_bestbet` / `delete_bestbet`) and are audited.

import hashlib  # noqa: E402
import hmac  # noqa: E402
from datetime import timedelta  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from django.conf import settings  # noqa: E402

from . import queries  # noqa: E402
from .models import BestBet, HotSearchBlock, SearchQueryLog  # noqa: E402

LOG_QUERY_MAX_CHARS = 200
BEST_BET_QUERY_MAX_CHARS = 100
BEST_BETS_DENIED = "您没有管理推荐结果的权限。"
SCRUB_MARK = "＊"
# Order matters: an ID number holds eleven digits that would look like a phone number. Either may be
# written in its usual groups (320123 19900101 1234; 139 1234 5678, 139-1234-5678).
PERSONAL_DATA = [
    re.compile(r"(?<!\d)\d{6}[\s-]?\d{8}[\s-]?\d{3}[\dXx](?!\d)"),
    re.compile(r"\d{17}[\dXx]"),
    re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"),
    re.compile(r"1[3-9]\d{9}"),  # also inside a longer run (8613912345678)
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
]


def scrub(text: str) -> str:
    """A query with phone numbers, ID numbers and e-mail addresses each replaced by ＊."""
    for pattern in PERSONAL_DATA:
        text = pattern.sub(SCRUB_MARK, text)
    return text


def normalize_query(text: str) -> str:
    """A query as the log and best bets keep it: folded like analysis folds it (宿遷 → 宿迁, full width,
    lower case, one space), personal data scrubbed."""
    return scrub(analysis.normalize(text or ""))


def visitor_key(client_ip: str) -> str:
    """Who asked, as the query log keeps it: a keyed hash of the client address (not reversible without
    the secret key; an empty address gives an empty key)."""
    if not client_ip:
        return ""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"search-visitor:{client_ip}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def log_search(
    query: str,
    *,
    site,
    results_count: int,
    kind: str = "",
    scope: str = "",
    visitor: str = "",
    now: datetime,
) -> SearchQueryLog | None:
    """Record one search (nothing for an empty query). A visitor's query counts once per period
    (ranking.json `hot.visitor_period_hours`): asking it again, or sixty times, records nothing more."""
    normalized = normalize_query(query)[:LOG_QUERY_MAX_CHARS]
    if not normalized.strip():
        return None
    if visitor:
        period = timedelta(hours=queries.ranking()["hot"]["visitor_period_hours"])
        seen = SearchQueryLog.objects.filter(
            site=site, query=normalized, visitor=visitor, at__gt=now - period
        )
        if seen.exists():
            return None
    return SearchQueryLog.objects.create(
        site=site,
        query=normalized,
        results_count=max(0, int(results_count)),
        kind=(kind or "")[:20],
        scope=(scope or "")[:10],
        visitor=visitor[:16],
        at=now,
    )


HOT_BLOCKS_DENIED = "您没有管理热门搜索屏蔽词的权限。"


@transaction.atomic
def save_hot_block(entry: HotSearchBlock | None, word: str, *, actor, note: str = "") -> HotSearchBlock:
    """Create (`entry` None) or change a 屏蔽词, folded as queries are (宿遷 = 宿迁) to match the log."""
    creating = entry is None
    _check_permission(actor, "add_hotsearchblock" if creating else "change_hotsearchblock", HOT_BLOCKS_DENIED)
    folded = analysis.normalize(word or "").strip()
    if not folded:
        raise ValidationError({"word": "请填写屏蔽词。"})
    if len(folded) > 50:
        raise ValidationError({"word": "屏蔽词不超过 50 个字符。"})
    if HotSearchBlock.objects.filter(word=folded).exclude(pk=getattr(entry, "pk", None)).exists():
        raise ValidationError({"word": f"屏蔽词“{folded}”已存在。"})
    entry = entry or HotSearchBlock(created_by=actor)
    entry.word, entry.note = folded, _clean_note(note)
    entry.save()
    action = "huimin_search.hot_block_add" if creating else "huimin_search.hot_block_edit"
    log(instance=entry, action=action, user=actor, data={"word": entry.word})
    return entry


@transaction.atomic
def delete_hot_block(entry: HotSearchBlock, *, actor) -> None:
    _check_permission(actor, "delete_hotsearchblock", HOT_BLOCKS_DENIED)
    log(instance=entry, action="huimin_search.hot_block_delete", user=actor, data={"word": entry.word})
    entry.delete()


def _clean_best_bet(query: str, page, url: str, title: str) -> tuple[str, str, str]:
    errors = {}
    normalized = normalize_query(query)
    if not normalized:
        errors["query"] = "请填写检索词。"
    elif len(normalized) > BEST_BET_QUERY_MAX_CHARS:
        errors["query"] = f"检索词不能超过 {BEST_BET_QUERY_MAX_CHARS} 个字符。"
    url = (url or "").strip()
    if page is None and not url:
        errors["url"] = "请选择页面或填写地址。"
    elif url:
        parts = urlsplit(url)
        if not (url.startswith("/") and not url.startswith("//")) and not (
            parts.scheme in ("http", "https") and parts.netloc
        ):
            errors["url"] = "地址须以 / 开头（本站地址），或是以 http:// 或 https:// 开头的完整地址。"
    title = (title or "").strip()
    if page is None and url and not title:
        errors["title"] = "填写地址时请同时填写标题。"
    if errors:
        raise ValidationError(errors)
    return normalized, url, title


@transaction.atomic
def save_best_bet(
    bet: BestBet | None,
    *,
    actor,
    query: str,
    site=None,
    page=None,
    url: str = "",
    title: str = "",
    description: str = "",
    sort_order: int = 0,
    active: bool = True,
) -> BestBet:
    """Create (`bet` None) or change a best bet: shown first, labelled 推荐, for this normalized query on
    `site` (or on every site when None). Needs a page or an address (local `/…` or http(s))."""
    creating = bet is None or bet.pk is None
    _check_permission(actor, "add_bestbet" if creating else "change_bestbet", BEST_BETS_DENIED)
    normalized, url, title = _clean_best_bet(query, page, url, title)
    bet = bet if bet is not None else BestBet()
    bet.query, bet.site, bet.page, bet.url, bet.title = normalized, site, page, url, title
    bet.description = (description or "").strip()[:300]
    bet.sort_order, bet.active = int(sort_order or 0), bool(active)
    bet.save()
    action = "huimin_search.best_bet_add" if creating else "huimin_search.best_bet_edit"
    data = {"query": normalized, "url": bet.url, "page": bet.page_id}
    log(instance=bet, action=action, user=actor, data=data)
    return bet


@transaction.atomic
def delete_best_bet(bet: BestBet, *, actor) -> None:
    _check_permission(actor, "delete_bestbet", BEST_BETS_DENIED)
    log(instance=bet, action="huimin_search.best_bet_delete", user=actor, data={"query": bet.query})
    bet.delete()


# --- end of queries and best bets ------------------------------------------------------------------------


# --- knowledge base --------------------------------------------------------------------------------------
# The Q&A knowledge base (答问知识库). Entries follow the pages' rule: staff edit their own units' entries
# (a `Membership` in the entry's unit) for a site they hold a role on; publishing needs a reviewing role
# on that site (单位审核人 or 站点管理员); entries for the whole group (no site) are written by platform
# roles only. Superusers and platform administrators write anything; `actor=None` is the system (harvest
# command, demo builder).
# Each write is audited and keeps the entry's document (kind `qa`, key `qa:<id>`) in the index in step:
# written while the entry is published and valid, removed otherwise.

from huimin.sites.enums import SITE_ROLES, Role  # noqa: E402
from huimin.sites.models import Membership, OrgUnit  # noqa: E402

from .enums import KnowledgeOrigin, KnowledgeStatus  # noqa: E402
from .models import KnowledgeEntry  # noqa: E402

KNOWLEDGE_DENIED = "您只能管理本单位的答问知识。"
KNOWLEDGE_SITE_DENIED = "您只能为本人有角色的站点编写答问知识；适用于整个网站群的条目只能由平台管理员编写。"
KNOWLEDGE_PUBLISH_DENIED = (
    "发布答问知识须经本站审核：请将状态设为“草稿（待审核）”保存，由本站的单位审核人或站点管理员发布。"
)
KNOWLEDGE_REVIEW_ROLES = frozenset({Role.UNIT_LEADER, Role.SITE_ADMIN})
ENTRY_FIELDS = ("question", "answer", "unit", "site", "valid_from", "valid_until", "status", "source_links")
MAX_SOURCE_LINKS = 10


def knowledge_units(actor) -> list[int] | None:
    """The units whose entries `actor` may edit: None for all (superusers and the system)."""
    if actor is None or actor.is_superuser:
        return None
    if not actor.is_active:
        return []
    # Site roles only: the security administrator and auditor have a unit too, and edit nothing (0013).
    memberships = Membership.objects.filter(user=actor, role__in=SITE_ROLES)
    return list(memberships.values_list("org_unit_id", flat=True).distinct())


def entries_for(actor):
    """The entries `actor` may see and edit in the admin."""
    units = knowledge_units(actor)
    entries = KnowledgeEntry.objects.select_related("unit", "site")
    return entries if units is None else entries.filter(unit_id__in=units)


def _check_unit(actor, unit_id) -> None:
    units = knowledge_units(actor)
    if units is not None and unit_id not in units:
        raise PermissionDenied(KNOWLEDGE_DENIED)


def knowledge_sites(actor) -> list[int] | None:
    """The sites `actor` may write entries for: None for every site and the whole group (superusers,
    platform administrators and the system)."""
    if actor is None or actor.is_superuser:
        return None
    memberships = Membership.objects.filter(user=actor)
    if memberships.filter(role=Role.PLATFORM_ADMIN).exists():
        return None
    return list(memberships.exclude(site=None).values_list("site_id", flat=True).distinct())


def _check_site(actor, entry: KnowledgeEntry) -> None:
    """The entry's site must be one of the actor's, and a published entry needs a reviewing role there."""
    if knowledge_sites(actor) is None:
        return
    roles = set()
    if entry.site_id is not None:
        roles = set(
            Membership.objects.filter(user=actor, site_id=entry.site_id).values_list("role", flat=True)
        )
    if not roles:
        raise PermissionDenied(KNOWLEDGE_SITE_DENIED)
    if entry.status == KnowledgeStatus.PUBLISHED and not roles & KNOWLEDGE_REVIEW_ROLES:
        raise PermissionDenied(KNOWLEDGE_PUBLISH_DENIED)


def clean_source_links(value) -> list[dict]:
    """A list of {"title", "url"}: http(s) addresses or paths on this site, at most `MAX_SOURCE_LINKS`."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError({"source_links": "来源链接须为列表，每项包含 title（标题）和 url（地址）。"})
    if len(value) > MAX_SOURCE_LINKS:
        raise ValidationError({"source_links": f"来源链接最多 {MAX_SOURCE_LINKS} 个。"})
    links = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise ValidationError({"source_links": "每个来源链接须包含 url（地址），可以有 title（标题）。"})
        url = item["url"].strip()
        parts = urlsplit(url)
        local = url.startswith("/") and not url.startswith("//")
        if not (local or (parts.scheme in ("http", "https") and parts.netloc)) or len(url) > 1000:
            problem = f"来源地址“{url[:100]}”无效：须以 http://、https:// 或 / 开头。"
            raise ValidationError({"source_links": problem})
        title = str(item.get("title") or "").strip()[:200] or url
        links.append({"title": title, "url": url})
    return links


def _clean_entry(entry: KnowledgeEntry) -> None:
    entry.question = " ".join((entry.question or "").split())
    entry.answer = (entry.answer or "").strip()
    errors = {}
    if not entry.question:
        errors["question"] = "请填写问题。"
    elif len(entry.question) > 200:
        errors["question"] = "问题不能超过 200 个字。"
    if not entry.answer:
        errors["answer"] = "请填写答案。"
    elif len(entry.answer) > 2000:
        errors["answer"] = "答案不能超过 2000 个字，请精简，或在来源链接中给出原文。"
    if entry.valid_from and entry.valid_until and entry.valid_until <= entry.valid_from:
        errors["valid_until"] = "失效日期须晚于生效日期。"
    if entry.status not in KnowledgeStatus.values:
        errors["status"] = "请选择状态。"
    if not entry.unit_id:
        errors["unit"] = "请选择所属单位。"
    if errors:
        raise ValidationError(errors)
    entry.source_links = clean_source_links(entry.source_links)


def index_entry(entry: KnowledgeEntry, *, now: datetime) -> SearchDocument | None:
    """Write the index document of an entry, or remove it when the entry must not be found."""
    data = sources.entry_document(entry, sources.Context(now))
    if data is None:
        remove(sources.qa_key(entry.pk))
        return None
    return store_document(data, now=now)


@transaction.atomic
def save_entry(entry: KnowledgeEntry | None, *, actor, now: datetime, **values) -> KnowledgeEntry:
    """Create (`entry` None) or change a knowledge entry with the given field values (`ENTRY_FIELDS`). The
    actor must belong to the entry's unit before and after the change, hold a role on its site, and a
    reviewing role there to leave it published (so an edit of a published answer is reviewed again)."""
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    creating = entry is None or entry.pk is None
    entry = entry if entry is not None else KnowledgeEntry()
    if not creating:
        before = KnowledgeEntry.objects.filter(pk=entry.pk).values_list("unit_id", "status").first()
        if before is None:
            raise ValidationError("该条目已不存在。")
        _check_unit(actor, before[0])
    else:
        before = None
    for name, value in values.items():
        setattr(entry, name, value)
    if isinstance(entry.unit_id, OrgUnit):  # tolerate a unit given by instance
        entry.unit = entry.unit_id
    _check_unit(actor, entry.unit_id)
    _check_site(actor, entry)
    _clean_entry(entry)
    if creating:
        entry.created_by = actor
    entry.updated_by = actor
    entry.save()
    retiring = entry.status == KnowledgeStatus.RETIRED and before is not None and before[1] != entry.status
    action = "qa_add" if creating else ("qa_retire" if retiring else "qa_edit")
    data = {"question": entry.question, "status": entry.status}
    log(instance=entry, action=f"huimin_search.{action}", user=actor, data=data)
    index_entry(entry, now=now)
    return entry


@transaction.atomic
def retire_entry(entry: KnowledgeEntry, *, actor, now: datetime) -> KnowledgeEntry:
    """Stop using an entry (已停用): it no longer answers and leaves the index; it stays for the record."""
    _check_unit(actor, KnowledgeEntry.objects.filter(pk=entry.pk).values_list("unit_id", flat=True).first())
    entry.status = KnowledgeStatus.RETIRED
    _check_site(actor, entry)
    entry.updated_by = actor
    entry.save(update_fields=["status", "updated_by", "updated_at"])
    log(instance=entry, action="huimin_search.qa_retire", user=actor, data={"question": entry.question})
    index_entry(entry, now=now)
    return entry


@transaction.atomic
def harvest_entry(
    *, origin: str, source_key: str, question: str, answer: str, unit, site, links, now: datetime
) -> tuple[KnowledgeEntry, bool]:
    """A draft entry harvested for review, once per (origin, source): (entry, created). An entry already
    harvested is left as editors made it, its question rewritten or not."""
    if origin not in KnowledgeOrigin.values or origin == KnowledgeOrigin.MANUAL or not source_key:
        raise ValueError("a harvested entry needs a harvest origin and a source key")
    question = " ".join(question.split())[:200]
    existing = KnowledgeEntry.objects.filter(origin=origin, source_key=source_key).first()
    if existing is not None:
        return existing, False
    entry = KnowledgeEntry(
        question=question,
        answer=answer.strip()[:2000],
        unit=unit,
        site=site,
        status=KnowledgeStatus.DRAFT,
        origin=origin,
        source_key=source_key,
        source_links=links,
    )
    _clean_entry(entry)
    entry.save()
    log(instance=entry, action="huimin_search.qa_harvest", user=None, data={"source": source_key})
    return entry, True


@transaction.atomic
def add_adopted_entry(
    *, question: str, answer: str, unit, site, source_key: str, actor, now: datetime
) -> KnowledgeEntry:
    """A draft entry (草稿，待审核) for an answer another service adopted for a site: the portal
    office's 采用 of a unit's 答复口径 (`huimin.assessment.services.submissions.adopt`), which has checked
    that `actor` may adopt it; `save_entry`'s unit check does not apply (the adopter need not belong to
    the entry's unit). The entry waits for the site's reviewers like any draft; one per `source_key`
    ("submission:12")."""
    if not source_key:
        raise ValueError("an adopted entry needs a source key")
    existing = KnowledgeEntry.objects.filter(origin=KnowledgeOrigin.MANUAL, source_key=source_key).first()
    if existing is not None:
        return existing
    entry = KnowledgeEntry(
        question=question,
        answer=answer,
        unit=unit,
        site=site,
        status=KnowledgeStatus.DRAFT,
        origin=KnowledgeOrigin.MANUAL,
        source_key=source_key,
    )
    _clean_entry(entry)
    entry.created_by = entry.updated_by = actor
    entry.save()
    data = {"question": entry.question, "status": entry.status, "source": source_key}
    log(instance=entry, action="huimin_search.qa_add", user=actor, data=data)
    index_entry(entry, now=now)
    return entry


# --- end of knowledge base -------------------------------------------------------------------------------
