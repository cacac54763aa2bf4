"""The full-text engines: how an analysed query becomes an engine query (every word quoted, nothing else),
ranking by field, paging, facets, and the engine's copy kept in step. The same tests run on SQLite (FTS5)
and, in CI, on PostgreSQL (tsvector); the few that look at one engine's storage say so.

Documents here use made-up words (蓝鲸湾, 翠屏岭 …) so the demo content, when present, never matches."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection

from huimin.search import analysis, backends, queries, services
from huimin.search.analysis import QueryAnalysis, Term
from huimin.search.backends import All, Any, PostgresEngine, SqliteEngine, Words, build_expression
from huimin.search.models import SearchDocument

from .factories import NOW, document, ids, query

pytestmark = pytest.mark.django_db


# --- the query expression (no database) ---------------------------------------------------------------


def test_each_term_matches_its_text_synonyms_or_pinyin():
    analysed = QueryAnalysis(
        raw="社保", normalized="社保", terms=[Term("社保", synonyms=["社会保险"], pinyin=["shebao"])]
    )
    # 社会保险 is one word (its documents hold it whole); a synonym that is not needs all its words.
    assert build_expression(analysed, "all") == Any(
        (Words("text", (("社保",), ("社会保险",))), Words("pinyin", (("shebao",),)))
    )
    phrase = QueryAnalysis(raw="x", normalized="x", terms=[Term("翠屏岭", synonyms=["蓝鲸湾 码头"])])
    assert build_expression(phrase, "all") == Words("text", (("翠屏岭",), ("蓝鲸", "湾", "码头")))


def test_the_expression_is_flattened_with_repeats_dropped_and_leaves_of_a_field_merged():
    # A run's pinyin is also its one term's pinyin: it is asked for once, not twice.
    analysed = QueryAnalysis(
        raw="蓝鲸湾",
        normalized="蓝鲸湾",
        terms=[Term("蓝鲸湾", synonyms=["翠屏岭"], pinyin=["lanjingwan"])],
        phrase_pinyin=["lanjingwan"],
    )
    assert build_expression(analysed, "all") == Any(
        (Words("text", (("蓝鲸湾",), ("翠屏", "岭"))), Words("pinyin", (("lanjingwan",),)))
    )
    nested = Any((Any((Words("text", (("a",),)), Words("pinyin", (("b",),)))), Words("text", (("c",),))))
    assert backends._simplified(nested) == Any((Words("text", (("a",), ("c",))), Words("pinyin", (("b",),))))
    assert backends._simplified(All((All((Words("text", (("a",),)),)), Words("text", (("a",),))))) == Words(
        "text", (("a",),)
    )


def test_in_all_mode_a_runs_pinyin_stands_in_for_the_terms_cut_from_it():
    analysed = QueryAnalysis(
        raw="适老花 改造",
        normalized="适老花 改造",
        terms=[Term("适"), Term("老花", pinyin=["laohua"]), Term("改造", pinyin=["gaizao"])],
        phrase_pinyin=["shilaohua", "gaizao"],
    )
    expression = build_expression(analysed, "all")
    assert isinstance(expression, All) and len(expression.parts) == 2
    misspelt, second = expression.parts
    assert misspelt.parts[-1] == Words("pinyin", (("shilaohua",),))
    assert misspelt.parts[0] == All(
        (Words("text", (("适",),)), Any((Words("text", (("老花",),)), Words("pinyin", (("laohua",),)))))
    )
    assert second.parts[-1] == Words("pinyin", (("gaizao",),))


def test_in_any_mode_one_term_or_phrase_is_enough():
    analysed = QueryAnalysis(raw="", normalized="", terms=[Term("甲"), Term("乙")], phrase_pinyin=["jiayi"])
    assert build_expression(analysed, "any") == Any(
        (Words("text", (("甲",), ("乙",))), Words("pinyin", (("jiayi",),)))
    )


def test_words_that_could_never_match_are_dropped_and_an_empty_query_matches_nothing():
    analysed = QueryAnalysis(raw="", normalized="", terms=[Term("😀"), Term("——")], phrase_pinyin=[""])
    assert build_expression(analysed, "all") is None
    assert queries.match(analysed) == (0, [])
    assert queries.facet_counts(analysed)["kind"] == {}


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        build_expression(query("宿迁"), "some")


def test_the_sqlite_query_quotes_every_word():
    expression = Any((Words("text", (('a"b',), ("c", "d"))), Words("pinyin", (("NEAR",),))))
    assert SqliteEngine().render(expression) == (
        '(({title keywords body} : ("a""b" OR ("c" AND "d"))) OR (pinyin : ("NEAR")))'
    )


def test_the_postgres_query_quotes_every_lexeme_and_prefixes_pinyin_keys_without_weights():
    expression = All((Words("text", (("it's",), ("a\\b",))), Words("pinyin", (("x", "y"),))))
    assert PostgresEngine().render(expression) == "(('it''s' | 'a\\\\b') & (('P:x' & 'P:y')))"


def test_the_first_tier_looks_in_titles_and_keywords_and_the_second_leaves_it_out():
    expression = Any((Words("text", (("a",),)), Words("pinyin", (("b",),))))
    head = backends.titles_only(expression)
    assert head == Any((Words("titles", (("a",),)), Words("pinyin", (("b",),))))
    assert SqliteEngine().render(backends.Without(expression, head)) == (
        '(((({title keywords body} : ("a")) OR (pinyin : ("b")))) NOT ((({title keywords} : ("a")) '
        'OR (pinyin : ("b")))))'
    )
    # PostgreSQL: the second tier is the query over every word without the first over titles and keywords.
    assert PostgresEngine()._prepared(backends.Without(expression, head), backends.REST) == (
        backends.PostgresMatch("rest", "(('a') | ('P:b'))", "(('a') | ('P:b'))")
    )
    head_match = backends.PostgresMatch("head", "(('a') | ('P:b'))")
    assert PostgresEngine()._prepared(head, backends.HEAD) == head_match


def test_the_postgres_vectors_weight_each_field_prefix_pinyin_and_escape_quotes():
    doc = SimpleNamespace(
        title_tokens="河道 it's", keyword_tokens="河道", body_tokens="a\\b 河道", pinyin_tokens="hedao hd"
    )
    vectors = PostgresEngine.vectors(doc)
    assert vectors.text == "'河道':1A,3B,5C 'it''s':2A 'a\\\\b':4C 'P:hedao':6D 'P:hd':7D"
    assert vectors.titles == "'河道':1A,3B 'it''s':2A 'P:hedao':6D 'P:hd':7D"  # the same positions, no body
    assert vectors.length == 7
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT %s::tsvector @@ %s::tsquery, %s::tsvector @@ %s::tsquery",
                [vectors.text, "'it''s'", vectors.titles, "'a\\\\b'"],
            )
            assert cursor.fetchone() == (True, False)


def test_postgres_vectors_keep_what_postgresql_would_of_long_documents():
    """At most 256 positions a word; past position 16,383 every word is at 16,383 once. The vector is then
    what PostgreSQL makes of every position written out, and its length what PostgreSQL counts, so that a
    first-tier score divides by the whole vector's length."""
    body = " ".join(["河道"] * 300 + [f"w{n % 500}" for n in range(20000)])
    doc = SimpleNamespace(title_tokens="河道", keyword_tokens="", body_tokens=body, pinyin_tokens="hedao")
    vectors = PostgresEngine.vectors(doc)
    places = {word: found.split(",") for word, found in re.findall(r"'((?:[^']|'')*)':(\S+)", vectors.text)}
    assert len(places["河道"]) == 256 and places["河道"][0] == "1A"
    assert all(places[f"w{k}"][-1] == "16383C" and places[f"w{k}"].count("16383C") == 1 for k in range(500))
    assert places["P:hedao"] == ["16383D"]
    assert vectors.length == sum(len(found) for found in places.values())
    if connection.vendor == "postgresql":
        position, written = 0, {}
        for weight, words in (("A", "河道"), ("C", body), ("D", "hedao")):
            for word in words.split():
                position = min(position + 1, backends.MAX_POSITION)
                lexeme = f"P:{word}" if weight == "D" else word
                written.setdefault(lexeme, []).append(f"{position}{weight}")
        everything = " ".join(f"'{word}':{','.join(found)}" for word, found in written.items())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT %s::tsvector = %s::tsvector, "
                "(SELECT sum(coalesce(array_length(positions, 1), 1)) FROM unnest(%s::tsvector))",
                [vectors.text, everything, vectors.text],
            )
            assert cursor.fetchone() == (True, vectors.length)


