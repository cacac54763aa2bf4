"""Reads of the search index. The full-text SQL of each engine is in `backends.py`; this is the door the
results page, the API and Q&A read through.

    match(vocabulary.analyze("适老化"), site_id=3, kinds=("policy",), mode="all", limit=20)
        -> (total, [(document id, score), …])
    facet_counts(vocabulary.analyze("适老化"), site_id=3)
        -> {"kind": {"policy": 4, …}, "site": {3: 4}, "unit": {…}, "topic": {…}, "year": {2026: 4}}
"""

from __future__ import annotations

from . import backends
from .analysis import QueryAnalysis


def _filters(site_id, kinds, unit_id, topic, year, with_group=False) -> backends.Filters:
    return backends.Filters(
        site_id=site_id,
        kinds=tuple(kinds or ()),
        unit_id=unit_id,
        topic=topic or "",
        year=year,
        with_group=with_group,
    )


def match(
    analysis: QueryAnalysis,
    *,
    site_id: int | None = None,
    kinds=(),
    unit_id: int | None = None,
    topic: str = "",
    year: int | None = None,
    mode: str = "all",
    limit: int = 20,
    offset: int = 0,
    total: int | None = None,
    with_group: bool = False,
) -> tuple[int, list[tuple[int, float]]]:
    """The documents matching an analysed query under the filters: (total, [(document id, score)]),
    best first. `mode` "all" needs every term (or the pinyin of the run it came from), "any" one. `total`:
    the count of an earlier call with the same query, filters and mode, so it is not counted again. Above
    `tier_above` matches (data/ranking.json), title and keyword matches rank first (`Engine.match`).
    `with_group`: with `site_id`, the whole group's documents (no site) too."""
    filters = _filters(site_id, kinds, unit_id, topic, year, with_group)
    config = ranking()
    return backends.engine().match(
        analysis,
        filters,
        mode=mode,
        limit=limit,
        offset=offset,
        total=total,
        tier_above=config["tier_above"],
        rest_scored=config["rest_scored"],
    )


def best(
    analysis: QueryAnalysis,
    *,
    site_id: int | None = None,
    kinds=(),
    mode: str = "all",
    limit: int = 20,
    titles_first: bool = False,
) -> list[tuple[int, float]]:
    """The `limit` best documents matching an analysed query, [(document id, score)], best first, without
    counting them all (Q&A's candidates); `titles_first`: title and keyword matches first (`Engine.best`)."""
    filters = _filters(site_id, kinds, None, "", None)
    return backends.engine().best(analysis, filters, mode=mode, limit=limit, titles_first=titles_first)


def reading_candidates():
    """A context for a run of `best` and `exists` reads (Q&A's candidates): on PostgreSQL they are asked of
    the full-text index, not of a scan of every row (`PostgresEngine.reading_candidates`)."""
    return backends.engine().reading_candidates()


def exists(analysis: QueryAnalysis, *, mode: str = "all") -> bool:
    """Whether any indexed document matches the query."""
    return backends.engine().exists(analysis, mode=mode)


def facet_counts(
    analysis: QueryAnalysis,
    *,
    site_id: int | None = None,
    kinds=(),
    unit_id: int | None = None,
    topic: str = "",
    year: int | None = None,
    mode: str = "all",
    with_group: bool = False,
) -> dict[str, dict]:
    """Per facet (kind, site, unit, topic, year): value → number of matching documents under every
    other filter (a facet's own choice does not narrow its own counts)."""
    filters = _filters(site_id, kinds, unit_id, topic, year, with_group)
    return backends.engine().facet_counts(analysis, filters, mode=mode)


def facets_and_total(
    analysis: QueryAnalysis,
    *,
    site_id: int | None = None,
    kinds=(),
    unit_id: int | None = None,
    topic: str = "",
    year: int | None = None,
    mode: str = "all",
    with_group: bool = False,
) -> tuple[int, dict[str, dict]]:
    """(the count `match` would give, the counts of `facet_counts`) from one grouped pass over the matches:
    what the results page needs before ranking."""
    filters = _filters(site_id, kinds, unit_id, topic, year, with_group)
    return backends.engine().facets_and_total(analysis, filters, mode=mode)


# --- the results page, suggestions, related content, hot searches -------------------------------------
# search() re-ranks the engine's best (`match`) with the factors of data/ranking.json, adds best bets,
# facets, highlighted snippets and a did-you-mean; suggest() completes what is being typed; related() finds
# what shares a page's title words; hot_searches() reads the query log.

