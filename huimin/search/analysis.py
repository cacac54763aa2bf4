"""Chinese text analysis for search: the same steps for what is indexed and for what is asked.

    normalize("宿遷市 ＡＢＣ")      -> "宿迁市 abc"   (NFKC folds full-width forms, OpenCC t2s, lower case)
    words("社会保险政策解读")     -> ["社会", "保险", "社会保险", "政策", "解读", "政策解读"]
    index_text("…")               -> the words joined by spaces, what the full-text engines store
    pinyin_keys(["适老化", "社保"]) -> ["shilaohua", "slh", "shebao", "sb"]
    analyze_query("shebao 适老花")  -> a QueryAnalysis: terms with their alternatives (pinyin keys, synonyms)

Segmentation is jieba in search mode (long words also yield their parts) with its own tokenizer instance,
loaded with the government-domain dictionary `data/dictionary.txt` and the words editors add
(`extra_words`); stop words are `data/stopwords.txt`. The databases never segment Chinese themselves:
they only split the space-joined words given here. Nothing is downloaded: jieba, OpenCC and pypinyin
carry their dictionaries in their wheels.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
MAX_QUERY_CHARS = 200  # a query is cut to this many characters before analysis
MAX_QUERY_TERMS = 12
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_OR_DIGIT = re.compile(r"^[0-9a-z][0-9a-z.\-_]*$")
WORD_CHARS = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PINYIN_MIN = 2  # Latin query terms at least this long are also tried as pinyin
PHRASE_PINYIN_MAX = 8
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


def _read_lines(name: str) -> list[str]:
    lines = []
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    return frozenset(normalize(word) for word in _read_lines("stopwords.txt"))


def normalize(text: str) -> str:
    """Full-width forms folded (NFKC), traditional characters made simplified, Latin in lower case, control
    characters (NUL, which PostgreSQL refuses in text, among them) made spaces, runs of white space made one
    space."""
    if not text:
        return ""
    text = CONTROL.sub(" ", unicodedata.normalize("NFKC", str(text)))
    if CJK.search(text):
        text = _converter().convert(text)
    return " ".join(text.lower().split())


class _Segmenter:
    """A jieba tokenizer of our own (the global one is left alone), with the shipped dictionary and the
    editors' words; `reload(extra)` swaps in a new tokenizer when the editors' words change.

    jieba's own dictionary plus `data/dictionary.txt` is loaded once per process (the base, about a
    second); a reload copies the base's word table and adds the editors' words, which takes a few tens of
    milliseconds, so an editor's change does not stall the process that picks it up."""

    EXTRA_FREQ = 1000  # an editor's word is at least this frequent, enough to be cut out whole

    def __init__(self):
        self._lock = threading.Lock()
        self._base_lock = threading.Lock()
        self._base_tokenizer = None
        self._tokenizer = None
        self._extra: tuple[str, ...] = ()

    def _base(self):
        if self._base_tokenizer is None:
            with self._base_lock:
                if self._base_tokenizer is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    for line in _read_lines("dictionary.txt"):
                        parts = line.split()
                        word = normalize(parts[0])
                        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                        tokenizer.add_word(word, freq)
                    self._base_tokenizer = tokenizer
        return self._base_tokenizer

    def _build(self, extra: tuple[str, ...]):
        base = self._base()
        if not extra:
            return base  # shared, never changed: only `add_word` writes to a tokenizer's table
        import jieba

        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total = dict(base.FREQ), base.total
        tokenizer.user_word_tag_tab = dict(base.user_word_tag_tab)
        tokenizer.initialized = True
        for word in extra:
            word = normalize(word)
            if word:
                tokenizer.add_word(word, max(self.EXTRA_FREQ, tokenizer.FREQ.get(word, 0)))
        return tokenizer

    def tokenizer(self):
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = self._build(self._extra)
        return self._tokenizer

    def reload(self, extra: tuple[str, ...]) -> None:
        extra = tuple(sorted({w.strip() for w in extra if w and w.strip()}))
        if extra == self._extra and self._tokenizer is not None:
            return
        tokenizer = self._build(extra)
        with self._lock:
            self._tokenizer, self._extra = tokenizer, extra


