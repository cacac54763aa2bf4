"""Q&A (智能问答): answers taken from sources, never composed.

    answer("咨询类留言多长时间内答复？", site=site, now=now)
        -> Answer(text="所有咨询类留言1个工作日内回复", confidence=0.7, sources=[{title, url, excerpt}], …)

Issue 26: retrieval that tolerates other words. Question and colloquial words (`data/qa.json`) are cut
out; the rest is analysed like a query (`vocabulary.analyze`), each term with its synonyms (the
vocabulary's and `data/qa_synonyms.txt`). The pool of candidates:

- published knowledge entries within their validity, for the site or the whole group, found through the
  index (documents of kind `qa`) and scored on their question and answer;
- passages (`qa_passages`) of the best matching policies, interpretations and guides, and apart from them
  of articles, interviews, datasets and letters: sentences and clauses, a table's rows with their column
  labels, a guide's fields by label, a deadline note with its item, an interview's question with its reply.

Each passage is scored by BM25 over the terms and the question's character bigrams (IDF over the pool),
re-scored by coverage (the weighted share of the terms it holds) and by whether it holds the kind of answer
asked for (`qa_types`). The answer is the best entry's answer or the best passage itself (text of its
source; a labelled row: its cells are), with its span marked. Confidence is that score lowered by how close
the runner-up with a different text came (`margin_weight`); below `threshold` there is no answer, only the
closest items and the 我要留言 link.
"""

from __future__ import annotations

import json
import math
import re
from collections import OrderedDict
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

from . import analysis, qa_passages, qa_types, queries, vocabulary
from .enums import DocumentKind, KnowledgeStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULES_FILE = Path(__file__).resolve().parent / "data" / "qa.json"
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "qa_synonyms.txt"
MAX_QUESTION_CHARS = 200
NOT_FOUND = "未找到确切答案"


