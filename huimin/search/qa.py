"""Q&A (智能问答): answers taken from sources, never composed.

    answer("咨询类留言多长时间内答复？", site=site, now=now)
        -> Answer(text="所有咨询类留言1个工作日内回复", confidence=0.7, sources=[{title, url, excerpt}], …)

A question is analysed like a query (`vocabulary.analyze`); question words (多长时间, 哪些, 怎么 …, data in
`data/qa.json`) are dropped, and the remaining content terms weighted by rarity (IDF: how many documents of
the index hold the term). The candidates are

- published knowledge entries within their validity, for the site or the whole group, found through the
  index (documents of kind `qa`) and matched against their questions;
- passages of policies, interpretations and guides: the body text of the best matching documents,
  normalized (traditional folded to simplified, full-width forms folded) and split into sentences (。！？；
  and paragraph breaks), long sentences also into clauses.

A candidate scores the weighted share of the content terms it contains (a synonym counts a little less),
and must contain every key term (the content terms of two or more characters). The answer is the best
entry's answer or the best passage itself, a substring of its normalized source. Confidence is that
score lowered by how close the runner-up with a different text came (`margin_weight`); below `threshold`
there is no answer, only the closest items.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from . import analysis, queries, vocabulary
from .enums import DocumentKind, KnowledgeStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES_FILE = Path(__file__).resolve().parent / "data" / "qa.json"
MAX_QUESTION_CHARS = 200
NOT_FOUND = "未找到确切答案"
SENTENCE_END = re.compile(r"[。!?;！？；\n]+")
CLAUSE_END = re.compile(r"[,，]+")
# In normalized text a space between two Chinese characters is a paragraph or field boundary.
PARAGRAPH_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
TRIM = " ,，、:：.·-—()（）\"'“”‘’《》<>[]【】"


# --- rules --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    threshold: float
    sure: float
    question_words: frozenset[str]
    passage_kinds: tuple[str, ...]
    candidate_documents: int
    candidate_entries: int
    single_char_weight: float
    synonym_factor: float
    entry_factor: float
    margin_weight: float
    clause_min_chars: int
    max_passage_chars: int
    excerpt_chars: int
    max_sources: int
    closest: int


def parse_rules(data: dict) -> Rules:
    """Rules from the data file's content; ImproperlyConfigured naming the bad key."""

    def number(key, low=0.0, high=1.0):
        value = data.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
            raise ImproperlyConfigured(f"qa.json: {key} must be a number from {low} to {high}")
        return float(value)

    def count(key, low=1, high=10_000):
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ImproperlyConfigured(f"qa.json: {key} must be a whole number from {low} to {high}")
        return value

    words = data.get("question_words")
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ImproperlyConfigured("qa.json: question_words must be a list of words")
    kinds = data.get("passage_kinds")
    if not isinstance(kinds, list) or not kinds or any(kind not in DocumentKind.values for kind in kinds):
        raise ImproperlyConfigured(f"qa.json: passage_kinds must be kinds of {DocumentKind.values}")
    rules = Rules(
        threshold=number("threshold"),
        sure=number("sure"),
        question_words=frozenset(analysis.normalize(w) for w in words),
        passage_kinds=tuple(kinds),
        candidate_documents=count("candidate_documents", high=500),
        candidate_entries=count("candidate_entries", high=500),
        single_char_weight=number("single_char_weight"),
        synonym_factor=number("synonym_factor"),
        entry_factor=number("entry_factor", high=2.0),
        margin_weight=number("margin_weight"),
        clause_min_chars=count("clause_min_chars"),
        max_passage_chars=count("max_passage_chars"),
        excerpt_chars=count("excerpt_chars"),
        max_sources=count("max_sources", high=20),
        closest=count("closest", high=50),
    )
    if rules.sure < rules.threshold:
        raise ImproperlyConfigured("qa.json: sure must not be below threshold")
    return rules


@lru_cache(maxsize=1)
def rules() -> Rules:
    return parse_rules(json.loads(RULES_FILE.read_text(encoding="utf-8")))


# --- knowledge entries ------------------------------------------------------------------------------


def local_date(now: datetime) -> date:
    return timezone.localtime(now, SHANGHAI).date()


def usable_entries(today: date) -> QuerySet:
    """Published entries whose validity covers `today` (valid_until is the first day no longer valid)."""
    from .models import KnowledgeEntry

    return KnowledgeEntry.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gt=today),
        status=KnowledgeStatus.PUBLISHED,
    )


def entry_usable(entry, today: date) -> bool:
    return (
        entry.status == KnowledgeStatus.PUBLISHED
        and (entry.valid_from is None or entry.valid_from <= today)
        and (entry.valid_until is None or entry.valid_until > today)
    )


# --- the answer ---------------------------------------------------------------------------------------