def test_the_engine_follows_the_database():
    assert backends.engine().vendor == connection.vendor


# --- matching and ranking -----------------------------------------------------------------------------


def test_a_title_match_ranks_above_a_keyword_match_above_a_body_match():
    body = document(title="一则通知", body="蓝鲸湾 近日开放")
    title = document(title="蓝鲸湾开放通知", body="近日开放")
    keywords = document(title="一则公告", keywords="蓝鲸湾")
    assert ids(query("蓝鲸湾")) == [title.pk, keywords.pk, body.pk]


def test_equal_scores_put_the_newer_document_first_and_paging_keeps_the_order():
    older = document(title="翠屏岭 步道", published_at=NOW - timedelta(days=30))
    newer = document(title="翠屏岭 步道", published_at=NOW)
    undated = document(title="翠屏岭 步道", published_at=None)
    assert ids(query("翠屏岭")) == [newer.pk, older.pk, undated.pk]
    total, page_two = queries.match(query("翠屏岭"), limit=1, offset=1)
    assert total == 3 and [pk for pk, _score in page_two] == [older.pk]
    assert queries.match(query("翠屏岭"), limit=0) == (3, [])


def test_best_gives_the_first_page_in_the_same_order_without_counting_and_exists_reads_one_row():
    from django.test.utils import CaptureQueriesContext

    title = document(title="蓝鲸湾开放通知", body="近日开放", kind="policy")
    body = document(title="一则通知", body="蓝鲸湾 近日开放", kind="policy")
    document(title="蓝鲸湾 游记", kind="article")
    with CaptureQueriesContext(connection) as captured:
        best = queries.best(query("蓝鲸湾"), kinds=("policy",), limit=5)
    assert [pk for pk, _score in best] == [title.pk, body.pk]
    assert best == queries.match(query("蓝鲸湾"), kinds=("policy",), limit=5)[1]
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert queries.best(query("蓝鲸湾"), limit=0) == []
    assert queries.exists(query("蓝鲸湾")) and not queries.exists(query("白鹭洲"))
    assert queries.exists(query("白鹭洲 蓝鲸湾"), mode="any") and not queries.exists(query("白鹭洲 蓝鲸湾"))