# --- rules --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    threshold: float
    sure: float
    question_words: frozenset[str]
    weak_words: frozenset[str]
    passage_kinds: tuple[str, ...]
    secondary_kinds: tuple[str, ...]
    candidate_secondary: int
    candidate_documents: int
    single_char_weight: float
    synonym_factor: float
    entry_factor: float
    margin_weight: float
    clause_min_chars: int
    max_passage_chars: int
    excerpt_chars: int
    max_sources: int
    closest: int
    bm25_k1: float
    bm25_b: float
    bm25_share: float
    bigram_weight: float
    gram_factor: float
    type_factor: float
    asking_factor: float
    missing_factor: float


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
    weak = data.get("weak_words", [])
    if not isinstance(weak, list) or not all(isinstance(w, str) and w.strip() for w in weak):
        raise ImproperlyConfigured("qa.json: weak_words must be a list of words")
    kinds = data.get("passage_kinds")
    if not isinstance(kinds, list) or not kinds or any(kind not in DocumentKind.values for kind in kinds):
        raise ImproperlyConfigured(f"qa.json: passage_kinds must be kinds of {DocumentKind.values}")
    secondary = data.get("secondary_kinds")
    if not isinstance(secondary, list) or any(kind not in DocumentKind.values for kind in secondary):
        raise ImproperlyConfigured(f"qa.json: secondary_kinds must be kinds of {DocumentKind.values}")
    rules = Rules(
        threshold=number("threshold"),
        sure=number("sure"),
        question_words=frozenset(analysis.normalize(w) for w in words),
        weak_words=frozenset(analysis.normalize(w) for w in weak),
        passage_kinds=tuple(kinds),
        secondary_kinds=tuple(secondary),
        candidate_secondary=count("candidate_secondary", high=500),
        candidate_documents=count("candidate_documents", high=500),
        single_char_weight=number("single_char_weight"),
        synonym_factor=number("synonym_factor"),
        entry_factor=number("entry_factor", high=2.0),
        margin_weight=number("margin_weight"),
        clause_min_chars=count("clause_min_chars"),
        max_passage_chars=count("max_passage_chars"),
        excerpt_chars=count("excerpt_chars"),
        max_sources=count("max_sources", high=20),
        closest=count("closest", high=50),
        bm25_k1=number("bm25_k1", high=3.0),
        bm25_b=number("bm25_b"),
        bm25_share=number("bm25_share"),
        bigram_weight=number("bigram_weight"),
        gram_factor=number("gram_factor"),
        type_factor=number("type_factor"),
        asking_factor=number("asking_factor"),
        missing_factor=number("missing_factor"),
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
    asks: str = "other"  # the kind of answer the question asks for (qa_types)
    span: str | None = None  # the answer span inside `text`, when the kind has one

    @property
    def found(self) -> bool:
        return self.text is not None

    @property
    def confidence_label(self) -> str:
        if self.text is None:
            return NOT_FOUND
        return "较确定" if self.confidence >= rules().sure else "可能相关"

    @property
    def marked(self) -> tuple[str, str, str]:
        """(before, span, after) of the answer text, the span being the first place `span` stands in it;
        ("", "", text) when there is no span."""
        text = self.text or ""
        at = text.find(self.span) if self.span else -1
        if at < 0:
            return "", "", text
        return text[:at], self.span, text[at + len(self.span) :]

    @property
    def message_url(self) -> str:
        """The letters write page with the question filled in as the letter's title (its `title` parameter,
        cut to the title's 100 characters there)."""
        url = reverse("letter_write")
        return f"{url}?kind=consult&title={quote(self.question)}" if self.question else url


@dataclass
class _Term:
    words: tuple[str, ...]  # the term first, then its synonyms (normalized)
    weight: float  # the term's share of the question: longer terms weigh more, single characters little
    grams: tuple[str, ...] = ()  # its character bigrams, so a typo or another cut still meets part of it
    idf: float = 1.0  # over the candidate passages


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
    span: str | None = None


@dataclass
class _Pooled:
    """A passage of the pool: its text as scored, and what answers if it wins."""

    scored: str
    passage: qa_passages.Passage
    document: object | None = None  # the SearchDocument, or None for a knowledge entry
    entry: object | None = None
    rank: int = 0
    source_text: str = ""  # the whole text the passage comes from
    bm25: float = 0.0
    coverage: float = 0.0


TITLED_KINDS = frozenset({DocumentKind.GUIDE, DocumentKind.DATASET, DocumentKind.LETTER})
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
LATIN_RUN = re.compile(r"[a-z0-9][a-z0-9.\-/]*")


def strip_question_words(normalized: str, rules_: Rules) -> str:
    """The question without its question and colloquial words of two or more characters (the longest
    first), each replaced by a space so the words around it are not glued together; single-character ones
    are dropped as words after segmentation."""
    for word in sorted(rules_.question_words, key=len, reverse=True):
        if len(word) >= 2 and word in normalized:
            normalized = normalized.replace(word, " ")
    return normalized


def _bigrams(text: str) -> list[str]:
    out: dict[str, None] = {}
    for run in CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            out[run[i : i + 2]] = None
    return list(out)


def _question_terms(stripped: str, rules_: Rules) -> list[_Term]:
    """The content terms of a question (question words already removed), with their synonyms: the
    vocabulary's and the Q&A's own (`data/qa_synonyms.txt`)."""
    parsed = vocabulary.analyze(stripped)
    extra = qa_synonyms()
    stops = analysis.stop_words()
    out: list[_Term] = []
    for term in parsed.terms:
        text = term.text
        if len(text) == 2 and not analysis.known_word(text):
            # A cut across a question word (库要, 里排, 能加): keep the other character.
            kept = [char for char in text if char not in rules_.question_words]
            if len(kept) == 1:
                text = kept[0]
                term = analysis.Term(text, synonyms=vocabulary.synonym_map().get(text, []))
        if text in rules_.question_words or text in stops:
            continue
        synonyms = [analysis.normalize(s) for s in term.synonyms] + extra.get(text, [])
        words = tuple(dict.fromkeys([text, *synonyms]))
        latin = bool(LATIN_RUN.fullmatch(text))
        weight = 1.0 if latin else min(len(text), 4) / 2
        if (len(text) < 2 and not latin) or text in rules_.weak_words:
            weight *= rules_.single_char_weight
        out.append(_Term(words=words, weight=weight, grams=tuple(_bigrams(text)) if len(text) >= 3 else ()))
    return out


@lru_cache(maxsize=1)
def qa_synonyms() -> dict[str, list[str]]:
    """word → the other words of its groups in `data/qa_synonyms.txt` (the Q&A's own, beside the
    vocabulary's: how citizens ask against how documents say it)."""
    groups = []
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words = vocabulary.split_group(line)
            if len(words) >= 2:
                groups.append(words)
    return vocabulary.build_synonym_map(groups)


def _pinyin(word: str) -> list[str]:
    if len(word) >= 2 and CJK_RUN.fullmatch(word):
        full, _initials = analysis.pinyin_of(word)
        return [full] if full else []
    return []


def _unknown(term: analysis.Term) -> bool:
    """Whether no indexed document holds the term, a synonym or its pinyin."""
    return not queries.exists(analysis.QueryAnalysis(raw=term.text, normalized=term.text, terms=[term]))


def _term_hit(text: str, term: _Term, rules_: Rules) -> tuple[float, float]:
    """(term frequency, presence) of a term in a text: the term itself counts 1, a synonym
    `synonym_factor`, and a term of three or more characters half present by its bigrams a part."""
    tf = float(text.count(term.words[0]))
    if tf:
        return tf, 1.0
    tf = sum(text.count(word) for word in term.words[1:]) * rules_.synonym_factor
    if tf:
        return tf, rules_.synonym_factor
    if term.grams:
        share = sum(1 for gram in term.grams if gram in text) / len(term.grams)
        if share >= 0.5:
            return share * 0.5, share * rules_.gram_factor
    return 0.0, 0.0


def _score_pool(pool: list[_Pooled], terms: list[_Term], grams: list[str], rules_: Rules) -> None:
    """BM25 of each passage over the question's terms (with synonyms) and character bigrams, IDF over the
    pool; and the coverage: the weighted share of the terms a passage holds."""
    if not pool:
        return
    n = len(pool)
    lengths = [len(item.scored) for item in pool]
    average = sum(lengths) / n or 1.0
    k1, b = rules_.bm25_k1, rules_.bm25_b
    term_hits = [[_term_hit(item.scored, term, rules_) for term in terms] for item in pool]
    gram_tf = [[item.scored.count(gram) for gram in grams] for item in pool]
    term_idf = []
    for i in range(len(terms)):
        df = sum(1 for hits in term_hits if hits[i][0] > 0)
        term_idf.append(math.log(1 + (n - df + 0.5) / (df + 0.5)))
    gram_idf = []
    for j in range(len(grams)):
        df = sum(1 for tfs in gram_tf if tfs[j] > 0)
        gram_idf.append(math.log(1 + (n - df + 0.5) / (df + 0.5)))
    weights = [term.weight * (0.5 + idf) for term, idf in zip(terms, term_idf, strict=True)]
    total_weight = sum(weights) or 1.0
    for index, item in enumerate(pool):
        norm = k1 * (1 - b + b * lengths[index] / average)
        score = 0.0
        covered = 0.0
        for i, (tf, presence) in enumerate(term_hits[index]):
            if tf:
                score += term_idf[i] * tf * (k1 + 1) / (tf + norm)
                covered += weights[i] * presence
        for j, tf in enumerate(gram_tf[index]):
            if tf:
                score += rules_.bigram_weight * gram_idf[j] * tf * (k1 + 1) / (tf + norm)
        item.bm25 = score
        item.coverage = covered / total_weight


def _entry_pool(terms: list[_Term], site, today, rules_) -> list[_Pooled]:
    """The usable knowledge entries for the site (or the whole group's) that hold a term of the question:
    read whole and matched here, as they are few (a curated base) and an index query filtered to them would
    go through every document matching a common word."""
    entries = usable_entries(today)
    # Without a site, only the entries for the whole group: a county's entry is that county's answer.
    entries = (
        entries.filter(Q(site__isnull=True) | Q(site=site))
        if site is not None
        else entries.filter(site__isnull=True)
    )
    out = []
    for entry in entries.order_by("pk").only("pk", "question", "answer", "source_links"):
        question = analysis.normalize(entry.question)
        scored = f"{question} {analysis.normalize(entry.answer)}"
        if not any(_term_hit(scored, term, rules_)[1] for term in terms):
            continue
        passage = qa_passages.Passage(entry.answer, entry.answer)
        out.append(_Pooled(scored=scored, passage=passage, entry=entry, rank=len(out), source_text=scored))
    return out


@dataclass(frozen=True)
class _Cut:
    """A document's normalized title and text and its passages."""

    title: str
    text: str
    passages: tuple[qa_passages.Passage, ...]


_CUTS: OrderedDict = OrderedDict()  # (pk, indexed_at, clause_min, max_chars) -> _Cut, least recent first
CUTS_KEPT = 4096


def _document_text(summary: str, body: str) -> str:
    """The text passages are cut from: the summary when the body does not already hold it, then the body."""
    body = analysis.normalize(body)
    summary = analysis.normalize(summary or "")
    if summary and summary[:40] not in body:
        return f"{summary} {body}"
    return body


def _cuts(documents, rules_: Rules) -> dict[int, _Cut]:
    """The cut of each document, from the process's cache (by document and `indexed_at`, so a reindexed
    document is cut again) or cut now; only the documents not cached are read whole."""
    from .models import SearchDocument

    def key(document):
        return (document.pk, document.indexed_at, rules_.clause_min_chars, rules_.max_passage_chars)

    out, wanted = {}, []
    for document in documents:
        cut = _CUTS.get(key(document))
        if cut is None:
            wanted.append(document)
        else:
            _CUTS.move_to_end(key(document))
            out[document.pk] = cut
    texts = dict(
        (pk, (summary, body))
        for pk, summary, body in SearchDocument.objects.filter(pk__in=[d.pk for d in wanted]).values_list(
            "pk", "summary", "body"
        )
    )
    for document in wanted:
        summary, body = texts.get(document.pk, ("", ""))
        text = _document_text(summary, body)
        found = qa_passages.passages(
            text, clause_min_chars=rules_.clause_min_chars, max_chars=rules_.max_passage_chars
        )
        cut = _Cut(title=analysis.normalize(document.title), text=text, passages=tuple(found))
        _CUTS[key(document)] = out[document.pk] = cut
        while len(_CUTS) > CUTS_KEPT:
            _CUTS.popitem(last=False)
    return out


def _graded(
    content: list[analysis.Term],
    weights: list[float],
    unknown: set[int],
    kinds,
    limit: int,
    relax: bool = True,
) -> list[tuple[int, float]]:
    """Up to `limit` candidate documents of `kinds`, best first. Terms no indexed document holds are left
    out (no candidate could hold them). Then, over the content terms and again over the strong ones alone
    (words of two or more characters, when single characters are among them): the documents holding every
    term (or a synonym, or its sound), then, while there are fewer than `limit`, those holding all but one
    (the lightest left out first). When none holds that much: all strong terms but the two lightest, the
    three lightest … down to two terms; and only when none is found, those holding any (title and keyword
    matches first). A word the citizen adds or the document words otherwise costs a candidate no place, and
    no query goes through every document that holds one common word while better candidates exist. Without
    `relax`, only the documents holding every term, those holding them in their title or keywords first."""

    def query(terms):
        return analysis.QueryAnalysis(raw="", normalized="", terms=list(terms))

    known = [i for i in range(len(content)) if i not in unknown] or list(range(len(content)))
    strong = [i for i in known if weights[i] >= 1]
    levels = [known] + ([strong] if 2 <= len(strong) < len(known) else [])
    hits: list[tuple[int, float]] = []
    seen: set[int] = set()

    def add(terms, wanted, titles_first=False):
        for pk, score in queries.best(
            query(terms), kinds=kinds, mode="all", limit=wanted, titles_first=titles_first
        ):
            if pk not in seen:
                seen.add(pk)
                hits.append((pk, score))

    if not relax:
        # A sure answer's document: those holding every term in their title or keywords first, so that a
        # common phrase's tens of thousands of matches are not all ranked.
        add([content[i] for i in known], limit, titles_first=True)
        return hits
    for level in levels:
        add([content[i] for i in level], limit - len(hits))
        for left_out in sorted(level, key=lambda i: weights[i]) if len(level) > 1 else ():
            if len(hits) >= limit:
                break
            add([content[i] for i in level if i != left_out], limit - len(hits))
        if len(hits) >= limit:
            break
    lightest_first = sorted(levels[-1], key=lambda i: weights[i])
    dropped = 2
    while not hits and len(lightest_first) - dropped >= 2:
        add([content[i] for i in sorted(lightest_first[dropped:])], limit)
        dropped += 1
    if not hits:
        hits = queries.best(query(content), kinds=kinds, mode="any", limit=limit, titles_first=True)
    return hits


def _from_ranked(ranked: list[tuple[int, str]], rules_: Rules) -> list[tuple[int, float]]:
    """The candidates of `_document_pool` taken from a results page's ranked matches (`ranked`, [(document
    id, kind)] best first) instead of read again: as many of each group of kinds as it reads."""
    hits: list[tuple[int, float]] = []
    for kinds, wanted in (
        (rules_.passage_kinds, rules_.candidate_documents),
        (rules_.secondary_kinds, rules_.candidate_secondary),
    ):
        hits += [(pk, 0.0) for pk, kind in ranked if kind in kinds][:wanted]
    return hits


def _document_pool(content, weights, unknown, rules_, relax=True, ranked=None) -> tuple[list[_Pooled], list]:
    """The passages of the best matching documents, and those documents in rank order; with `ranked`
    (a results page's matches of every word), of those."""
    from .models import SearchDocument

    # The primary kinds (policies, interpretations, guides) and the others (articles, interviews, datasets,
    # letters) are read apart, so the many news articles never push a policy out of the candidates.
    if ranked:
        hits = _from_ranked(ranked, rules_)
    else:
        hits = _graded(content, weights, unknown, rules_.passage_kinds, rules_.candidate_documents, relax)
        if rules_.secondary_kinds:
            more = _graded(
                content, weights, unknown, rules_.secondary_kinds, rules_.candidate_secondary, relax
            )
            hits = [*hits, *more]
    order = {pk: rank for rank, (pk, _score) in enumerate(hits)}
    documents = sorted(
        SearchDocument.objects.filter(pk__in=order).only(
            "pk", "kind", "title", "url", "summary", "indexed_at"
        ),
        key=lambda doc: order[doc.pk],
    )
    cuts = _cuts(documents, rules_)
    pool = []
    for document in documents:
        cut = cuts[document.pk]
        source_text = f"{cut.title} {cut.text}"
        # A guide's, a catalogue's or a letter's fields say little alone ("不收费"): scored with the title.
        title = cut.title if document.kind in TITLED_KINDS else ""
        for passage in cut.passages:
            scored = f"{title} {passage.text}" if title else passage.text
            pool.append(
                _Pooled(
                    scored=scored,
                    passage=passage,
                    document=document,
                    rank=order[document.pk],
                    source_text=source_text,
                )
            )
    return pool, documents


def _excerpt(sentence: str, passage: str, size: int) -> str:
    if len(sentence) <= size:
        return sentence
    start = max(0, sentence.find(passage) - (size - len(passage)) // 2)
    return sentence[start : start + size]


def _candidate(item: _Pooled, score: float, rules_: Rules) -> _Candidate:
    if item.entry is not None:
        entry = item.entry
        links = [link for link in entry.source_links or [] if isinstance(link, dict) and link.get("url")]
        return _Candidate(
            text=entry.answer,
            score=score,
            title=entry.question,
            url=f"{reverse('qa')}?q={quote(entry.question)}",
            excerpt=entry.answer[: rules_.excerpt_chars],
            kind=DocumentKind.QA,
            rank=item.rank,
            source_text=item.scored,
            links=links,
        )
    document = item.document
    return _Candidate(
        text=item.passage.text,
        score=score,
        title=document.title,
        url=document.url,
        excerpt=_excerpt(item.passage.sentence, item.passage.text, rules_.excerpt_chars),
        kind=document.kind,
        rank=item.rank,
        source_text=item.source_text,
    )


def _closest(documents, best_by_document: dict, rules_: Rules) -> list[dict]:
    out = []
    for document in documents:
        best = best_by_document.get(document.pk, (0.0, None))[1]
        excerpt = (
            _excerpt(best.passage.sentence, best.passage.text, rules_.excerpt_chars)
            if best
            else analysis.normalize(document.summary or "")[: rules_.excerpt_chars]
        )
        out.append({"title": document.title, "url": document.url, "excerpt": excerpt})
    return out


KIND_ORDER = {
    DocumentKind.QA: 0,
    DocumentKind.POLICY: 1,
    DocumentKind.INTERPRETATION: 2,
    DocumentKind.GUIDE: 3,
}


def _sort_key(candidate: _Candidate):
    return (-candidate.score, KIND_ORDER.get(candidate.kind, 9), len(candidate.text), candidate.rank)


def _unique_by_url(items: list[dict]) -> list[dict]:
    """The items without repeats: one per URL, and one per title and excerpt (the same document shown on
    two sites of the group reads as the same link twice)."""
    seen, out = set(), []
    for item in items:
        same = (item["title"], item.get("excerpt", ""))
        if item["url"] not in seen and same not in seen:
            seen.update((item["url"], same))
            out.append(item)
    return out


def answer(
    question: str,
    *,
    site=None,
    now: datetime,
    relax: bool = True,
    ranked: list[tuple[int, str]] | None = None,
) -> Answer:
    """The answer to a question on `site` (a Wagtail Site, or None for the group) at `now`. Without
    `relax`, the candidates are only the documents holding every content term (`_graded`); with `ranked`,
    the documents a results page found holding every word of it (`SearchResults.ranked`)."""
    rules_ = rules()
    question = (question or "").strip()[:MAX_QUESTION_CHARS]
    normalized = analysis.normalize(question)
    stripped = strip_question_words(normalized, rules_)
    terms = _question_terms(stripped, rules_)
    if not terms:
        return Answer(question=question, text=None, confidence=0.0)
    content = [
        analysis.Term(term.words[0], synonyms=list(term.words[1:]), pinyin=_pinyin(term.words[0]))
        for term in terms
    ]
    asked = qa_types.asks(normalized)
    grams = _bigrams(stripped)
    entries = _entry_pool(terms, site, local_date(now), rules_)
    with queries.reading_candidates():
        # The terms no indexed document holds, even by a synonym or their sound.
        unknown = {i for i, query_term in enumerate(content) if _unknown(query_term)}
        weights = [term.weight for term in terms]
        found, documents = _document_pool(content, weights, unknown, rules_, relax, ranked)
    pool = [*entries, *found]
    _score_pool(pool, terms, grams, rules_)
    top = max((item.bm25 for item in pool), default=0.0) or 1.0
    share = rules_.bm25_share
    candidates: list[_Candidate] = []
    best_by_document: dict[int, tuple[float, _Pooled]] = {}
    for item in pool:
        if item.coverage <= 0:
            continue
        score = item.coverage * (1 - share + share * item.bm25 / top)
        typed = asked in qa_types.TYPED or asked in qa_types.FIELD_HINTS
        if typed and not qa_types.fits(item.passage.text, asked):
            score *= rules_.type_factor
        if item.passage.asking:
            score *= rules_.asking_factor
        if item.entry is not None:
            score *= rules_.entry_factor
        score = min(score, 1.0)
        candidates.append(_candidate(item, score, rules_))
        if item.document is not None:
            held = best_by_document.get(item.document.pk)
            if held is None or score > held[0]:
                best_by_document[item.document.pk] = (score, item)
    candidates.sort(key=_sort_key)
    closest = _closest(documents, best_by_document, rules_)
    for candidate in candidates:
        if candidate.kind == DocumentKind.QA:
            closest.insert(0, {"title": candidate.title, "url": candidate.url, "excerpt": candidate.excerpt})
    closest = _unique_by_url(closest)[: rules_.closest]
    if not candidates:
        return Answer(question=question, text=None, confidence=0.0, closest=closest)
    best = candidates[0]
    runner_up = next(
        (c.score for c in candidates[1:] if c.text not in best.text and best.text not in c.text), 0.0
    )
    confidence = best.score * (1 - rules_.margin_weight * runner_up / best.score)
    # A content word of the question that its answer's source never says and no indexed document holds,
    # even by its sound (稿费, 公租房, 访问量): the question is about something the site group does not cover.
    missing = sum(
        1
        for i, term in enumerate(terms)
        if i in unknown and term.weight >= 1 and _term_hit(best.source_text, term, rules_)[1] == 0
    )
    confidence = round(max(0.0, confidence * rules_.missing_factor**missing), 3)
    if confidence < rules_.threshold:
        return Answer(question=question, text=None, confidence=confidence, closest=closest)
    if best.kind == DocumentKind.QA:
        # The entry's links first, then the entry's own page (the indexed entry holds the answer itself).
        sources = _unique_by_url(
            [
                *(
                    {
                        "title": str(link.get("title") or link["url"]),
                        "url": str(link["url"]),
                        "excerpt": best.excerpt,
                    }
                    for link in best.links
                ),
                {"title": best.title, "url": best.url, "excerpt": best.excerpt},
            ]
        )
    else:
        # Every document whose passage is the answer and scored as high (a guide's field text like
        # "法定办结时限 20 个工作日" may stand in other guides, which answer other questions).
        same = [
            c
            for c in candidates
            if c.text == best.text and c.kind != DocumentKind.QA and c.score >= best.score - 1e-9
        ]
        sources = _unique_by_url([{"title": c.title, "url": c.url, "excerpt": c.excerpt} for c in same])
    words = [word for term in terms for word in term.words]
    return Answer(
        question=question,
        text=best.text,
        confidence=confidence,
        sources=sources[: rules_.max_sources],
        closest=[item for item in closest if item["url"] not in {s["url"] for s in sources}],
        asks=asked,
        span=qa_types.span(best.text, asked, words),
    )


QUESTION_MARKS = ("?", "？", "吗", "呢")


def looks_like_question(text: str) -> bool:
    """A query written as a question: ends with a question mark or particle, or holds a question word."""
    normalized = analysis.normalize(text or "").rstrip()
    if normalized.endswith(QUESTION_MARKS):
        return True
    return any(word in normalized for word in rules().question_words if len(word) >= 2)


def card_answer(query: str, *, site=None, now: datetime, ranked=None) -> Answer | None:
    """The answer card of the search results page: an answer when the query reads as a question and has
    one, or when any query has one at the `sure` level; otherwise None (no card). `ranked`: the page's own
    matches of every word (`SearchResults.ranked`)."""
    if not (query or "").strip():
        return None
    # A query that is not a question gets a card only for a sure answer, which holds every word of it: its
    # candidates are the page's own matches of every word when it has them (not ranked a second time), and
    # the results page does not pay for the relaxed candidates there.
    asked = looks_like_question(query)
    result = answer(query, site=site, now=now, relax=asked, ranked=None if asked else ranked)
    if result.text is None:
        return None
    return result if asked or result.confidence >= rules().sure else None