@dataclass
class Answer:
    question: str
    text: str | None
    confidence: float
    sources: list[dict] = field(default_factory=list)
    closest: list[dict] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.text is not None

    @property
    def confidence_label(self) -> str:
        if self.text is None:
            return NOT_FOUND
        return "较确定" if self.confidence >= rules().sure else "可能相关"

    @property
    def message_url(self) -> str:
        """The letters write page with the question filled in as the letter's title (its `title` parameter,
        cut to the title's 100 characters there)."""
        url = reverse("letter_write")
        return f"{url}?kind=consult&title={quote(self.question)}" if self.question else url


@dataclass
class _Term:
    words: tuple[str, ...]  # the term first, then its synonyms (normalized)
    weight: float
    key: bool


@dataclass
class _Candidate:
    text: str
    score: float
    title: str
    url: str
    excerpt: str
    kind: str
    rank: int
    source_text: str = ""
    links: list[dict] = field(default_factory=list)


def _content_terms(parsed: analysis.QueryAnalysis, rules_: Rules) -> list[analysis.Term]:
    return [term for term in parsed.terms if term.text not in rules_.question_words]


def _weights(terms: list[analysis.Term], rules_: Rules) -> list[_Term]:
    """Each content term with its IDF over the index (documents holding the term or a synonym)."""
    from .models import SearchDocument

    total = SearchDocument.objects.count()
    out = []
    for term in terms:
        alone = analysis.Term(term.text, synonyms=list(term.synonyms))
        single = analysis.QueryAnalysis(raw=term.text, normalized=term.text, terms=[alone])
        df, _ = queries.match(single, mode="any", limit=0)
        weight = math.log(1 + (total + 1) / (df + 1))
        short = len(term.text) < 2 and not term.is_latin
        if short:
            weight *= rules_.single_char_weight
        words = tuple(dict.fromkeys([term.text, *(analysis.normalize(s) for s in term.synonyms)]))
        out.append(_Term(words=words, weight=weight, key=not short))
    if out and not any(term.key for term in out):
        for term in out:
            term.key = True
    return out


def _score(text: str, terms: list[_Term], rules_: Rules) -> float:
    """The weighted share of the terms `text` holds; 0 when a key term is missing."""
    total = sum(term.weight for term in terms) or 1.0
    got = 0.0
    for term in terms:
        if term.words[0] in text:
            got += term.weight
        elif any(word in text for word in term.words[1:]):
            got += term.weight * rules_.synonym_factor
        elif term.key:
            return 0.0
    return got / total


def sentences(text: str) -> list[str]:
    """The sentences of a normalized text: split at 。！？； line breaks and paragraph gaps."""
    out = []
    for part in SENTENCE_END.split(text):
        for piece in PARAGRAPH_GAP.split(part):
            piece = piece.strip(TRIM)
            if piece:
                out.append(piece)
    return out


def passages(text: str, rules_: Rules) -> list[tuple[str, str]]:
    """(passage, the sentence it comes from): each sentence, and the clauses of long sentences."""
    out = []
    for sentence in sentences(text):
        if len(sentence) <= rules_.max_passage_chars:
            out.append((sentence, sentence))
        if len(sentence) >= rules_.clause_min_chars:
            for clause in CLAUSE_END.split(sentence):
                clause = clause.strip(TRIM)
                if clause and clause != sentence and len(clause) <= rules_.max_passage_chars:
                    out.append((clause, sentence))
    return out