def test_a_run_of_equal_scores_longer_than_the_slack_is_ordered_all_the_same(monkeypatch):
    monkeypatch.setattr(backends, "TIE_SLACK", 1)  # SQLite: the tie fills the slack, the joined query orders
    older = document(title="翠屏岭 步道", published_at=NOW - timedelta(days=30))
    newer = document(title="翠屏岭 步道", published_at=NOW)
    undated = document(title="翠屏岭 步道", published_at=None)
    pages = [queries.match(query("翠屏岭"), limit=1, offset=offset)[1][0][0] for offset in range(3)]
    assert pages == [newer.pk, older.pk, undated.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="RUM is a PostgreSQL extension")
def test_inside_the_rum_index_a_run_of_equal_distances_past_the_rows_read_is_ordered_all_the_same(
    monkeypatch,
):
    if "title_vector" not in PostgresEngine.rum_columns():
        pytest.skip("the RUM extension is not available on this server")
    monkeypatch.setattr(backends, "TIE_SLACK", 1)  # page 1 reads 2 rows, then 8, then 32
    undated = document(title="翠屏岭 步道", published_at=None)
    dated = [document(title="翠屏岭 步道", published_at=NOW - timedelta(days=n)) for n in range(9, -1, -1)]
    document(title="一则通知", body="翠屏岭")  # the second tier: the first is ranked inside its index
    engine, analysed = backends.engine(), query("翠屏岭")
    pages = [engine.match(analysed, limit=1, offset=offset, tier_above=1)[1] for offset in range(11)]
    assert [rows[0][0] for rows in pages] == [doc.pk for doc in reversed(dated)] + [undated.pk]
    assert len({rows[0][1] for rows in pages}) == 1  # one distance for all: the tie-break decided