import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import unicodedata  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from functools import lru_cache  # noqa: E402
from pathlib import Path  # noqa: E402

from django.core.cache import cache  # noqa: E402
from django.db.models import Count, F, Max, Q  # noqa: E402
from django.utils.html import escape  # noqa: E402
from django.utils.safestring import SafeString, mark_safe  # noqa: E402

from . import analysis, vocabulary  # noqa: E402
from .enums import DocumentKind, Validity  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SCOPES = ("site", "group")
SORTS = ("relevance", "date")
MAX_PAGE_SIZE = 50
SNIPPET_CHARS = 120
SUGGEST_LIMIT = 8
RELATED_LIMIT = 5
RELATED_CACHE_SECONDS = 6 * 60 * 60
VOCABULARY_CACHE_SECONDS = 10 * 60
# What a hot search must not show: scrubbed, or personal-looking (seven digits or more, grouped or not).
PERSONAL = re.compile(r"＊|\d(?:[\s-]?\d){6,}|@")


@lru_cache(maxsize=1)
def ranking() -> dict:
    """The ranking factors of data/ranking.json, checked once."""
    data = json.loads((DATA / "ranking.json").read_text(encoding="utf-8"))
    fresh = data["freshness"]
    if not (0 <= fresh["weight"] <= 1 and fresh["half_life_days"] > 0 and 0 < fresh["undated"] <= 1):
        raise ValueError(
            "ranking.json: freshness needs 0 <= weight <= 1, half_life_days > 0, 0 < undated <= 1"
        )
    for value in Validity.values:
        if value not in data["validity"] or not 0 < data["validity"][value] <= 1:
            raise ValueError(f"ranking.json: validity factor for {value!r} missing or not in (0, 1]")
    for kind, factor in data["kind"].items():
        if kind not in DocumentKind.values or not 0 < factor <= 2:
            raise ValueError(f"ranking.json: kind factor for {kind!r} must name a kind and be in (0, 2]")
    for key in ("candidates", "date_sort_max", "did_you_mean_below", "tier_above", "rest_scored"):
        if int(data[key]) < 1:
            raise ValueError(f"ranking.json: {key} must be a positive number")
    hot = data["hot"]
    if not all(int(hot[key]) >= 1 for key in ("days", "limit", "min_visitors", "visitor_period_hours")):
        raise ValueError("ranking.json: hot days, limit, min_visitors and visitor_period_hours must be >= 1")
    return data


def freshness(published_at: datetime | None, now: datetime) -> float:
    fresh = ranking()["freshness"]
    if published_at is None:
        return fresh["undated"]
    age_days = max(0.0, (now - published_at).total_seconds() / 86400)
    return 1 - fresh["weight"] + fresh["weight"] * 0.5 ** (age_days / fresh["half_life_days"])


def validity_factor(validity: str) -> float:
    return ranking()["validity"].get(validity or "", 1.0)


def kind_factor(kind: str) -> float:
    return ranking()["kind"].get(kind or "", 1.0)


# --- snippets ---


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    """The text folded as analysis folds it (NFKC, traditional → simplified, lower case), with, for each
    folded character, the index of the original character it came from."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for out in unicodedata.normalize("NFKC", char):
            folded.append(out)
            origin.append(index)
    joined = "".join(folded)
    if analysis.CJK.search(joined):
        converted = analysis._converter().convert(joined)
        if len(converted) == len(joined):
            joined = converted
        else:  # a phrase conversion changed the length: convert character by character
            joined = "".join(c if len(c := analysis._converter().convert(ch)) == 1 else ch for ch in joined)
    lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in joined)
    return lowered, origin


def _hits(folded: str, words: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of the words in the folded text, longer words first."""
    taken = [False] * len(folded)
    spans = []
    for word in sorted({w for w in words if w}, key=len, reverse=True):
        start = folded.find(word)
        while start != -1:
            end = start + len(word)
            if not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = folded.find(word, end)
    return sorted(spans)