_segmenter = _Segmenter()


def known_word(word: str) -> bool:
    """Whether the segmenter's dictionary holds `word` (jieba's, ours and the editors')."""
    return bool(_segmenter.tokenizer().FREQ.get(word))


def set_extra_words(words) -> None:
    """Make the editors' dictionary words part of segmentation (called when they change)."""
    _segmenter.reload(tuple(words))


def words(text: str, *, normalized: bool = False) -> list[str]:
    """The searchable words of a text: normalized, segmented in search mode (a long word also gives its
    parts), punctuation and stop words dropped, Latin and digit runs kept whole. Order kept, repeats kept
    (term frequency matters for ranking)."""
    text = text if normalized else normalize(text)
    if not text:
        return []
    stops = stop_words()
    result = []
    for token in _segmenter.tokenizer().cut_for_search(text):
        token = token.strip()
        if not token or token in stops or not WORD_CHARS.search(token):
            continue
        result.append(token)
    return result


def index_text(text: str) -> str:
    """What the full-text engines store for a text: its words joined by single spaces."""
    return " ".join(words(text))


def _pinyin(word: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(word, errors="ignore")
    initials = lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables), "".join(initials)


@lru_cache(maxsize=50_000)
def pinyin_of(word: str) -> tuple[str, str]:
    """(full pinyin, initials) of a Chinese word, e.g. ("shebao", "sb"); ("", "") when it has no Chinese."""
    if not CJK.search(word):
        return "", ""
    return _pinyin(word)


def pinyin_keys(word_list) -> list[str]:
    """Full pinyin and initials of each Chinese word of at least two characters (single characters are
    too ambiguous as initials), in order, without repeats."""
    keys: dict[str, None] = {}
    for word in word_list:
        if len(word) < 2 or not CJK.search(word):
            continue
        full, initials = pinyin_of(word)
        if full:
            keys[full] = None
        if len(initials) >= 2:
            keys[initials] = None
    return list(keys)


PINYIN_VOWELS = set("aeiouv")
PINYIN_SPLIT_MAX_SYLLABLES = 8
PINYIN_SPLITS_MAX = 6


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every pinyin syllable without tones (ü as v, as `lazy_pinyin` writes it), from pypinyin's table."""
    from pypinyin.pinyin_dict import pinyin_dict

    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
            found.add("".join(ch for ch in plain if unicodedata.category(ch) != "Mn"))
    return frozenset(s for s in found if s.isascii() and s.isalpha())


def _syllabify(text: str, limit: int = 4) -> list[list[str]]:
    """Ways to read `text` as a run of pinyin syllables (longest syllables first), at most `limit`."""
    syllables = _syllables()
    found: list[list[str]] = []

    def walk(start: int, parts: list[str]) -> None:
        if len(found) >= limit or len(parts) > PINYIN_SPLIT_MAX_SYLLABLES:
            return
        if start == len(text):
            found.append(list(parts))
            return
        for end in range(min(len(text), start + 6), start, -1):
            if text[start:end] in syllables:
                walk(end, [*parts, text[start:end]])

    walk(0, [])
    return found


def _groupings(count: int) -> list[list[int]]:
    """Ways to cut `count` syllables into words of two to four syllables, two words or more."""
    if count < 2:
        return []
    found = [[first, *rest] for first in (2, 3, 4) if first < count for rest in _groupings(count - first)]
    found += [[first, count - first] for first in (2, 3, 4) if 2 <= count - first <= 4]
    unique = {tuple(g): None for g in found if len(g) >= 2}
    return [list(g) for g in unique]