def tiered_corpus():
    """Documents where relevance alone puts body matches first (short ones full of the word, before
    titled ones with a long body of other words), among others that do not match."""
    filler = " ".join(["森林", "步道", "观景", "码头", "公园"] * 2000)
    bodies = [document(title=f"一则通知{n}", body="蓝鲸湾 " * 50) for n in range(2)]
    titled = [document(title=f"蓝鲸湾 公告{n}", body=filler) for n in range(2)]
    for n in range(10):
        document(title=f"其他{n}", body="森林 公园")
    return {doc.pk for doc in bodies}, {doc.pk for doc in titled}


def test_above_tier_above_title_and_keyword_matches_rank_first_and_pages_join_the_tiers():
    bodies, titled = tiered_corpus()
    engine, analysed = backends.engine(), query("蓝鲸湾")
    total, plain = engine.match(analysed, limit=10)
    assert total == 4 and plain[0][0] in bodies  # relevance alone
    total, tiered = engine.match(analysed, limit=10, tier_above=3)
    assert total == 4
    assert {pk for pk, _s in tiered[:2]} == titled and {pk for pk, _s in tiered[2:]} == bodies
    for tier in (tiered[:2], tiered[2:]):  # each tier best first
        assert [score for _pk, score in tier] == sorted((score for _pk, score in tier), reverse=True)
    # Pages of any size, across the boundary, give the same order: nothing twice, nothing lost.
    for size in (1, 3):
        pages = []
        for offset in range(0, 4, size):
            count, rows = engine.match(analysed, limit=size, offset=offset, tier_above=3)
            assert count == 4
            pages.extend(rows)
        assert pages == tiered, size
    assert engine.match(analysed, limit=10, tier_above=4) == (4, plain)  # at the threshold: relevance alone


def test_tiers_hold_under_filters_and_the_threshold_comes_from_the_ranking_data(monkeypatch):
    bodies, titled = tiered_corpus()
    analysed = query("蓝鲸湾")
    total, rows = queries.match(analysed, kinds=("article",), limit=10)
    assert total == 4 and rows[0][0] in bodies  # 4 is under the data's tier_above
    real = queries.ranking()
    monkeypatch.setattr(queries, "ranking", lambda: {**real, "tier_above": 2})
    for filters in ({}, {"kinds": ("article",)}):
        total, rows = queries.match(analysed, limit=10, **filters)
        assert total == 4 and {pk for pk, _s in rows[:2]} == titled, filters
    total, rows = queries.match(analysed, limit=2, offset=1, total=4)  # a given total is not recounted
    assert total == 4 and rows[0][0] in titled and rows[1][0] in bodies


def test_scores_are_positive_and_better_matches_score_higher():
    document(title="蓝鲸湾", body="蓝鲸湾")
    document(title="其他", body="蓝鲸湾")
    _total, rows = queries.match(query("蓝鲸湾"))
    assert rows[0][1] > rows[1][1] > 0


def test_a_misspelt_word_and_its_pinyin_find_the_right_word_in_the_title():
    target = document(title="适老化改造补贴申领", keywords="适老化")
    for text in ("适老花改造", "shilaohua", "slh", "适老化"):
        assert target.pk in ids(query(text)), text


