"""The `wagtail` engine (`HUIMIN_SEARCH_ENGINE=wagtail`): the index kept in Wagtail's search backend, here
its built-in database backend (FTS5 on SQLite, PostgreSQL's own full-text search in CI), the way a
deployment on OpenSearch or Elasticsearch keeps it.

Wagtail's database backend does not cut Chinese into words: a run of Chinese characters is one word to it.
Documents here therefore put spaces between their words; that is the backend's limit, not the engine's,
and why the database engines are the default (bench/search measures the difference)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from wagtail.search.models import IndexEntry

from huimin.search import backends, queries, services
from huimin.search.models import IndexedSearchDocument, SearchDocument

from .factories import NOW, document, ids, query

pytestmark = pytest.mark.django_db


@pytest.fixture
def wagtail_engine(settings):
    settings.HUIMIN_SEARCH_ENGINE = "wagtail"
    return backends.engine()


def _entries() -> int:
    """How many documents Wagtail's database backend holds."""
    return IndexEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SearchDocument), object_id__isnull=False
    ).count()


def test_the_setting_chooses_the_engine_and_an_unknown_one_is_refused_in_chinese(settings):
    settings.HUIMIN_SEARCH_ENGINE = "wagtail"
    assert isinstance(backends.engine(), backends.WagtailEngine)
    settings.HUIMIN_SEARCH_ENGINE = "solr"
    with pytest.raises(ImproperlyConfigured, match="HUIMIN_SEARCH_ENGINE 只能为空或 wagtail"):
        backends.engine()
    settings.HUIMIN_SEARCH_ENGINE = ""
    assert not isinstance(backends.engine(), backends.WagtailEngine)


def test_with_the_default_engine_nothing_reaches_wagtails_backend(settings):
    before = _entries()
    document(title="蓝鲸湾 码头")
    assert _entries() == before
    assert not IndexedSearchDocument.get_indexed_objects().exists()  # `update_index` leaves them alone
    settings.HUIMIN_SEARCH_ENGINE = "wagtail"
    assert IndexedSearchDocument.get_indexed_objects().exists()


def test_documents_are_written_found_and_removed(wagtail_engine):
    body = document("w:1", title="一则 通知", body="蓝鲸湾 近日 开放")
    title = document("w:2", title="蓝鲸湾 开放 通知", body="近日 开放")
    document("w:3", title="翠屏岭 步道")
    found = ids(query("蓝鲸湾"))  # in the order the backend ranks them
    assert set(found) == {title.pk, body.pk}
    total, rows = queries.match(query("蓝鲸湾"), limit=1, offset=1)
    assert total == 2 and [pk for pk, _score in rows] == found[1:]
    assert [pk for pk, _score in queries.best(query("蓝鲸湾"), limit=5)] == found
    assert queries.exists(query("蓝鲸湾")) and not queries.exists(query("白鹭洲"))

    services.remove("w:2")
    assert ids(query("蓝鲸湾")) == [body.pk]
    services.store_document(
        services.sources.DocumentData(
            key="w:1",
            kind="article",
            site_id=None,
            unit_id=None,
            topic="",
            title="翠屏岭 公告",
            url="http://example.localhost/w1/",
            keywords="",
            body="",
            published_at=NOW,
        ),
        now=NOW,
    )
    assert ids(query("蓝鲸湾")) == []  # rewriting a document replaces its words in the backend too
    assert len(ids(query("翠屏岭"))) == 2


def test_pinyin_and_synonyms_still_come_from_the_analysis(wagtail_engine):
    target = document(title="适老化 改造 补贴", keywords="适老化")
    assert target.pk in ids(query("shilaohua"))
    insurance = document(title="城乡居民 社会保险 缴费", keywords="社会保险")
    assert insurance.pk not in ids(query("社保"))
    assert insurance.pk in ids(query("社保", synonyms={"社保": ["社会保险"]}))


def test_all_and_any_modes_filters_and_facets(wagtail_engine, demo):
    from wagtail.models import Site

    site = Site.objects.get(hostname="jyj.localhost")
    both = document(title="蓝鲸湾 翠屏岭", kind="guide", site=site, topic="研学")
    one = document(title="蓝鲸湾 沙滩", kind="article", site=site)
    other = document(title="翠屏岭 森林")
    two_words = query("蓝鲸湾 翠屏岭")
    assert ids(two_words, mode="all") == [both.pk]
    assert set(ids(two_words, mode="any")) == {both.pk, one.pk, other.pk}
    assert ids(query("蓝鲸湾"), kinds=["guide"], site_id=site.pk, topic="研学", year=2026) == [both.pk]

    counts = queries.facet_counts(query("蓝鲸湾"), kinds=["guide"])
    assert counts["kind"] == {"guide": 1, "article": 1}  # a facet's own choice does not narrow it
    assert counts["site"] == {site.pk: 1} and counts["topic"] == {"研学": 1} and counts["year"] == {2026: 1}
    assert counts["unit"] == {}
    # A site with the whole group's documents (no site), as a site's own search asks.
    assert set(ids(query("翠屏岭"), site_id=site.pk, with_group=True)) == {both.pk, other.pk}
    assert ids(query("翠屏岭"), site_id=site.pk) == [both.pk]


@pytest.mark.parametrize(
    "text",
    [
        '蓝鲸湾" OR "x',
        "蓝鲸湾' OR '1'='1",
        "蓝鲸湾 NEAR(a b)",
        "{title} : 蓝鲸湾",
        "蓝鲸湾 -x *",
        "蓝鲸湾 😀",
        "蓝鲸湾 " + "长" * 1000,
    ],
)
def test_syntax_and_odd_input_inside_a_query_are_only_ever_text(wagtail_engine, text):
    target = document(title="蓝鲸湾")
    analysed = query(text)
    total, rows = queries.match(analysed, mode="any")
    assert target.pk in [pk for pk, _score in rows] and total >= 1
    queries.facet_counts(analysed, mode="all")


def test_reindex_fills_the_backend(wagtail_engine, demo):
    from huimin.search import services as search_services

    counts = search_services.reindex(now=NOW)
    assert counts.indexed > 50
    assert _entries() >= counts.indexed
    total, _rows = queries.match(query("shilaohua"))
    assert total >= 1
