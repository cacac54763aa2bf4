"""The search bench's corpus and query set: documents generated from the seed documents' sentences
(huimin/demo/data/seeds) and the demo's topics, title templates and sentences as they were when the bench was
first run (`corpus.json`, so that the corpus does not change with the demo's content), deterministic for a
given seed, and a fixed list of queries, each with what a document must contain to be relevant to it.

    from generate import documents, QUERIES, relevant
    docs = documents(100_000)            # [sources.DocumentData], keys bench:1 … bench:100000
    truth = relevant(docs, QUERIES)      # query text → set of keys

A document is relevant to a query when its title, keywords or body contain, for every group of the
query's `truth`, one of the group's words, once the text is normalized (one seed document is in
traditional characters; normalizing folds them to simplified, as a searcher means them). The same judgement
applies to every engine, so recall compares like with like.
"""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent.parent
DEMO_DATA = REPO / "huimin" / "demo" / "data"
CORPUS = Path(__file__).resolve().parent / "corpus.json"
DICTIONARY = REPO / "huimin" / "search" / "data" / "dictionary.txt"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20261123
PLACES = ["宿迁市", "宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县", "湖滨新区", "经济技术开发区"]
# Kinds of published thing, weighted roughly as a site group holds them.
KINDS = {"article": 50, "policy": 20, "interpretation": 8, "guide": 10, "letter": 8, "topic": 1, "dataset": 3}
# Sentences that carry the dictionary's service words (社会保险, 公共租赁住房 …), so synonym queries have
# documents to find.
SERVICE_SENTENCES = [
    "{place}进一步规范{word}办理流程，压减申请材料和办理时限。",
    "群众可通过政务服务网查询{word}相关政策和办事指南。",
    "{place}开展{word}政策宣传，解答群众关心的热点问题。",
]
SENTENCE_END = re.compile(r"(?<=[。！？；])")

# (query as typed, what a relevant document contains: every group, one of its words; why it is in the set)
QUERIES = [
    ("政务公开", [["政务公开"]], "word"),
    ("优化营商环境", [["优化营商环境"]], "phrase"),
    ("安全生产", [["安全生产"]], "word"),
    ("乡村振兴", [["乡村振兴"]], "word"),
    ("养老服务", [["养老服务"]], "word"),
    ("数字政府建设", [["数字政府"]], "phrase"),
    ("政府网站工作要点", [["政府网站"], ["工作要点"]], "phrase of two words"),
    ("网民留言办理", [["网民留言", "留言", "市长信箱"], ["办理"]], "phrase of two words, with synonyms"),
    ("义务教育 入学", [["义务教育"], ["入学"]], "two words"),
    ("食品安全 检查", [["食品安全"], ["检查"]], "two words"),
    ("一网通办", [["一网通办"]], "word"),
    ("适老化改造", [["适老化"]], "word"),
    ("優化營商環境", [["优化营商环境"]], "traditional characters"),
    ("鄉村振興", [["乡村振兴"]], "traditional characters"),
    ("政務公開", [["政务公开"]], "traditional characters"),
    ("shilaohua", [["适老化"]], "pinyin"),
    ("xiangcunzhenxing", [["乡村振兴"]], "pinyin"),
    ("yiwangtongban", [["一网通办"]], "pinyin"),
    ("fxkh", [["防汛抗旱"]], "pinyin initials"),
    ("适老花改造", [["适老化"]], "misspelt (homophone)"),
    ("防汛抗汗", [["防汛抗旱"]], "misspelt (homophone)"),
    ("营商环竟", [["营商环境"]], "misspelt (homophone)"),
    ("社保", [["社保", "社会保险"]], "synonym"),
    ("低保", [["低保", "最低生活保障"]], "synonym"),
    ("公租房", [["公租房", "公共租赁住房"]], "synonym"),
    ("开放数据", [["开放数据", "数据开放", "公共数据"]], "synonym"),
]


def _sentences() -> list[str]:
    found = []
    for path in sorted((DEMO_DATA / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for sentence in SENTENCE_END.split(line.strip()):
                sentence = sentence.strip()
                if 8 <= len(sentence) <= 200:
                    found.append(sentence)
    return found


def _dictionary_words() -> list[str]:
    words = []
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.append(line.split()[0])
    return words


def documents(count: int, seed: int = SEED) -> list:
    """`count` generated documents as `sources.DocumentData` (needs Django set up)."""
    from huimin.search.sources import DocumentData

    rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
    group = json.loads(CORPUS.read_text(encoding="utf-8"))
    topics = group["topics"]
    titles = [t for templates in group["titles"].values() for t in templates]
    demo_sentences = group["sentences"]
    seed_sentences = _sentences()
    words = _dictionary_words()
    kinds, weights = list(KINDS), list(KINDS.values())
    start = datetime(2015, 1, 1, 9, tzinfo=SHANGHAI)
    span = (datetime(2026, 11, 1, tzinfo=SHANGHAI) - start).days
    out = []
    for number in range(1, count + 1):
        topic, place, word = rng.choice(topics), rng.choice(PLACES), rng.choice(words)
        title = rng.choice(titles).format(place=place, topic=topic)
        parts = []
        for _ in range(rng.randint(4, 10)):
            roll = rng.random()
            if roll < 0.55:
                parts.append(rng.choice(seed_sentences))
            elif roll < 0.85:
                parts.append(rng.choice(demo_sentences).format(place=place, topic=rng.choice(topics)))
            else:
                parts.append(rng.choice(SERVICE_SENTENCES).format(place=place, word=rng.choice(words)))
        out.append(
            DocumentData(
                key=f"bench:{number}",
                kind=rng.choices(kinds, weights)[0],
                site_id=None,
                title=title,
                url=f"http://127.0.0.1:8000/bench/{number}/",
                topic=topic,
                keywords=f"{topic},{word}",
                body="".join(parts),
                published_at=start + timedelta(days=rng.randrange(span), minutes=rng.randrange(600)),
            )
        )
    return out


def relevant(docs, queries=QUERIES) -> dict[str, set[str]]:
    """For each query, the keys of the documents relevant to it."""
    from huimin.search.analysis import normalize

    found: dict[str, set[str]] = {text: set() for text, _truth, _why in queries}
    for doc in docs:
        text = normalize(f"{doc.title}\n{doc.keywords}\n{doc.body}")
        for query, truth, _why in queries:
            if all(any(word in text for word in group) for group in truth):
                found[query].add(doc.key)
    return found