def test_typed_pinyin_finds_a_phrase_jieba_cuts_into_words():
    # jieba cuts 鲸鱼港口 into 鲸鱼 and 港口 (as it cuts 乡村振兴): the index holds jingyu and gangkou.
    target = document(title="鲸鱼港口观测站", keywords="鲸鱼港口,海豚湿地")
    document(title="鲸鱼 标本")
    for text in ("jingyugangkou", "haitunshidi"):
        assert ids(query(text)) == [target.pk], text
    for text in ("jygk", "htsd"):  # initials are looser (jy is also 就业's): the target is among them
        assert target.pk in ids(query(text)), text


def test_a_synonym_alone_is_enough():
    target = document(title="城乡居民社会保险缴费", keywords="社会保险")
    assert target.pk not in ids(query("社保"))
    assert target.pk in ids(query("社保", synonyms={"社保": ["社会保险"]}))


def test_a_multiword_synonym_needs_all_its_words():
    near = document(title="蓝鲸湾 码头")
    far = document(title="蓝鲸湾 公园")
    analysed = QueryAnalysis(raw="x", normalized="x", terms=[Term("翠屏岭", synonyms=["蓝鲸湾 码头"])])
    assert ids(analysed) == [near.pk]
    assert far.pk not in ids(analysed)


def test_all_and_any_modes_on_two_words():
    both = document(title="蓝鲸湾 翠屏岭")
    one = document(title="蓝鲸湾 沙滩")
    other = document(title="翠屏岭 森林")
    two_words = query("蓝鲸湾 翠屏岭")
    assert ids(two_words, mode="all") == [both.pk]
    assert set(ids(two_words, mode="any")) == {both.pk, one.pk, other.pk}


def test_filters_narrow_by_site_kind_unit_topic_and_year(demo):
    from wagtail.models import Site

    from huimin.sites.models import OrgUnit

    site = Site.objects.get(hostname="jyj.localhost")
    unit = OrgUnit.objects.get(name="宿迁市教育局")
    match = document(title="蓝鲸湾研学", kind="guide", site=site, unit_id=unit.pk, topic="研学")
    document(title="蓝鲸湾研学", kind="article", site=site, unit_id=unit.pk, topic="研学")
    document(title="蓝鲸湾研学", kind="guide", topic="研学")
    document(
        title="蓝鲸湾研学", kind="guide", site=site, unit_id=unit.pk, published_at=NOW - timedelta(days=800)
    )
    analysed = query("蓝鲸湾")
    narrowed = ids(analysed, site_id=site.pk, kinds=["guide"], unit_id=unit.pk, topic="研学", year=2026)
    assert narrowed == [match.pk]
    counts = queries.facet_counts(analysed, site_id=site.pk, kinds=["guide"], unit_id=unit.pk, topic="研学")
    assert counts["kind"] == {"guide": 1, "article": 1}  # a facet's own choice does not narrow it
    assert counts["site"] == {site.pk: 1}
    assert counts["year"] == {2026: 1}
    assert counts["topic"] == {"研学": 1}
    assert counts["unit"] == {unit.pk: 1}


def test_a_site_with_the_group_has_its_own_and_the_whole_groups_documents(demo):
    from wagtail.models import Site

    site = Site.objects.get(hostname="jyj.localhost")
    other_site = Site.objects.exclude(pk=site.pk).first()
    own = document(title="蓝鲸湾 问答", kind="qa", site=site)
    group = document(title="蓝鲸湾 问答", kind="qa")  # a knowledge entry for every site
    document(title="蓝鲸湾 问答", kind="qa", site=other_site)
    analysed = query("蓝鲸湾")
    assert set(ids(analysed, site_id=site.pk, with_group=True)) == {own.pk, group.pk}
    assert ids(analysed, site_id=site.pk) == [own.pk]
    counts = queries.facet_counts(analysed, site_id=site.pk, with_group=True)
    assert counts["kind"] == {"qa": 2} and counts["site"] == {site.pk: 1, other_site.pk: 1}
    results = queries.search("蓝鲸湾", site=site, scope="site", now=NOW)
    assert {item.document.pk for item in results.results} == {own.pk, group.pk} and results.total == 2
    picked = queries.search("蓝鲸湾", site=None, scope="group", site_filter=site.pk, now=NOW)
    assert [item.document.pk for item in picked.results] == [own.pk]


