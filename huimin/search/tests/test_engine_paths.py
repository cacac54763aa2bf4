"""Every path of the engines under hostile queries, and on PostgreSQL the indexes each path uses and the
fallback where the RUM extension is missing (issue 25). The corpus is the fixed one of
`test_ranking_unchanged`; `tier_above` is lowered so that both tiers are taken."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huimin.search import backends, queries

from .factories import NOW, query
from .test_ranking_unchanged import TIERED, _rows, build_corpus, recorded

pytestmark = pytest.mark.django_db

HOSTILE = [
    "'; DROP TABLE huimin_search_vector; --",
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "蓝鲸湾 & !翠屏岭 | 码头:* <-> 步道",  # tsquery syntax
    "\\' \\\\ '' \\",
    "国" * 1000 + "a" * 5000,
    "鏀垮姟鍏紑",  # 政务公开 in UTF-8 read as GBK
    "\ufffd\ufffd\ufffd",  # GBK bytes a browser sent as they were (invalid UTF-8, replaced)
    "？！。，、……——《》“”",  # punctuation only
    "社保\x00缴费\x1b",
]


@pytest.fixture
def tiers_taken(monkeypatch):
    real = queries.ranking()
    monkeypatch.setattr(queries, "ranking", lambda: {**real, "tier_above": 1})


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_take_every_path_without_an_error(tiers_taken, text):
    build_corpus()
    for mode in ("all", "any"):
        for filters in ({}, {"kinds": ("article", "policy"), "year": 2026}):
            total, rows = queries.match(query(text), mode=mode, limit=50, **filters)
            assert total >= len(rows) and all(score >= 0 for _pk, score in rows)
            assert queries.facets_and_total(query(text), mode=mode, **filters)[0] == total
    found = queries.search(text, site=None, scope="group", now=NOW)
    assert found.total == len(found.results) == 0 or found.total >= len(found.results)
    assert queries.match(query("蓝鲸湾"), limit=1)[0] == 8  # and nothing was changed


def test_words_wrapped_in_hostile_syntax_are_only_words(tiers_taken):
    build_corpus()
    total, _rows = queries.match(query("蓝鲸湾 & !翠屏岭 | 码头:*"), mode="any", limit=50)
    assert total == queries.match(query("蓝鲸湾 翠屏岭 码头"), mode="any", limit=0)[0] > 0


HOST = {"HTTP_HOST": "127.0.0.1"}


@pytest.mark.parametrize("text", HOSTILE)
def test_the_results_page_answers_hostile_queries_clearly(client, demo, text):
    response = client.get("/search/", {"q": text, "scope": "group"}, **HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    answered = ("共找到" in html and "条结果" in html) or "没有可以查找的词语" in html
    assert answered, text
    if text.startswith(("？", "\ufffd")):
        assert "没有可以查找的词语" in html


def test_gbk_bytes_in_the_address_are_answered_not_refused(client, demo):
    response = client.get("/search/?q=%D5%FE%CE%F1%B9%AB%BF%AA&scope=group", **HOST)  # 政务公开 in GBK
    assert response.status_code == 200
    assert "没有可以查找的词语" in response.content.decode()


# --- PostgreSQL: the indexes and the fallback ---------------------------------------------------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's vector table")


def _plans(statements) -> list[str]:
    plans = []
    with connection.cursor() as cursor:
        # A corpus this small would be read whole and sorted; without those choices the plan shows what
        # the statement can use on a large one.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        for sql in statements:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@postgres_only
def test_each_tier_is_answered_from_its_own_index_without_weights():
    build_corpus()
    with CaptureQueriesContext(connection) as captured:
        total, rows = backends.engine().match(query("蓝鲸湾"), limit=8, tier_above=1)
    assert total == 8 and len(rows) == 8  # the first tier (6 titled) and the second (2 in the body)
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if "FROM huimin_search_vector d" in q["sql"] or "FROM huimin_search_title d" in q["sql"]
    ]
    assert all(":A" not in sql and ":D" not in sql and "'P:" in sql for sql in statements)
    count, head, rest = _plans(statements)
    assert "huimin_search_vector_gin" in count or "huimin_search_vector_rum" in count
    assert "huimin_search_searchdocument" not in count + head + rest  # never the wide document rows
    if backends.PostgresEngine.rum_columns():
        assert "Index Scan using huimin_search_vector_title_rum" in head and "Order By" in head
    else:  # the first tier from its own table, whose title vectors are in the rows (migration 0011)
        assert "huimin_search_title_gin" in head and "huimin_search_vector" not in head


@postgres_only
def test_without_rum_the_first_tier_is_read_from_the_title_table(monkeypatch):
    build_corpus()
    _drop_rum()
    _forget_rum(monkeypatch)
    with CaptureQueriesContext(connection) as captured:
        total, rows = backends.engine().match(query("蓝鲸湾"), limit=8, tier_above=1)
    assert total == 8 and len(rows) == 8
    head = [q["sql"] for q in captured.captured_queries if "FROM huimin_search_title d" in q["sql"]]
    assert len(head) == 1 and "ts_rank_cd" in head[0]
    (plan,) = _plans(head)
    assert "huimin_search_title_gin" in plan, plan


def _drop_rum():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'rum'")
        if not cursor.fetchone()[0]:
            pytest.skip("the RUM extension is not installed on this server")
        cursor.execute("DROP EXTENSION rum CASCADE")  # and its indexes: undone with the test's transaction


def _forget_rum(monkeypatch):
    """A process that has not looked for the RUM indexes yet (restored after the test)."""
    for key, value in (("checked", float("-inf")), ("columns", frozenset()), ("told", False)):
        monkeypatch.setitem(backends._rum_state, key, value)


@postgres_only
def test_without_rum_search_works_as_before_and_says_so_once(caplog, monkeypatch):
    keys = build_corpus()
    _drop_rum()
    _forget_rum(monkeypatch)
    engine = backends.engine()
    with caplog.at_level(logging.WARNING, logger="huimin.search.backends"):
        for text, result in recorded()["tiers"].items():
            total, rows = engine.match(query(text), limit=1000, tier_above=3)
            assert total == result["total"]
            assert [key for key, _s in _rows(keys, rows)] == [key for key, _s in result["rows"]], text
        assert backends.PostgresEngine.rum_columns() == frozenset()
    lines = [r.getMessage() for r in caplog.records if "RUM" in r.getMessage()]
    assert len(lines) == 1 and "docs/operations.md" in lines[0]


@postgres_only
def test_a_role_that_may_not_create_the_extension_gets_one_line_and_no_error(caplog, monkeypatch):
    build_corpus()
    _drop_rum()
    _forget_rum(monkeypatch)
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE huimin_search_no_rum")  # undone with the test's transaction
        cursor.execute("SET ROLE huimin_search_no_rum")
    with caplog.at_level(logging.WARNING, logger="huimin.search.backends"):
        assert backends.ensure_rum() is False
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    lines = [r.getMessage() for r in caplog.records if "rum" in r.getMessage()]
    assert len(lines) == 1 and "extension rum not available" in lines[0]
    assert backends.PostgresEngine.rum_columns() == frozenset()
    assert queries.match(query("蓝鲸湾"), limit=3)[0] == 8
    # A superuser (the administrator, then `huimin search-reindex`) brings the indexes back.
    assert backends.ensure_rum() is True
    assert backends.PostgresEngine.rum_columns() == frozenset(backends.RUM_INDEXES)


@postgres_only
def test_with_rum_off_by_setting_the_indexes_are_neither_made_nor_used_and_nothing_is_logged(
    caplog, monkeypatch, settings
):
    keys = build_corpus()
    _forget_rum(monkeypatch)
    settings.HUIMIN_SEARCH_RUM = False  # the default outside the tests
    with caplog.at_level(logging.WARNING, logger="huimin.search.backends"):
        assert backends.ensure_rum() is False
        assert backends.PostgresEngine.rum_columns() == frozenset()
        for text, result in recorded()["tiers"].items():  # ranked exactly as without the extension
            total, rows = backends.engine().match(query(text), limit=1000, tier_above=3)
            assert total == result["total"]
            assert [key for key, _s in _rows(keys, rows)] == [key for key, _s in result["rows"]], text
    assert not [r for r in caplog.records if "rum" in r.getMessage().lower()]


def test_the_first_tier_of_every_tiered_query_is_title_and_keyword_matches():
    keys = build_corpus()
    for text in TIERED:
        total, rows = backends.engine().match(query(text), limit=1000, tier_above=3)
        if total <= 3:
            continue
        titled = [key for key, _s in _rows(keys, rows) if any(word in _title(key) for word in text.split())]
        assert [key for key, _s in _rows(keys, rows)][: len(titled)] == titled, text


def _title(key: str) -> str:
    from .test_ranking_unchanged import CORPUS

    title, keywords, *_rest = CORPUS[int(key.split(":")[1]) - 1]
    return f"{title} {keywords}"


@postgres_only
def test_a_large_second_tier_is_scored_over_its_newest_matches_only(monkeypatch):
    """Above `rest_scored` body-only matches, the second tier's page comes from its newest `rest_scored`,
    ranked as every match is; the total and the first tier are unchanged, and at or below the bound (every
    page of `test_ranking_unchanged`) the whole tier is scored as before."""
    from datetime import timedelta

    from huimin.search.models import SearchDocument

    from .factories import document

    SearchDocument.objects.all().delete()
    titled = document(
        "rest:titled", title="银杏湖开放", body="银杏湖", published_at=NOW - timedelta(days=400)
    )
    # The strongest body match is the oldest; eight weaker ones are newer, one a day.
    strong = document(
        "rest:strong",
        title="公告",
        body="银杏湖 银杏湖 银杏湖 银杏湖",
        published_at=NOW - timedelta(days=300),
    )
    weaker = [
        document(
            f"rest:{day}", title="通知", body=f"第{day}号 银杏湖", published_at=NOW - timedelta(days=day)
        )
        for day in range(1, 9)
    ]
    engine = backends.engine()
    _forget_rum(monkeypatch)
    monkeypatch.setattr(backends.PostgresEngine, "rum_columns", staticmethod(lambda: frozenset()))
    whole = engine.match(query("银杏湖"), limit=4, tier_above=1)
    assert whole[0] == 10 and [pk for pk, _s in whole[1]][:2] == [titled.pk, strong.pk]
    with CaptureQueriesContext(connection) as captured:
        bounded = engine.match(query("银杏湖"), limit=4, tier_above=1, rest_scored=5)
    assert bounded[0] == 10 and bounded[1][0][0] == titled.pk
    newest_five = {doc.pk for doc in weaker[:5]}
    assert {pk for pk, _s in bounded[1][1:]} <= newest_five and strong.pk not in dict(bounded[1])
    assert any("LIMIT 5) n JOIN huimin_search_vector d" in q["sql"] for q in captured.captured_queries)
    # At the bound, the whole second tier is scored.
    assert engine.match(query("银杏湖"), limit=4, tier_above=1, rest_scored=9) == whole