def _excerpt(sentence: str, passage: str, size: int) -> str:
    if len(sentence) <= size:
        return sentence
    start = max(0, sentence.find(passage) - (size - len(passage)) // 2)
    return sentence[start : start + size]


def _entry_candidates(content, terms, site, today, rules_) -> list[_Candidate]:
    from .models import SearchDocument

    parsed = analysis.QueryAnalysis(raw="", normalized="", terms=content)
    _total, hits = queries.match(parsed, kinds=(DocumentKind.QA,), mode="any", limit=rules_.candidate_entries)
    keys = SearchDocument.objects.filter(pk__in=[pk for pk, _ in hits]).values_list("key", flat=True)
    ids = [int(key.partition(":")[2]) for key in keys if key.partition(":")[2].isdigit()]
    entries = usable_entries(today).filter(pk__in=ids)
    # Without a site, only the entries for the whole group: a county's entry is that county's answer.
    entries = (
        entries.filter(Q(site__isnull=True) | Q(site=site))
        if site is not None
        else entries.filter(site__isnull=True)
    )
    out = []
    for rank, entry in enumerate(entries.order_by("pk")):
        score = _score(analysis.normalize(entry.question), terms, rules_) * rules_.entry_factor
        if score <= 0:
            continue
        page_url = f"{reverse('qa')}?q={quote(entry.question)}"
        links = [link for link in entry.source_links or [] if isinstance(link, dict) and link.get("url")]
        out.append(
            _Candidate(
                text=entry.answer,
                score=min(score, 1.0),
                title=entry.question,
                url=page_url,
                excerpt=entry.answer[: rules_.excerpt_chars],
                kind=DocumentKind.QA,
                rank=rank,
                source_text=entry.answer,
                links=links,
            )
        )
    return out


def _passage_candidates(content, terms, rules_) -> tuple[list[_Candidate], list[dict]]:
    """Scored passages of the best matching documents, and those documents as closest items."""
    from .models import SearchDocument

    parsed = analysis.QueryAnalysis(raw="", normalized="", terms=content)
    _total, hits = queries.match(
        parsed, kinds=rules_.passage_kinds, mode="any", limit=rules_.candidate_documents
    )
    order = {pk: rank for rank, (pk, _score) in enumerate(hits)}
    documents = sorted(
        SearchDocument.objects.filter(pk__in=order).only("pk", "kind", "title", "url", "summary", "body"),
        key=lambda doc: order[doc.pk],
    )
    out, closest = [], []
    for document in documents:
        body = analysis.normalize(document.body)
        best_here = None
        for passage, sentence in passages(body, rules_):
            score = _score(passage, terms, rules_)
            if score <= 0:
                continue
            candidate = _Candidate(
                text=passage,
                score=score,
                title=document.title,
                url=document.url,
                excerpt=_excerpt(sentence, passage, rules_.excerpt_chars),
                kind=document.kind,
                rank=order[document.pk],
                source_text=body,
            )
            out.append(candidate)
            if best_here is None or score > best_here.score:
                best_here = candidate
        closest.append(
            {
                "title": document.title,
                "url": document.url,
                "excerpt": best_here.excerpt
                if best_here
                else (document.summary or body)[: rules_.excerpt_chars],
            }
        )
    return out, closest


KIND_ORDER = {
    DocumentKind.QA: 0,
    DocumentKind.POLICY: 1,
    DocumentKind.INTERPRETATION: 2,
    DocumentKind.GUIDE: 3,
}


def _sort_key(candidate: _Candidate):
    return (-candidate.score, KIND_ORDER.get(candidate.kind, 9), len(candidate.text), candidate.rank)


def _unique_by_url(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for item in items:
        if item["url"] not in seen:
            seen.add(item["url"])
            out.append(item)
    return out


def answer(question: str, *, site=None, now: datetime) -> Answer:
    """The answer to a question on `site` (a Wagtail Site, or None for the group) at `now`."""
    rules_ = rules()
    question = (question or "").strip()[:MAX_QUESTION_CHARS]
    parsed = vocabulary.analyze(question)
    content = _content_terms(parsed, rules_)
    if not content:
        return Answer(question=question, text=None, confidence=0.0)
    terms = _weights(content, rules_)
    entries = _entry_candidates(content, terms, site, local_date(now), rules_)
    found, closest = _passage_candidates(content, terms, rules_)
    candidates = sorted([*entries, *found], key=_sort_key)
    for candidate in entries:
        closest.insert(0, {"title": candidate.title, "url": candidate.url, "excerpt": candidate.excerpt})
    closest = _unique_by_url(closest)[: rules_.closest]
    if not candidates:
        return Answer(question=question, text=None, confidence=0.0, closest=closest)
    best = candidates[0]
    runner_up = next((c.score for c in candidates[1:] if c.text != best.text), 0.0)
    confidence = round(best.score * (1 - rules_.margin_weight * runner_up / best.score), 3)
    if confidence < rules_.threshold:
        return Answer(question=question, text=None, confidence=confidence, closest=closest)
    if best.kind == DocumentKind.QA:
        sources = [
            {"title": str(link.get("title") or link["url"]), "url": str(link["url"]), "excerpt": best.excerpt}
            for link in best.links
        ] or [{"title": best.title, "url": best.url, "excerpt": best.excerpt}]
    else:
        same = [c for c in candidates if c.text == best.text and c.kind != DocumentKind.QA]
        sources = _unique_by_url([{"title": c.title, "url": c.url, "excerpt": c.excerpt} for c in same])
    return Answer(
        question=question,
        text=best.text,
        confidence=confidence,
        sources=sources[: rules_.max_sources],
        closest=[item for item in closest if item["url"] not in {s["url"] for s in sources}],
    )


QUESTION_MARKS = ("?", "？", "吗", "呢")


def looks_like_question(text: str) -> bool:
    """A query written as a question: ends with a question mark or particle, or holds a question word."""
    normalized = analysis.normalize(text or "").rstrip()
    if normalized.endswith(QUESTION_MARKS):
        return True
    return any(word in normalized for word in rules().question_words if len(word) >= 2)


def card_answer(query: str, *, site=None, now: datetime) -> Answer | None:
    """The answer card of the search results page: an answer when the query reads as a question and has
    one, or when any query has one at the `sure` level; otherwise None (no card)."""
    if not (query or "").strip():
        return None
    result = answer(query, site=site, now=now)
    if result.text is None:
        return None
    return result if looks_like_question(query) or result.confidence >= rules().sure else None