def test_facets_leave_out_documents_without_a_value():
    document(title="翠屏岭观景台")
    counts = queries.facet_counts(query("翠屏岭观景台"))
    assert counts["kind"] == {"article": 1} and counts["year"] == {2026: 1}
    assert counts["site"] == {} and counts["unit"] == {} and counts["topic"] == {}


@pytest.mark.parametrize(
    "text",
    ['蓝鲸湾" OR "x', "蓝鲸湾' OR '1'='1", "蓝鲸湾 NEAR(a b)", "{title} : 蓝鲸湾", "蓝鲸湾 -x *", "蓝鲸湾\\"],
)
def test_syntax_inside_a_query_is_only_ever_text(text):
    target = document(title="蓝鲸湾")
    analysed = analysis.analyze_query(text)
    total, rows = queries.match(analysed, mode="any")
    assert target.pk in [pk for pk, _score in rows] and total >= 1
    queries.facet_counts(analysed, mode="all")


# --- the engine's copy in step ------------------------------------------------------------------------


def test_rewriting_a_document_replaces_its_words():
    entry = document("test:rewrite", title="蓝鲸湾")
    assert entry.pk in ids(query("蓝鲸湾"))
    again = document("test:rewrite", title="翠屏岭")
    assert again.pk == entry.pk
    assert entry.pk not in ids(query("蓝鲸湾")) and entry.pk in ids(query("翠屏岭"))


def test_a_removed_document_is_no_longer_found():
    entry = document("test:gone", title="蓝鲸湾")
    assert services.remove("test:gone")
    assert entry.pk not in ids(query("蓝鲸湾"))


def fts_entries(pk: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM huimin_search_fts WHERE rowid = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only")
def test_sqlite_has_the_trigger_and_the_narrow_index_after_every_migration():
    # A migration that rebuilds the document table on SQLite drops its trigger: this says so.
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE tbl_name = %s", [backends.DOCUMENT_TABLE])
        present = set(cursor.fetchall())
    assert ("trigger", "huimin_search_fts_forget") in present
    assert ("index", backends.NARROW_INDEX) in present


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only")
def test_sqlite_forgets_the_entry_of_a_document_deleted_behind_its_back_and_tidies_strays():
    entry = document(title="蓝鲸湾")
    SearchDocument.objects.filter(pk=entry.pk).delete()  # as a site's deletion cascades: the trigger acts
    assert fts_entries(entry.pk) == 0
    assert queries.match(query("蓝鲸湾")) == (0, [])
    with connection.cursor() as cursor:  # an entry written with no document (by hand)
        cursor.execute(backends.INSERT_FTS, [entry.pk + 1000, "蓝鲸湾", "", "", ""])
    assert SqliteEngine().tidy() == 1
    assert fts_entries(entry.pk + 1000) == 0 and queries.match(query("蓝鲸湾")) == (0, [])


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the vector table exists on PostgreSQL only"
)


