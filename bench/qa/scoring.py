"""Scoring of the Q&A evaluation set (`questions.json`): loading and checking the set, its split, judging one
answer, and the figures of a run. Importable without Django except `normalize` (which needs the search
app's analysis module, importable once Django is set up or not: it uses OpenCC only).

Definitions (the same in `run.py`'s report and any test that reuses this module):

- A question is **answerable** when its `expect` list is not empty, **unanswerable** when it is empty.
- Texts are compared after the Q&A's own normalization (`huimin.search.analysis.normalize`: NFKC, traditional
  folded to simplified, lower case, runs of white space made one space), on both sides.
- An answer is **correct** when the Q&A answered (`text` is not None), one of the expected spans is inside the
  answer text, and at least one of the answer's sources is an indexed document (found by its URL) whose
  title or body holds that same span. A source URL is looked up exactly first, then by its path, query and
  fragment alone (the host and port left out), so an entry's relative link finds its document.
- **Answer accuracy** = correct answers / answerable questions.
- **Refused** = the Q&A gave no answer (`text` is None). **Refusal precision** = refused unanswerable
  questions / all refused questions (None when nothing was refused). **Refusal recall** = refused
  unanswerable questions / unanswerable questions.
- A **wrong answer** is any answer that is not correct: an answerable question answered with a text that holds
  no expected span (or whose sources do not hold it), or an unanswerable question answered at all.
- **Named source cited** (reported, not part of accuracy): of the correct answers, the share whose sources
  include a document that matches the question's `source`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

QUESTIONS = Path(__file__).resolve().parent / "questions.json"
SPLITS = ("dev", "test")
ASKS = (
    "time_limit",
    "number",
    "count",
    "points",
    "organisation",
    "place",
    "yes_no",
    "procedure",
    "date",
    "fee",
    "material",
    "other",
)
SOURCE_KINDS = (
    "policy",
    "interpretation",
    "guide",
    "letter",
    "qa",
    "dataset",
    "article",
    "interview",
    "topic",
)


def normalize(text: str) -> str:
    from huimin.search.analysis import normalize as _normalize

    return _normalize(text or "")


# --- the set ----------------------------------------------------------------------------------------------


def stratum(item: dict) -> str:
    """The group a question is drawn into a part within: unanswerable, or its source's kind and what it asks,
    so that both parts get the same mix of kinds."""
    if not item["expect"]:
        return "unanswerable"
    source = item.get("source") or {}
    return f"{source.get('kind', '?')}:{item.get('asks', '?')}"


def _rank(question_id: str) -> str:
    return hashlib.sha256(f"huimin-qa-eval:{question_id}".encode()).hexdigest()


def draw_split(items: list[dict]) -> dict[str, str]:
    """id → "dev" / "test", as the set's split was drawn once, before any tuning (2026-12-07): within each
    stratum the questions ordered by a hash of their id, alternately dev and test (the first of each stratum
    to dev or test by the stratum's own hash). Decided by the ids alone, never by how the Q&A does on them.
    The stored split is authoritative from then on: a question never changes part. A question added later
    gets `new_split(id)`."""
    by_stratum: dict[str, list[str]] = {}
    for item in items:
        by_stratum.setdefault(stratum(item), []).append(item["id"])
    out = {}
    for name, ids in by_stratum.items():
        first = int(_rank(name)[:8], 16) % 2
        for position, question_id in enumerate(sorted(ids, key=_rank)):
            out[question_id] = SPLITS[(position + first) % 2]
    return out


def new_split(question_id: str) -> str:
    """The part of a question added after the split was drawn: by its id's hash alone."""
    return SPLITS[int(_rank(question_id)[:8], 16) % 2]


def load(path: Path = QUESTIONS) -> list[dict]:
    """The questions, checked: the fields and their values, unique ids. Raises ValueError listing problems."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data["questions"] if isinstance(data, dict) else data
    problems = []
    seen = set()
    for item in items:
        label = item.get("id", "?")
        for key in ("id", "split", "q", "expect", "asks", "notes"):
            if key not in item:
                problems.append(f"{label}: no {key}")
        if label in seen:
            problems.append(f"{label}: id repeated")
        seen.add(label)
        if item.get("asks") not in ASKS:
            problems.append(f"{label}: asks {item.get('asks')!r} not one of {ASKS}")
        expect = item.get("expect")
        if not isinstance(expect, list) or not all(isinstance(s, str) and s.strip() for s in expect):
            problems.append(f"{label}: expect must be a list of non-empty strings")
        elif expect:
            source = item.get("source")
            if not isinstance(source, dict) or source.get("kind") not in SOURCE_KINDS:
                problems.append(f"{label}: source must name a kind of {SOURCE_KINDS}")
            elif not (source.get("title") or source.get("url")):
                problems.append(f"{label}: source needs a title or a url")
        if item.get("split") not in SPLITS:
            problems.append(f"{label}: split must be one of {SPLITS} (a new question: new_split(id))")
        if not isinstance(item.get("q"), str) or not item["q"].strip():
            problems.append(f"{label}: empty q")
    if problems:
        raise ValueError("questions.json:\n  " + "\n  ".join(problems))
    return items


# --- sources ----------------------------------------------------------------------------------------------


def url_key(url: str) -> str:
    """A URL without its scheme, host and port: path, query and fragment."""
    parts = urlsplit(url or "")
    key = parts.path or "/"
    if parts.query:
        key += "?" + parts.query
    if parts.fragment:
        key += "#" + parts.fragment
    return key


@dataclass
class Index:
    """The normalized text (title and body) of every indexed document, by URL and by URL key, with each
    document's kind and title, to judge sources and check the set."""

    by_url: dict[str, list[int]] = field(default_factory=dict)
    by_key: dict[str, list[int]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def add(self, *, url: str, kind: str, title: str, text: str) -> None:
        number = len(self.texts)
        self.texts.append(normalize(text))
        self.kinds.append(kind)
        self.titles.append(normalize(title))
        self.urls.append(url)
        self.by_url.setdefault(url, []).append(number)
        self.by_key.setdefault(url_key(url), []).append(number)

    def documents_at(self, url: str) -> list[int]:
        return self.by_url.get(url) or self.by_key.get(url_key(url), [])

    def matching(self, source: dict) -> list[int]:
        """The documents a question's `source` names: of its kind, and whose title contains its title
        (normalized) and / or whose URL ends with its url (path)."""
        title = normalize(source.get("title", ""))
        path = source.get("url", "")
        host = source.get("host")
        found = []
        for number, kind in enumerate(self.kinds):
            if kind != source["kind"]:
                continue
            if title and title not in self.titles[number]:
                continue
            if path and not url_key(self.urls[number]).split("#")[0].endswith(path):
                continue
            if host and urlsplit(self.urls[number]).hostname != host:
                continue
            found.append(number)
        return found


def check_spans(items: list[dict], index: Index) -> list[str]:
    """Problems: an answerable question whose named source matches no indexed document, or an expected span
    found in none of the documents it names."""
    problems = []
    for item in items:
        if not item["expect"]:
            continue
        documents = index.matching(item["source"])
        if not documents:
            problems.append(f"{item['id']}: no indexed document matches source {item['source']}")
            continue
        for span in item["expect"]:
            wanted = normalize(span)
            if not any(wanted in index.texts[n] or wanted in index.titles[n] for n in documents):
                problems.append(f"{item['id']}: span {span!r} is not in source {item['source']}")
    return problems


# --- judging ----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    id: str
    split: str
    asks: str
    answerable: bool
    answered: bool
    correct: bool
    named_source: bool
    ms: float
    answer: str | None = None
    confidence: float = 0.0
    sources: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return not self.answered

    @property
    def wrong(self) -> bool:
        return self.answered and not self.correct


def judge(item: dict, text: str | None, sources: list[dict], index: Index) -> tuple[bool, bool]:
    """(correct, named source cited) of one answer by the definitions above."""
    if text is None or not item["expect"]:
        return False, False
    answer = normalize(text)
    spans = [normalize(span) for span in item["expect"] if normalize(span) in answer]
    if not spans:
        return False, False
    named = set(index.matching(item["source"]))
    correct = named_cited = False
    for source in sources:
        for number in index.documents_at(source.get("url", "")):
            if any(span in index.texts[number] or span in index.titles[number] for span in spans):
                correct = True
                named_cited = named_cited or number in named
    return correct, named_cited


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def figures(outcomes: list[Outcome]) -> dict:
    """The figures of a list of outcomes (one split, or all)."""
    from common import summary

    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    refused = [o for o in outcomes if o.refused]
    correct = [o for o in answerable if o.correct]
    by_kind = {}
    for asks in ASKS:
        of_kind = [o for o in answerable if o.asks == asks]
        if of_kind:
            hits = sum(o.correct for o in of_kind)
            by_kind[asks] = {
                "questions": len(of_kind),
                "correct": hits,
                "accuracy": _share(hits, len(of_kind)),
            }
    return {
        "questions": len(outcomes),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "correct": len(correct),
        "answer_accuracy": _share(len(correct), len(answerable)),
        "answerable_refused": sum(o.refused for o in answerable),
        "answerable_wrong": sum(o.wrong for o in answerable),
        "unanswerable_answered": sum(o.answered for o in unanswerable),
        "wrong_answers": sum(o.wrong for o in outcomes),
        "refused": len(refused),
        "refusal_precision": _share(sum(not o.answerable for o in refused), len(refused)),
        "refusal_recall": _share(sum(o.refused for o in unanswerable), len(unanswerable)),
        "named_source_cited": _share(sum(o.named_source for o in correct), len(correct)),
        "latency_ms": summary([o.ms for o in outcomes], "questions") if outcomes else {},
        "by_kind": by_kind,
    }