def pinyin_splits(text: str) -> list[str]:
    """Typed pinyin read as words, each as the index holds a word's pinyin key (space separated): full
    pinyin as words of two to four syllables ("xiangcunzhenxing" → "xiangcun zhenxing"), initials (no
    vowel) as words of two to four letters ("fxkh" → "fx kh"). jieba cuts 乡村振兴 into 乡村 and 振兴, so the
    whole string is never a key of it; its parts are."""
    if not (text.isascii() and text.isalpha()):
        return []
    if not PINYIN_VOWELS & set(text):
        readings = [list(text)] if 4 <= len(text) <= PINYIN_SPLIT_MAX_SYLLABLES else []
    else:
        readings = _syllabify(text, limit=8)
        fewest = min((len(r) for r in readings), default=0)  # the natural reading: xiang cun, not xi ang cun
        readings = [r for r in readings if len(r) == fewest >= 4]
    found: dict[str, None] = {}
    for reading in readings:
        for grouping in _groupings(len(reading)):
            words, start = [], 0
            for size in grouping:
                words.append("".join(reading[start : start + size]))
                start += size
            found[" ".join(words)] = None
            if len(found) >= PINYIN_SPLITS_MAX:
                return list(found)
    return list(found)


@dataclass
class Term:
    """One word of a query and what else may stand for it: synonyms (words) and pinyin keys."""

    text: str
    synonyms: list[str] = field(default_factory=list)
    pinyin: list[str] = field(default_factory=list)

    @property
    def is_latin(self) -> bool:
        return bool(LATIN_OR_DIGIT.match(self.text))


@dataclass
class QueryAnalysis:
    raw: str
    normalized: str
    terms: list[Term]
    # The pinyin of each run of Chinese characters in the query (up to PHRASE_PINYIN_MAX characters): a
    # misspelt word that jieba cuts apart (适老花 → 适 / 老花) still meets 适老化 by its sound.
    phrase_pinyin: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms

    def all_words(self) -> list[str]:
        """Every word the query may match (terms and synonyms), for highlighting."""
        seen: dict[str, None] = {}
        for term in self.terms:
            seen[term.text] = None
            for synonym in term.synonyms:
                seen[synonym] = None
        return list(seen)


def _query_words(text: str) -> list[str]:
    """The query's words: for a query, the longest words jieba finds (plain mode), so that 政府网站工作要点
    asks for that phrase's words rather than every sub-word; parts are only kept when nothing longer covers
    them."""
    stops = stop_words()
    result = []
    for token in _segmenter.tokenizer().cut(text):
        token = token.strip()
        if token and token not in stops and WORD_CHARS.search(token):
            result.append(token)
    return result


def analyze_query(query: str, synonyms: dict[str, list[str]] | None = None) -> QueryAnalysis:
    """A query cut to `MAX_QUERY_CHARS`, normalized and segmented; each term with its synonyms (from the
    `synonyms` map: word → other words of its group) and its pinyin keys (a Chinese term's own pinyin, so a
    homophone misspelling meets the right word; a Latin term of letters as itself, as typed pinyin, and
    as the words it may be, `pinyin_splits`)."""
    raw = (query or "")[:MAX_QUERY_CHARS]
    normalized = normalize(raw)
    synonyms = synonyms or {}
    terms: list[Term] = []
    seen = set()
    for word in _query_words(normalized):
        if word in seen:
            continue
        seen.add(word)
        term = Term(word, synonyms=[s for s in synonyms.get(word, []) if s != word])
        if CJK.search(word) and len(word) >= 2:
            full, _initials = pinyin_of(word)
            term.pinyin = [full] if full else []
        elif word.isalpha() and word.isascii() and len(word) >= PINYIN_MIN:
            term.pinyin = [word, *pinyin_splits(word)]
        terms.append(term)
        if len(terms) >= MAX_QUERY_TERMS:
            break
    phrases: dict[str, None] = {}
    for run in CJK_RUN.findall(normalized):
        if len(run) <= PHRASE_PINYIN_MAX:
            full, _initials = pinyin_of(run)
            if full:
                phrases[full] = None
    return QueryAnalysis(raw=raw, normalized=normalized, terms=terms, phrase_pinyin=list(phrases))