def _vector_row(pk):
    """The document's row in the vector table, after checking that its row in the title table (migration
    0011) holds the same title vector, length and copies."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vector::text, title_vector::text, length, published_at, kind, site_id, unit_id, topic, "
            "year FROM huimin_search_vector WHERE id = %s",
            [pk],
        )
        row = cursor.fetchone()
        cursor.execute(
            "SELECT title_vector::text, length, published_at, kind, site_id, unit_id, topic, year "
            "FROM huimin_search_title WHERE id = %s",
            [pk],
        )
        title_row = cursor.fetchone()
    assert title_row == (row[1:] if row else None)
    return row


@postgres_only
def test_postgres_keeps_the_vectors_in_their_table_and_the_copies_follow_the_document():
    from huimin.sites.models import OrgUnit

    unit = OrgUnit.objects.create(name="蓝鲸湾管理处", kind=OrgUnit._meta.get_field("kind").choices[0][0])
    entry = document(title="蓝鲸湾", body="码头开放", topic="旅游", unit_id=unit.pk)
    vector, titles, length, published, kind, site_id, unit_id, topic, year = _vector_row(entry.pk)
    assert "'蓝鲸':1A" in vector and "'码头'" in vector and "'P:lanjing':" in vector  # weight D printed bare
    assert "'蓝鲸':1A" in titles and "码头" not in titles and "'P:lanjing':" in titles
    assert length == len(PostgresEngine.vectors(entry).text.split())
    assert (published, kind, site_id, unit_id, topic, year) == (NOW, "article", None, unit.pk, "旅游", 2026)
    # Whatever changes the document's columns (an update behind the services, a unit's deletion), the copies
    # follow; the vectors stay until the services write them.
    SearchDocument.objects.filter(pk=entry.pk).update(topic="交通", year=2025, published_at=None)
    assert _vector_row(entry.pk)[3:] == (None, "article", None, unit.pk, "交通", 2025)
    unit.delete()
    assert _vector_row(entry.pk)[6] is None
    SearchDocument.objects.filter(pk=entry.pk).delete()  # however a row goes, its vectors go
    assert _vector_row(entry.pk) is None
    other = document(title="翠屏岭")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE huimin_search_searchdocument")  # as Django's flush does between tests
    assert _vector_row(other.pk) is None


@postgres_only
def test_postgres_has_the_vector_table_its_triggers_and_indexes_after_every_migration():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
            ["huimin_search_searchdocument"],
        )
        assert "search_vector" not in {row[0] for row in cursor.fetchall()}  # moved to its own table
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'huimin_search_searchdocument'::regclass "
            "AND NOT tgisinternal"
        )
        triggers = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT indexname FROM pg_indexes "
            "WHERE tablename IN ('huimin_search_vector', 'huimin_search_title')"
        )
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT attstorage, attstattarget FROM pg_attribute "
            "WHERE attrelid = 'huimin_search_title'::regclass AND attname = 'title_vector'"
        )
        assert cursor.fetchone() == ("m", 0)  # inline (MAIN), no statistics
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'rum'")
        rum = cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT attname, attstattarget FROM pg_attribute "
            "WHERE attrelid = 'huimin_search_vector'::regclass AND attname IN ('vector', 'title_vector')"
        )
        statistics = dict(cursor.fetchall())
    assert {
        "huimin_search_vector_forget",
        "huimin_search_vector_update",
        "huimin_search_vector_truncate",
    } <= triggers
    assert {
        "huimin_search_vector_gin",
        "huimin_search_vector_title_gin",
        "huimin_search_title_gin",
    } <= indexes
    assert statistics == {"vector": 0, "title_vector": 0}  # so that the planner always takes the indexes
    # Where the extension could be created (a superuser ran the migration, as in CI), the RUM indexes too.
    assert (set(backends.RUM_INDEXES.values()) <= indexes) is rum
    assert PostgresEngine.rum_columns() == (frozenset(backends.RUM_INDEXES) if rum else frozenset())


def test_on_postgresql_candidate_reads_ask_the_index_and_leave_the_planner_as_it_was():
    if connection.vendor != "postgresql":
        pytest.skip("the vector table exists on PostgreSQL only")
    for number in range(30):
        document(title=f"一则通知 {number}", body="近日开放")
    document(title="蓝鲸湾开放通知", body="近日开放")
    engine = backends.engine()
    expression = build_expression(query("蓝鲸湾"), "all")
    source, _score, params = engine._matched(engine._prepared(expression), backends.Filters())
    with queries.reading_candidates(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN SELECT 1 {source} LIMIT 1", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert queries.exists(query("蓝鲸湾")) and len(queries.best(query("蓝鲸湾"), limit=3)) == 1
    assert "Seq Scan" not in plan and "huimin_search_vector" in plan, plan
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
