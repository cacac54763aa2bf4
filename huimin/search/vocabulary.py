"""The words editors manage for search, kept current in every process that serves the site.

Two kinds of vocabulary change what analysis does:

- dictionary words (`SearchWord`, the admin's 搜索词典): new words for segmentation, e.g. a programme's name
  that jieba would cut apart (免申即享 → 免申 / 即享);
- synonym groups (`data/synonyms.txt` shipped, plus `SynonymGroup` rows from the admin's 同义词): a query
  for one word of a group also asks for the others (社保 = 社会保险).

Several processes serve the site and only one of them saves an editor's change, so each process looks at
the database's state cheaply (the count and the newest `updated_at` of both tables, two aggregate
queries) at most every `REFRESH_SECONDS`, and reloads only when that state has changed. Between checks a
query costs no database access. The process that saves a change reloads at once (`services.py` calls
`refresh(force=True)`).

    vocabulary.analyze("社保 适老花")   -> analysis.analyze_query with the current words and synonyms
    vocabulary.synonym_map()           -> {"社保": ["社会保险"], "社会保险": ["社保"], …}

Whatever analyses text for the index calls `refresh()` first too, so that index and queries segment with
the same words.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from django.db import DatabaseError, transaction
from django.db.models import Count, Max

from . import analysis

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 30
WORD_MAX_CHARS = 30
GROUP_MAX_WORDS = 20
# What separates the words of a group: the enumeration comma, commas, semicolons, white space.
SEPARATORS = re.compile(r"[、，,；;\s]+")


def split_group(text: str) -> list[str]:
    """The words of a group as typed, normalized (宿遷 → 宿迁), in order, repeats dropped."""
    seen: dict[str, None] = {}
    for part in SEPARATORS.split(analysis.normalize(text or "")):
        part = part.strip()
        if part:
            seen[part] = None
    return list(seen)


@lru_cache(maxsize=1)
def file_groups() -> tuple[tuple[str, ...], ...]:
    """The synonym groups shipped in `data/synonyms.txt`; a malformed line stops the process with its
    line number rather than silently dropping a group."""
    groups = []
    for number, line in enumerate(analysis._read_lines("synonyms.txt"), start=1):
        words = split_group(line)
        if len(words) < 2 or any(len(word) > WORD_MAX_CHARS for word in words):
            raise ValueError(
                f"synonyms.txt group {number} ({line!r}): needs two or more words of <= 30 chars"
            )
        groups.append(tuple(words))
    return tuple(groups)


def build_synonym_map(groups) -> dict[str, list[str]]:
    """word → the other words of every group that contains it, in the groups' order, without repeats."""
    result: dict[str, dict[str, None]] = {}
    for group in groups:
        for word in group:
            others = result.setdefault(word, {})
            for other in group:
                if other != word:
                    others[other] = None
    return {word: list(others) for word, others in result.items()}


@dataclass
class _State:
    signature: tuple | None = None  # (count, newest updated_at) of SearchWord and SynonymGroup
    checked_at: float | None = None  # time.monotonic() of the last look at the database
    synonyms: dict[str, list[str]] | None = None


_state = _State()
_lock = threading.Lock()


def _signature() -> tuple:
    from .models import SearchWord, SynonymGroup

    words = SearchWord.objects.aggregate(count=Count("pk"), newest=Max("updated_at"))
    groups = SynonymGroup.objects.aggregate(count=Count("pk"), newest=Max("updated_at"))
    return (words["count"], words["newest"], groups["count"], groups["newest"])


def _load() -> tuple[list[str], list[tuple[str, ...]]]:
    """The editors' dictionary words and synonym groups as stored."""
    from .models import SearchWord, SynonymGroup

    words = list(SearchWord.objects.values_list("word", flat=True))
    groups = [tuple(split_group(text)) for text in SynonymGroup.objects.values_list("words", flat=True)]
    return words, [group for group in groups if len(group) >= 2]


def refresh(force: bool = False, *, now: float | None = None) -> bool:
    """Bring this process's vocabulary up to date with the database; True when it was reloaded.

    `now` is a `time.monotonic()` reading (tests pass their own). Without `force` the database is looked
    at only when `REFRESH_SECONDS` have passed since the last look; it is read in full only when its
    state (count and newest change of both tables) differs from what was loaded. A database that cannot
    be read (tables not yet migrated) leaves the shipped vocabulary in place and is tried again later."""
    now = time.monotonic() if now is None else now
    with _lock:
        fresh = _state.checked_at is not None and 0 <= now - _state.checked_at < REFRESH_SECONDS
        if fresh and not force and _state.synonyms is not None:
            return False
        _state.checked_at = now
        try:
            with transaction.atomic():  # a savepoint: a failed read must not spoil the caller's transaction
                signature = _signature()
                if not force and signature == _state.signature and _state.synonyms is not None:
                    return False
                words, groups = _load()
        except DatabaseError:
            logger.warning("search vocabulary: database not readable, using the shipped words only")
            if _state.synonyms is None:
                _state.synonyms = build_synonym_map(file_groups())
            return False
        # Every word of an editor's synonym group is also a dictionary word, so a query keeps it whole and
        # finds its group (the shipped groups' words are in data/dictionary.txt).
        analysis.set_extra_words([*words, *(word for group in groups for word in group)])
        _state.synonyms = build_synonym_map([*file_groups(), *groups])
        _state.signature = signature
        return True


def synonym_map() -> dict[str, list[str]]:
    """word → the other words of every group containing it (shipped groups and the editors'), all
    normalized. Loads the vocabulary on first use; later calls cost nothing."""
    if _state.synonyms is None:
        refresh()
    return _state.synonyms or {}


def analyze(query: str, *, now: float | None = None) -> analysis.QueryAnalysis:
    """What the query side calls: the vocabulary brought up to date (at most one cheap check every
    `REFRESH_SECONDS`), then `analysis.analyze_query` with the synonyms."""
    refresh(now=now)
    return analysis.analyze_query(query, synonym_map())


def reset() -> None:
    """Forget what was loaded and go back to the shipped vocabulary (tests; a process starts this way)."""
    with _lock:
        _state.signature = _state.checked_at = _state.synonyms = None
        analysis.set_extra_words(())
