"""Ranking and results on a fixed corpus are what they were before the PostgreSQL engine moved its vectors to
`huimin_search_vector` (migration 0010, issue 25): the same documents, in the same order, with the same
scores, for words, phrases, synonyms, pinyin, initials, misspellings, both modes, filters, facets, the tiers
and the results page, on both engines. `data/ranking_before.json` holds what the engines answered before the
change (one section per engine), recorded from the code of that time on this corpus.

On PostgreSQL with the RUM extension, the order *within* a tier of a query with more than `tier_above`
matches is RUM's (decision 0009, 2026-12-07): there the tiers are checked for holding the same documents
with the same total, and the order recorded before is checked without RUM (the fallback)."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from huimin.search import backends, queries
from huimin.search.models import SearchDocument

from .factories import NOW, document, query

pytestmark = pytest.mark.django_db

BEFORE = Path(__file__).resolve().parent / "data" / "ranking_before.json"

# (title, keywords, body, kind, topic, age in days or None for undated)
CORPUS = [
    (
        "蓝鲸湾适老化改造实施方案",
        "适老化,蓝鲸湾",
        "蓝鲸湾推进居家适老化改造，为困难老年人家庭改造卫生间和扶手。",
        "policy",
        "养老",
        30,
    ),
    (
        "翠屏岭社保经办指南",
        "社保",
        "办理社会保险登记需要身份证明，翠屏岭经办窗口提供一次办好服务。",
        "guide",
        "社保",
        200,
    ),
    (
        "蓝鲸湾社会保险费征缴通知",
        "社会保险",
        "蓝鲸湾各单位应按时足额缴纳社会保险费，逾期将加收滞纳金。",
        "article",
        "社保",
        10,
    ),
    (
        "一网通办服务指南",
        "一网通办,政务服务",
        "群众可通过一网通办平台办理社保、公积金和不动产登记。",
        "guide",
        "政务服务",
        400,
    ),
    (
        "翠屏岭防汛抗旱工作部署",
        "防汛抗旱",
        "翠屏岭召开防汛抗旱工作会议，部署汛期值班和物资储备。",
        "article",
        "应急",
        60,
    ),
    (
        "蓝鲸湾防汛抗旱应急预案",
        "防汛抗旱,应急预案",
        "预案明确防汛抗旱指挥机构职责，蓝鲸湾各村落实巡查责任。",
        "policy",
        "应急",
        700,
    ),
    (
        "关于适老化改造补贴的政策解读",
        "适老化",
        "本文解读适老化改造补贴标准，符合条件的家庭可申请补贴。",
        "interpretation",
        "养老",
        90,
    ),
    (
        "最低生活保障审批办法",
        "低保",
        "最低生活保障对象每年复核一次，低保金按月发放。",
        "policy",
        "救助",
        1200,
    ),
    ("翠屏岭低保对象公示", "低保", "翠屏岭公示本季度新增低保对象名单，接受群众监督。", "article", "救助", 5),
    (
        "蓝鲸湾公共租赁住房配租公告",
        "公租房",
        "蓝鲸湾第三批公共租赁住房开始配租，请申请人按时选房。",
        "article",
        "住房",
        15,
    ),
    (
        "公租房申请条件",
        "公租房,住房保障",
        "申请公租房需在本市无自有住房，家庭收入符合规定标准。",
        "guide",
        "住房",
        300,
    ),
    ("翠屏岭步道开放通知", "", "翠屏岭步道修缮完成，周末向游客开放，蓝鲸湾码头同步开放。", "article", "", 3),
    ("一则通知", "", "蓝鲸湾 蓝鲸湾 蓝鲸湾 近日开放 码头 观景台", "article", "", 20),
    (
        "政府网站工作要点",
        "政府网站",
        "今年政府网站工作要点包括集约化建设、政务公开和互动交流。",
        "policy",
        "政务公开",
        100,
    ),
    (
        "政务公开工作方案",
        "政务公开",
        "推进政务公开标准化规范化，做好政府网站和政务新媒体管理。",
        "policy",
        "政务公开",
        500,
    ),
    (
        "网民留言办理情况",
        "留言",
        "本月共收到网民留言120件，已办理答复115件，市长信箱运行平稳。",
        "article",
        "互动",
        40,
    ),
    (
        "市长信箱工作制度",
        "市长信箱",
        "市长信箱来信由专人登记，按时转办、督办和办理回复。",
        "policy",
        "互动",
        None,
    ),
    (
        "开放数据目录",
        "数据开放",
        "公共数据开放目录每季度更新，提供数据集下载和接口服务。",
        "dataset",
        "数据",
        25,
    ),
    (
        "翠屏岭义务教育入学通知",
        "义务教育,入学",
        "翠屏岭义务教育阶段新生入学登记于七月开始。",
        "article",
        "教育",
        50,
    ),
    (
        "蓝鲸湾食品安全检查通报",
        "食品安全",
        "蓝鲸湾开展食品安全专项检查，发现问题已督促整改。",
        "article",
        "食品",
        8,
    ),
    (
        "优化营商环境若干措施",
        "优化营商环境",
        "进一步优化营商环境，企业开办一个工作日内办结。",
        "policy",
        "营商",
        150,
    ),
    ("营商环境评价报告", "营商环境", "营商环境评价显示企业满意度持续提升。", "article", "营商", 2000),
    (
        "翠屏岭乡村振兴规划",
        "乡村振兴",
        "翠屏岭以乡村振兴为抓手，发展特色农业和乡村旅游。",
        "policy",
        "农业",
        365,
    ),
    ("蓝鲸湾", "", "", "article", "", 1),
]

# (query as typed, mode, filters): each answered by `queries.match` (every match, best first).
MATCHES = [
    ("适老化", "all", {}),
    ("适老花", "all", {}),
    ("shilaohua", "all", {}),
    ("slh", "all", {}),
    ("社保", "all", {}),
    ("社会保险", "all", {}),
    ("低保", "all", {}),
    ("公租房", "all", {}),
    ("开放数据", "all", {}),
    ("蓝鲸湾", "all", {}),
    ("蓝鲸湾", "all", {"kinds": ("article",)}),
    ("蓝鲸湾", "all", {"topic": "社保"}),
    ("蓝鲸湾 社保", "all", {}),
    ("蓝鲸湾 翠屏岭", "all", {}),
    ("蓝鲸湾 翠屏岭", "any", {}),
    ("翠屏岭 步道 码头", "any", {}),
    ("防汛抗旱", "all", {}),
    ("fxkh", "all", {}),
    ("防汛抗汗", "all", {}),
    ("一网通办", "all", {}),
    ("yiwangtongban", "all", {}),
    ("政府网站工作要点", "all", {}),
    ("政务公开", "all", {}),
    ("政務公開", "all", {}),
    ("网民留言办理", "all", {}),
    ("义务教育 入学", "all", {}),
    ("食品安全 检查", "all", {}),
    ("优化营商环境", "all", {}),
    ("營商環境", "all", {}),
    ("xiangcunzhenxing", "all", {}),
    ("'; DROP TABLE huimin_search_searchdocument; --", "any", {}),
]

# Queries answered in two tiers (`tier_above` lowered to 3): title and keyword matches first.
TIERED = ["蓝鲸湾", "翠屏岭", "社保", "政务公开"]

PAGES = ["适老化", "社保", "蓝鲸湾", "防汛抗旱", "低保 申请"]


def build_corpus() -> dict[int, str]:
    """The corpus written through the services, alone in the index (the demo's documents, when a test
    before built it, are removed inside this test's transaction); document id → key."""
    SearchDocument.objects.all().delete()
    keys = {}
    for number, (title, keywords, body, kind, topic, age) in enumerate(CORPUS, start=1):
        published = None if age is None else NOW - timedelta(days=age)
        doc = document(
            f"fixed:{number}",
            title=title,
            keywords=keywords,
            body=body,
            kind=kind,
            topic=topic,
            published_at=published,
        )
        keys[doc.pk] = doc.key
    return keys


def _rows(keys, rows):
    return [[keys[pk], score] for pk, score in rows]


def answers(keys: dict[int, str], *, tiered: bool = True) -> dict:
    """What the engine answers on the corpus: matches, facet counts, tiers and the results page."""
    out: dict = {"matches": {}, "facets": {}, "tiers": {}, "pages": {}}
    for text, mode, filters in MATCHES:
        name = f"{text}|{mode}|{json.dumps(filters, ensure_ascii=False, sort_keys=True)}"
        total, rows = queries.match(query(text), mode=mode, limit=1000, **filters)
        out["matches"][name] = {"total": total, "rows": _rows(keys, rows)}
        counts = queries.facet_counts(query(text), mode=mode, **filters)
        out["facets"][name] = {facet: sorted(values.items(), key=str) for facet, values in counts.items()}
    if tiered:
        engine = backends.engine()
        for text in TIERED:
            total, rows = engine.match(query(text), limit=1000, tier_above=3)
            out["tiers"][text] = {"total": total, "rows": _rows(keys, rows)}
    for text in PAGES:
        found = queries.search(text, site=None, scope="group", now=NOW)
        out["pages"][text] = {
            "total": found.total,
            "partial": found.partial,
            "rows": [[item.document.key, item.score] for item in found.results],
            "did_you_mean": found.did_you_mean,
        }
    return out


def assert_same(now: dict, before: dict, where: str) -> None:
    """The same keys in the same order; scores equal (to a float4's precision: PostgreSQL's ts_rank_cd
    answers a float4, and the first tier divides by the length after rounding, see backends.py)."""
    assert now["total"] == before["total"], where
    assert [key for key, _s in now["rows"]] == [key for key, _s in before["rows"]], where
    for (key, score), (_key, old) in zip(now["rows"], before["rows"], strict=True):
        assert math.isclose(score, old, rel_tol=1e-6), (where, key, score, old)


def recorded() -> dict:
    return json.loads(BEFORE.read_text(encoding="utf-8"))[connection.vendor]


def test_matches_facets_and_the_results_page_are_as_before():
    before = recorded()
    keys = build_corpus()
    now = answers(keys, tiered=False)
    for name, result in before["matches"].items():
        assert_same(now["matches"][name], result, name)
    for name, counts in before["facets"].items():
        assert {
            facet: [list(item) for item in values] for facet, values in now["facets"][name].items()
        } == counts
    for text, page in before["pages"].items():
        assert now["pages"][text]["did_you_mean"] == page["did_you_mean"], text
        assert now["pages"][text]["partial"] == page["partial"], text
        assert_same(now["pages"][text], page, text)


def _tiers(keys) -> dict:
    engine = backends.engine()
    out = {}
    for text in TIERED:
        total, rows = engine.match(query(text), limit=1000, tier_above=3)
        out[text] = {"total": total, "rows": _rows(keys, rows)}
    return out


def _without_rum(monkeypatch):
    monkeypatch.setattr(backends.PostgresEngine, "rum_columns", staticmethod(lambda: frozenset()))


def test_the_tiers_are_as_before(monkeypatch):
    """Without RUM (SQLite; PostgreSQL's fallback) the tiers hold the same documents in the same order."""
    if connection.vendor == "postgresql":
        _without_rum(monkeypatch)
    before = recorded()["tiers"]
    now = _tiers(build_corpus())
    for text, result in before.items():
        assert_same(now[text], result, text)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="RUM is a PostgreSQL extension")
def test_with_rum_each_tier_holds_the_same_documents_ranked_inside_the_index():
    if not backends.PostgresEngine.rum_columns():
        pytest.skip("the RUM extension is not available on this server")
    before = recorded()["tiers"]
    keys = build_corpus()
    now = _tiers(keys)
    engine = backends.engine()
    tiered = 0
    for text, result in before.items():
        assert now[text]["total"] == result["total"], text
        expression = backends.build_expression(query(text), "all")
        head = engine._count(
            engine._prepared(backends.titles_only(expression), backends.HEAD), backends.Filters()
        )
        rows, old = now[text]["rows"], result["rows"]
        if result["total"] <= 3:  # at or under tier_above: relevance alone, exactly as before
            assert_same(now[text], result, text)
            continue
        tiered += 1
        assert 0 < head <= len(rows)
        for part in (slice(0, head), slice(head, None)):
            assert {key for key, _s in rows[part]} == {key for key, _s in old[part]}, (text, part)
            scores = [score for _key, score in rows[part]]
            assert scores == sorted(scores, reverse=True) and all(score > 0 for score in scores), (text, part)
    assert tiered == 2
