"""The results page /search/ over the demo index: results, facets, scope, sort, zero results, hostile
queries, the log, best bets."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry, Site

from huimin.conftest import DEMO_NOW
from huimin.search import queries, services
from huimin.search.models import SearchQueryLog

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "127.0.0.1"}
HOSTILE = [
    "",
    "国" * 1000,
    "😀🎉",
    '" * : ( ) OR NEAR AND -',
    "<script>alert(1)</script>",
    "'; DROP TABLE huimin_search_searchdocument; --",
    "社保\x00缴费\x1b",  # NUL, which PostgreSQL refuses in text
    "适老化 OR 1=1",
]


@pytest.fixture
def portal(demo):
    return Site.objects.get(hostname="127.0.0.1")


def test_it_finds_the_work_points_with_marked_words(client, portal):
    response = client.get("/search/", {"q": "政府网站工作要点"}, **HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "搜索结果" in html
    assert "<mark>" in html
    assert "/zcwjk/p-000000001-2022-00155/" in html


@pytest.mark.parametrize("query", HOSTILE)
def test_it_never_fails_on_hostile_queries(client, portal, query):
    response = client.get("/search/", {"q": query, "page": "x", "year": "abc", "unit": "-1"}, **HOST)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_it_escapes_markup_typed_into_the_query(client, portal):
    html = client.get("/search/", {"q": "<script>alert(1)</script>"}, **HOST).content.decode()
    assert "&lt;script&gt;" in html


def test_site_scope_keeps_to_the_site_and_group_scope_reaches_the_others(portal):
    site_only = queries.search("义务教育入学报名", site=portal, scope="site", now=DEMO_NOW)
    group = queries.search("义务教育入学报名", site=portal, scope="group", now=DEMO_NOW)
    assert all(r.document.site_id == portal.pk for r in site_only.results)
    assert any(r.document.site_id != portal.pk for r in group.results)
    assert group.total > site_only.total


def test_facet_counts_add_up_and_a_chosen_kind_narrows_the_results(portal):
    everything = queries.search("养老", site=portal, scope="group", now=DEMO_NOW)
    kinds = everything.facets["type"]
    assert sum(option.count for option in kinds) == everything.total
    chosen = kinds[0]
    narrowed = queries.search("养老", site=portal, scope="group", kind=chosen.value, now=DEMO_NOW)
    assert narrowed.total == chosen.count
    assert all(r.document.kind == chosen.value for r in narrowed.results)
    assert next(o for o in narrowed.facets["type"] if o.selected).value == chosen.value


def test_sort_by_date_puts_the_newest_first(portal):
    results = queries.search("养老", site=portal, scope="group", sort="date", page_size=20, now=DEMO_NOW)
    dates = [r.document.published_at for r in results.results if r.document.published_at]
    assert len(dates) > 2
    assert dates == sorted(dates, reverse=True)


def test_a_query_no_document_matches_wholly_falls_back_to_partial_matches(client, portal):
    html = client.get("/search/", {"q": "适老化 火星移民"}, **HOST).content.decode()
    assert "未找到同时包含全部词语的结果，以下为部分匹配" in html


def test_zero_results_offer_help_and_the_letter_form_with_the_query(client, portal):
    html = client.get("/search/", {"q": "火星移民签证"}, **HOST).content.decode()
    assert "没有找到与" in html
    assert "/hudong/liuyan/?title=" in html


def test_did_you_mean_corrects_a_one_character_slip(portal):
    results = queries.search("养老机沟", site=portal, scope="group", now=DEMO_NOW)
    assert results.did_you_mean == "养老机构"


def test_every_search_is_logged_with_personal_data_scrubbed(client, portal):
    client.get("/search/", {"q": "低保 13912345678 320123199001011234 a.b@example.com"}, **HOST)
    entry = SearchQueryLog.objects.latest("pk")
    assert entry.site == portal
    assert "13912345678" not in entry.query
    assert "320123199001011234" not in entry.query
    assert "example.com" not in entry.query
    assert entry.query.count("＊") == 3
    client.get("/search/", {"q": "低保 139 1234 5678 139-1234-5678 320123 19900101 1234"}, **HOST)
    entry = SearchQueryLog.objects.latest("pk")
    assert entry.query == "低保 ＊ ＊ ＊", entry.query


def _asked(query, *, site, visitors, results=3, now=DEMO_NOW - timedelta(days=1)):
    for n in range(visitors):
        services.log_search(query, site=site, results_count=results, visitor=f"visitor-{n}", now=now)


def test_hot_searches_leave_out_zero_result_and_scrubbed_queries(portal):
    for q, count in [("养老", 5), ("火星", 0), ("低保 13912345678", 3), ("户籍 0527 8436 0000", 3)]:
        _asked(q, site=portal, visitors=5, results=count)
    _asked("很久以前", site=portal, visitors=5, results=2, now=DEMO_NOW - timedelta(days=40))
    hot = queries.hot_searches(site=portal, now=DEMO_NOW)
    assert "养老" in hot
    assert "火星" not in hot
    assert "很久以前" not in hot
    assert not any("＊" in q for q in hot)
    assert not any("8436" in q for q in hot)  # a grouped landline number is left out too


def test_sixty_searches_from_one_visitor_plant_nothing_in_hot_searches(client, portal):
    query = "政府网站工作要点"  # it finds documents, so only the visitors' count keeps it out
    for _ in range(60):  # one address, as fast as it likes
        client.get("/search/", {"q": query}, **HOST)
    logged = SearchQueryLog.objects.filter(query=query)
    assert logged.count() == 1 and logged.get().results_count > 0  # counted once a day
    now = timezone.now()
    assert query not in queries.hot_searches(site=portal, now=now)
    _asked(query, site=portal, visitors=3, now=now)  # 4 distinct visitors: under the threshold of 5
    assert query not in queries.hot_searches(site=portal, now=now)
    _asked(query, site=portal, visitors=4, now=now)  # visitor-3 is the fifth
    assert query in queries.hot_searches(site=portal, now=now)


def test_a_query_asked_by_enough_visitors_is_hot_unless_sensitive_or_blocked(portal, django_user_model):
    from huimin.letters import sensitive

    banned = sensitive.words()[0]
    for q in ("养老保险", f"{banned}怎么办", "代办资质找老王"):
        _asked(q, site=portal, visitors=5)
    assert queries.hot_searches(site=portal, now=DEMO_NOW) == ["代办资质找老王", "养老保险"]
    with pytest.raises(PermissionDenied):
        services.save_hot_block(None, "老王", actor=django_user_model.objects.create_user("nobody"))
    services.save_hot_block(None, "老王", actor=None)
    assert queries.hot_searches(site=portal, now=DEMO_NOW) == ["养老保险"]
    with pytest.raises(ValidationError):  # the same word again, folded
        services.save_hot_block(None, "老王", actor=None)


def test_the_visitor_is_kept_as_a_keyed_hash_never_the_address(client, portal):
    client.get("/search/", {"q": "公积金"}, REMOTE_ADDR="203.0.113.9", **HOST)
    entry = SearchQueryLog.objects.get(query="公积金")
    assert entry.visitor == services.visitor_key("203.0.113.9") and len(entry.visitor) == 16
    assert "203.0.113.9" not in entry.visitor and entry.visitor != services.visitor_key("203.0.113.10")


def test_editors_keep_words_out_of_hot_searches_in_the_admin(admin_client):
    listing = admin_client.get("/admin/search-hot-blocks/", HTTP_HOST="127.0.0.1")
    assert listing.status_code == 200 and "热门搜索屏蔽词" in listing.content.decode()
    response = admin_client.post(
        "/admin/search-hot-blocks/new/", {"word": "加微信", "note": "广告"}, HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 302
    assert ModelLogEntry.objects.filter(action="huimin_search.hot_block_add").exists()
    again = admin_client.post("/admin/search-hot-blocks/new/", {"word": "加微信"}, HTTP_HOST="127.0.0.1")
    assert again.status_code == 200 and "已存在" in again.content.decode()


def test_best_bets_come_first_with_their_label(client, portal):
    services.save_best_bet(
        None, actor=None, query="办营业执照", site=portal, url="/bszn/qysldj/", title="企业设立登记"
    )
    html = client.get("/search/", {"q": "办营业执照"}, **HOST).content.decode()
    assert "推荐" in html
    position = html.index('href="/bszn/qysldj/"')
    assert position < html.index("热门搜索")
    results = html.split("best-bets")
    assert len(results) > 1


def test_xss_in_an_indexed_title_and_body_is_escaped(client, portal):
    from huimin.search.models import SearchDocument
    from huimin.search.tests.factories import document

    doc = document(title="防汛演练", body="防汛演练<script>alert(2)</script>", site=portal)
    # Sources strip markup from titles; a title stored with markup anyway must still be shown as text.
    SearchDocument.objects.filter(pk=doc.pk).update(title="<img src=x onerror=alert(1)>防汛演练")
    html = client.get("/search/", {"q": "防汛演练"}, **HOST).content.decode()
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<mark>防汛演练</mark>" in html
    assert "&lt;script&gt;alert(2)" in html


def test_the_snippet_marks_traditional_text_for_a_simplified_query():
    snippet = queries.highlight("宿遷市政府網站工作要點<b>", ["宿迁"])
    assert str(snippet).startswith("<mark>宿遷</mark>")
    assert "&lt;b&gt;" in str(snippet)
    assert re.search(r"<mark>[^<]*</mark>", str(snippet))


def test_authoritative_kinds_and_valid_policies_rank_above_equally_relevant_others(portal):
    from .factories import document

    news = document(title="蓝鲸湾码头 管理", kind="article", published_at=DEMO_NOW)
    guide = document(title="蓝鲸湾码头 管理", kind="guide", published_at=DEMO_NOW)
    repealed = document(title="蓝鲸湾码头 管理", kind="policy", published_at=DEMO_NOW)
    repealed.validity = "repealed"
    repealed.save(update_fields=["validity"])
    results = queries.search("蓝鲸湾码头", site=portal, scope="group", now=DEMO_NOW)
    order = [r.document.pk for r in results.results]
    assert order == [guide.pk, news.pk, repealed.pk]
    assert queries.kind_factor("guide") > queries.kind_factor("article") == 1.0


def test_a_page_past_the_last_shows_the_last_page(client, portal):
    results = queries.search("养老", site=portal, scope="site", now=DEMO_NOW)
    last = results.num_pages
    beyond = client.get("/search/", {"q": "养老", "page": last + 50}, **HOST)
    on_last = client.get("/search/", {"q": "养老", "page": last}, **HOST)
    assert beyond.status_code == on_last.status_code == 200
    assert beyond.context["filters"]["page"] == last
    assert [r.document.pk for r in beyond.context["results"].results] == [
        r.document.pk for r in on_last.context["results"].results
    ]
    assert beyond.context["results"].results


@pytest.mark.django_db
def test_the_index_vocabulary_is_read_from_the_cache_only_when_the_index_changed(monkeypatch):
    """A process keeps the vocabulary it read under the same key: no unpickling of tens of thousands of
    words on every results page; a new document, or a cleared cache, makes it read again."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.core.cache import cache

    from .factories import document

    cache.clear()
    now = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    document(title="银杏湖景区开放", now=now)
    reads = []
    original = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **k: reads.append(key) or original(key, *a, **k))
    first = queries.index_vocabulary()
    assert "银杏湖" in first.words or "景区" in first.words
    assert queries.index_vocabulary() is first and queries.index_vocabulary() is first
    assert len([key for key in reads if key.startswith("search:vocabulary:")]) == 1  # built once
    document(title="翠屏岭步道修缮", now=now + timedelta(minutes=1))
    second = queries.index_vocabulary()
    assert second is not first and "修缮" in second.words
    cache.clear()
    assert queries.index_vocabulary() is not second  # the cache was emptied: read (here, built) again