def highlight(text: str, words: list[str], *, length: int | None = SNIPPET_CHARS) -> SafeString:
    """A window of `text` around the densest run of `words`, every word marked with <mark>; everything
    else escaped. Matching is on a folded copy (宿遷 in the text is marked for the word 宿迁) mapped back to
    the text as stored."""
    text = " ".join((text or "").split())
    if not text:
        return mark_safe("")
    folded, origin = _normalized_with_map(text)
    spans: list[tuple[int, int]] = []
    for s, e in _hits(folded, words):
        s, e = origin[s], origin[e - 1] + 1
        if spans and spans[-1][1] == s:  # adjacent words make one mark
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    start = 0
    if length is None:  # the whole text (titles)
        length = len(text)
    elif spans:
        # The window starting at a mark that holds the most marks (spans are in order: one pass).
        best, best_count, following = spans[0][0], 0, 0
        for index, (first, _end) in enumerate(spans):
            following = max(following, index)
            while following < len(spans) and spans[following][0] < first + length:
                following += 1
            if following - index > best_count:
                best, best_count = first, following - index
        start = max(0, best - length // 4)
    end = min(len(text), start + length)
    out = ["…" if start > 0 else ""]
    position = start
    for s, e in spans:
        if s < start or e > end or s < position:
            continue
        out.append(escape(text[position:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        position = e
    out.append(escape(text[position:end]))
    out.append("…" if end < len(text) else "")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def snippet_for(document, words: list[str]) -> SafeString:
    """The summary when it holds a query word, else the body around the words, else the summary's start."""
    for text in (document.summary, document.body):
        if text and _hits(_normalized_with_map(text[:20_000])[0], words):
            return highlight(text[:20_000], words)
    return highlight(document.summary or document.body[:1000], words)


# --- results ---


@dataclass
class Result:
    document: object
    score: float
    snippet: SafeString
    title: SafeString
    kind_label: str
    site_name: str
    unit_name: str
    validity_label: str  # 已废止 / 已失效, else empty


@dataclass
class BestBetResult:
    title: str
    url: str
    description: str


@dataclass
class SearchResults:
    query: str
    normalized: str = ""
    results: list[Result] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 10
    facets: dict[str, list] = field(default_factory=dict)
    did_you_mean: str = ""
    best_bets: list[BestBetResult] = field(default_factory=list)
    partial: bool = False  # nothing matched every word: these match some of them
    empty_query: bool = False
    # The re-ranked best matches of every word over the whole group, unfiltered, [(document id, kind)] best
    # first (empty when the page is narrowed to a site or by a facet, is past them, is sorted by date, or only
    # some words matched): what the answer card reads (`qa.card_answer`) instead of ranking them again.
    ranked: list[tuple[int, str]] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size)) if self.total else 1


def _site_names() -> dict[int, str]:
    from wagtail.models import Site

    from huimin.sites.models import SiteIdentity

    names = {site.pk: site.site_name or site.hostname for site in Site.objects.all()}
    for identity in SiteIdentity.objects.all():
        if identity.site_id in names and identity.site_name:
            names[identity.site_id] = identity.site_name
    return names


def _unit_names(ids) -> dict[int, str]:
    from huimin.sites.models import OrgUnit

    return dict(OrgUnit.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))


def best_bets(normalized: str, site) -> list[BestBetResult]:
    """The active best bets of a normalized query for this site and for the whole group, in their order."""
    from .models import BestBet

    if not normalized:
        return []
    bets = (
        BestBet.objects.filter(active=True, query=normalized)
        .filter(Q(site=site) | Q(site__isnull=True))
        .select_related("page")
        .order_by("sort_order", "pk")
    )
    results = []
    for bet in bets:
        if bet.page_id and not bet.page.live:
            continue
        url = bet.target_url
        if url:
            results.append(BestBetResult(bet.display_title, url, bet.description))
    return results


def _facet_options(counts: dict, selected, labels: dict) -> list:
    from huimin.core.facets import FacetOption

    options = [
        FacetOption(str(value), labels.get(value, str(value)), count, str(value) == str(selected or ""))
        for value, count in counts.items()
    ]
    return sorted(options, key=lambda option: (-option.count, option.label))


def _facets(counts: dict, *, kind, site_filter, unit, topic, year, site_names) -> dict[str, list]:
    years = sorted(counts["year"].items(), key=lambda item: -item[0])
    from huimin.core.facets import FacetOption

    return {
        "type": _facet_options(counts["kind"], kind, dict(DocumentKind.choices)),
        "site": _facet_options(counts["site"], site_filter, site_names),
        "unit": _facet_options(counts["unit"], unit, _unit_names(counts["unit"])),
        "topic": _facet_options(counts["topic"], topic, {}),
        "year": [
            FacetOption(str(value), f"{value}年", count, str(value) == str(year or ""))
            for value, count in years
        ],
    }


def search(
    query: str,
    *,
    site,
    scope: str = "site",
    kind: str | None = None,
    unit: int | None = None,
    topic: str | None = None,
    year: int | None = None,
    site_filter: int | None = None,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = 10,
    now: datetime,
) -> SearchResults:
    """One page of results of a query on `site` (scope "site") or the whole group (scope "group", where
    `site_filter` may pick one site), re-ranked by freshness and validity, with best bets (first page only),
    facets and, when few results came, a did-you-mean. Never raises for what a visitor types."""
    from .models import SearchDocument

    scope = scope if scope in SCOPES else "site"
    sort = sort if sort in SORTS else "relevance"
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    page = max(1, int(page))
    kind = kind if kind in DocumentKind.values else None
    analysed = vocabulary.analyze(query or "")
    out = SearchResults(query=analysed.raw, normalized=analysed.normalized, page=page, page_size=page_size)
    if analysed.empty:
        out.empty_query = True
        return out
    site_id = (site.pk if site else None) if scope == "site" else site_filter
    filters = {
        "site_id": site_id,
        "kinds": (kind,) if kind else (),
        "unit_id": unit,
        "topic": topic or "",
        "year": year,
        "with_group": scope == "site",  # a site shows the whole group's documents (knowledge entries) too
    }
    # One grouped pass counts the matches and their facets; "any" when nothing matches every word.
    mode = "all"
    total, counts = facets_and_total(analysed, mode="all", **filters)
    if not total and len(analysed.terms) > 1:
        any_total, any_counts = facets_and_total(analysed, mode="any", **filters)
        if any_total:
            mode, total, counts, out.partial = "any", any_total, any_counts, True
    out.total = total
    config = ranking()
    offset = (page - 1) * page_size
    rows: list[tuple[int, float]] = []
    if total and sort == "date":
        _t, matched = match(analysed, mode=mode, limit=config["date_sort_max"], total=total, **filters)
        scores = dict(matched)
        ordered = list(
            SearchDocument.objects.filter(pk__in=scores)
            .order_by(F("published_at").desc(nulls_last=True), "-pk")
            .values_list("pk", flat=True)[offset : offset + page_size]
        )
        rows = [(pk, scores[pk]) for pk in ordered]
    elif total and offset + page_size <= config["candidates"]:
        _t, matched = match(analysed, mode=mode, limit=config["candidates"], total=total, **filters)
        facts = {
            pk: (published_at, validity, kind)
            for pk, published_at, validity, kind in SearchDocument.objects.filter(
                pk__in=[pk for pk, _s in matched]
            ).values_list("pk", "published_at", "validity", "kind")
        }
        ranked = sorted(
            (
                (
                    pk,
                    score
                    * freshness(facts[pk][0], now)
                    * validity_factor(facts[pk][1])
                    * kind_factor(facts[pk][2]),
                )
                for pk, score in matched
                if pk in facts
            ),
            key=lambda row: -row[1],
        )
        rows = ranked[offset : offset + page_size]
        if mode == "all" and not any(filters.values()):
            out.ranked = [(pk, facts[pk][2]) for pk, _score in ranked]
    elif total:
        _t, rows = match(analysed, mode=mode, limit=page_size, offset=offset, total=total, **filters)
    documents = SearchDocument.objects.in_bulk([pk for pk, _s in rows])
    site_names = _site_names()
    units = _unit_names({doc.unit_id for doc in documents.values()})
    words = analysed.all_words()
    kinds = dict(DocumentKind.choices)
    for pk, score in rows:
        doc = documents.get(pk)
        if doc is None:
            continue
        label = doc.get_validity_display() if doc.validity in (Validity.REPEALED, Validity.EXPIRED) else ""
        out.results.append(
            Result(
                document=doc,
                score=round(score, 6),
                snippet=snippet_for(doc, words),
                title=highlight(doc.title, words, length=None),
                kind_label=kinds.get(doc.kind, doc.kind),
                site_name=site_names.get(doc.site_id, ""),
                unit_name=units.get(doc.unit_id, ""),
                validity_label=label,
            )
        )
    out.facets = _facets(
        counts, kind=kind, site_filter=site_filter, unit=unit, topic=topic, year=year, site_names=site_names
    )
    if page == 1:
        out.best_bets = best_bets(analysed.normalized, site)
    # Offered when few came, or when the corrected query finds at least as many (适老花 → 适老化).
    enough = 1 if total < config["did_you_mean_below"] or out.partial else total
    out.did_you_mean = did_you_mean(analysed, site_id=site_id, with_group=scope == "site", at_least=enough)
    return out


# --- did you mean ---


@dataclass
class _Vocabulary:
    words: dict[str, int]  # word of titles and keywords → how many documents
    by_pinyin: dict[str, str]  # full pinyin → the most frequent word with it
    by_pattern: dict[str, list[str]]  # word with one character replaced by "?" → words


# The vocabulary this process read last, with its cache key: a city's index holds tens of thousands of title
# words, and unpickling them from the cache on every results page costs tens of milliseconds (30,000 words:
# 3 MB, 95 ms).
_vocabulary_held: dict[str, _Vocabulary] = {}


def index_vocabulary() -> _Vocabulary:
    """The words of the index's titles and keywords, cached while the index does not change (kept in the
    process too, under the same key and while the cache holds it, so that a process unpickles them from the
    cache only when the index changed)."""
    from .models import SearchDocument

    # Two queries, each answered from an index (one aggregate of both would read every row).
    newest = SearchDocument.objects.aggregate(newest=Max("indexed_at"))["newest"]
    key = f"search:vocabulary:{SearchDocument.objects.count()}:{newest.timestamp() if newest else 0}"
    held = _vocabulary_held.get(key)
    if held is not None and cache.has_key(key):  # kept while the shared cache keeps it (a cheap check)
        return held
    cached = cache.get(key)
    if cached is not None:
        _vocabulary_held.clear()
        _vocabulary_held[key] = cached
        return cached
    words: dict[str, int] = {}
    for title, keywords in SearchDocument.objects.values_list("title_tokens", "keyword_tokens").iterator():
        for word in set(f"{title} {keywords}".split()):
            if len(word) >= 2 and analysis.CJK.search(word):
                words[word] = words.get(word, 0) + 1
    by_pinyin: dict[str, str] = {}
    by_pattern: dict[str, list[str]] = {}
    for word, _count in sorted(words.items(), key=lambda item: -item[1]):
        full, _initials = analysis.pinyin_of(word)
        if full and full not in by_pinyin:
            by_pinyin[full] = word
        if 3 <= len(word) <= 8:
            for i in range(len(word)):
                by_pattern.setdefault(word[:i] + "?" + word[i + 1 :], []).append(word)
    result = _Vocabulary(words, by_pinyin, by_pattern)
    cache.set(key, result, VOCABULARY_CACHE_SECONDS)
    _vocabulary_held.clear()
    _vocabulary_held[key] = result
    return result


def _correct_run(run: str, vocab: _Vocabulary) -> str:
    """A run of Chinese characters with its unknown parts replaced by the index's words that sound the same
    (适老花 → 适老化) or differ by one character (养老机沟 → 养老机构), longest first."""
    out, i = [], 0
    while i < len(run):
        replaced = False
        for size in range(min(8, len(run) - i), 1, -1):
            part = run[i : i + size]
            if part in vocab.words:
                out.append(part)
                i += size
                replaced = True
                break
            candidate = vocab.by_pinyin.get(analysis.pinyin_of(part)[0])
            if candidate is None and size >= 3:
                near = [
                    w for j in range(size) for w in vocab.by_pattern.get(part[:j] + "?" + part[j + 1 :], [])
                ]
                candidate = max(near, key=lambda w: vocab.words[w]) if near else None
            if candidate:
                out.append(candidate)
                i += size
                replaced = True
                break
        if not replaced:
            out.append(run[i])
            i += 1
    return "".join(out)


def did_you_mean(
    analysed: analysis.QueryAnalysis,
    *,
    site_id: int | None = None,
    with_group: bool = False,
    at_least: int = 1,
) -> str:
    """The query as the index would spell it (homophones and one-character slips in Chinese, typed pinyin
    of a known word), when that differs and finds at least `at_least` documents; else empty."""
    vocab = index_vocabulary()
    normalized = analysed.normalized
    suggestion = analysis.CJK_RUN.sub(lambda m: _correct_run(m.group(0), vocab), normalized)
    suggestion = " ".join(
        vocab.by_pinyin.get(part, part) if part.isascii() and part.isalpha() and len(part) >= 4 else part
        for part in suggestion.split(" ")
    )
    if not suggestion or suggestion == normalized:
        return ""
    total, _rows = match(
        vocabulary.analyze(suggestion), site_id=site_id, with_group=with_group, mode="all", limit=0
    )
    return suggestion if total and total >= at_least else ""


# --- suggestions ---


def suggest(prefix: str, *, site=None, limit: int = SUGGEST_LIMIT) -> list[str]:
    """Completions of what is being typed: titles and editor words that start with it (folded: 宿遷 finds
    宿迁…), and, for Latin letters, the index's words whose pinyin starts with them (shil → 适老化)."""
    from .models import SearchDocument, SearchWord

    text = analysis.normalize(prefix or "")[:50]
    if not text or not any(ch.isalnum() for ch in text):
        return []
    out: dict[str, None] = {}
    words = list(SearchWord.objects.filter(word__startswith=text).values_list("word", flat=True)[:limit])
    for word in words:
        out[word] = None
    documents = SearchDocument.objects.filter(title__istartswith=text)
    if site is not None:
        documents = documents.filter(Q(site=site) | Q(site__isnull=True))
    for title in documents.order_by("-published_at").values_list("title", flat=True)[: limit * 2]:
        out[title] = None
    if text.isascii() and text.replace(" ", "").isalpha():
        compact = text.replace(" ", "")
        vocab = index_vocabulary()
        matches = sorted(
            ((full, word) for full, word in vocab.by_pinyin.items() if full.startswith(compact)),
            key=lambda item: (-vocab.words[item[1]], item[0]),
        )
        for _full, word in matches[:limit]:
            out[word] = None
    return list(out)[:limit]


# --- related content ---


def related(page, *, limit: int = RELATED_LIMIT) -> list[dict]:
    """Up to `limit` documents sharing the most title and keyword words with a page ({title, url, kind}),
    its own site's first, then the group's; cached per page and publication."""
    from wagtail.models import Site

    from .models import SearchDocument
    from .sources import page_key

    stamp = page.last_published_at.timestamp() if getattr(page, "last_published_at", None) else 0
    key = f"search:related:{page.pk}:{stamp}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    own = SearchDocument.objects.filter(key=page_key(page.pk)).first()
    text = own.title if own else page.title
    keywords = own.keywords if own else ""
    analysed = analysis.analyze_query(f"{text} {keywords}"[: analysis.MAX_QUERY_CHARS])
    site = page.get_site() if own is None else Site.objects.filter(pk=own.site_id).first()
    found: list[int] = []
    if not analysed.empty:
        for site_id in ([site.pk] if site else []) + [None]:
            _total, rows = match(analysed, site_id=site_id, mode="any", limit=limit + len(found) + 1)
            for pk, _score in rows:
                if (own is None or pk != own.pk) and pk not in found and len(found) < limit:
                    found.append(pk)
            if len(found) >= limit:
                break
    documents = SearchDocument.objects.in_bulk(found)
    kinds = dict(DocumentKind.choices)
    items = [
        {"title": documents[pk].title, "url": documents[pk].url, "kind": kinds.get(documents[pk].kind, "")}
        for pk in found
        if pk in documents and documents[pk].url != getattr(own, "url", None)
    ]
    cache.set(key, items, RELATED_CACHE_SECONDS)
    return items


# --- hot searches ---


def hot_searches(*, site, now: datetime, limit: int | None = None, days: int | None = None) -> list[str]:
    """The queries of a site most asked by distinct visitors in the last `days` days that found something
    (at least `min_visitors` of them, ranking.json `hot`), without anything scrubbed or personal-looking,
    nothing on the platform's sensitive-word list and nothing containing an editor's 屏蔽词."""
    from huimin.letters import sensitive

    from .models import HotSearchBlock, SearchQueryLog

    rules = ranking()["hot"]
    limit = rules["limit"] if limit is None else limit
    days = rules["days"] if days is None else days
    rows = (
        SearchQueryLog.objects.filter(
            site=site, at__gte=now - timedelta(days=days), at__lte=now, results_count__gt=0
        )
        .exclude(visitor="")
        .values("query")
        .annotate(n=Count("visitor", distinct=True))
        .filter(n__gte=rules["min_visitors"])
        .order_by("-n", "query")[: limit * 5]
    )
    blocked = list(HotSearchBlock.objects.values_list("word", flat=True))
    return [
        row["query"]
        for row in rows
        if not PERSONAL.search(row["query"])
        and not sensitive.found_in(row["query"])
        and not any(word in row["query"] for word in blocked)
    ][:limit]
