"""GET /api/v1/search and GET /search/suggest/ over the demo index."""

from __future__ import annotations

import pytest
from django.test import override_settings

from huimin.search.models import SearchQueryLog

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "127.0.0.1"}
API = "/api/v1/search"
HOSTILE = [
    "",
    "国" * 1000,
    "😀🎉",
    '" * : ( ) OR NEAR AND -',
    "<script>alert(1)</script>",
    "'; DROP TABLE huimin_search_searchdocument; --",
    "社保\x00缴费\x1b",  # NUL, which PostgreSQL refuses in text
]


def test_it_answers_results_with_the_documented_fields(client, demo):
    body = client.get(API, {"q": "企业设立登记"}, **HOST).json()
    assert body["count"] >= 1
    first = body["results"][0]
    assert set(first) >= {"type", "title", "url", "snippet", "score", "site", "published_at"}
    assert any("/bszn/qysldj/" in r["url"] for r in body["results"])
    assert {"type", "site", "unit", "topic", "year"} <= set(body["facets"])


def test_a_site_keeps_the_results_to_that_site(client, demo):
    body = client.get(API, {"q": "入学", "site": "jyj.localhost"}, **HOST).json()
    assert body["count"] >= 1
    assert all(r["url"].startswith("http://jyj.localhost") for r in body["results"])


def test_a_type_narrows_the_results(client, demo):
    body = client.get(API, {"q": "养老", "type": "guide"}, **HOST).json()
    assert body["count"] >= 1
    assert {r["type"] for r in body["results"]} == {"guide"}


def test_every_facet_value_works_as_the_parameter_of_the_same_name(client, demo):
    body = client.get(API, {"q": "养老"}, **HOST).json()
    sites = body["facets"]["site"]
    assert sites and all("." in option["value"] or option["value"].count(".") == 3 for option in sites)
    for name in ("site", "unit", "topic", "year"):
        options = body["facets"][name]
        if not options:
            continue
        option = options[0]
        narrowed = client.get(API, {"q": "养老", name: option["value"]}, **HOST)
        assert narrowed.status_code == 200, (name, narrowed.content[:200])
        assert narrowed.json()["count"] == option["count"], name


def test_it_refuses_an_unknown_site_or_type_in_chinese(client, demo):
    assert "没有这个站点" in client.get(API, {"q": "养老", "site": "evil.example"}, **HOST).json()["detail"]
    response = client.get(API, {"q": "养老", "type": "<script>"}, **HOST)
    assert response.status_code == 400
    for name, value in (("unit", "abc"), ("year", "1"), ("topic", "国" * 101)):
        assert client.get(API, {"q": "养老", name: value}, **HOST).status_code in (400, 422), name
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(client, demo, query):
    response = client.get(API, {"q": query}, **HOST)
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    suggest = client.get("/search/suggest/", {"q": query}, **HOST)
    assert suggest.status_code == 200
    assert isinstance(suggest.json()["suggestions"], list)


def test_it_logs_the_search_scrubbed(client, demo):
    client.get(API, {"q": "社保 13812345678"}, **HOST)
    entry = SearchQueryLog.objects.latest("pk")
    assert entry.scope == "api"
    assert "13812345678" not in entry.query


@override_settings(HUIMIN_OPENDATA_API_PER_IP_HOUR=2)
def test_it_is_rate_limited_per_address(client, demo):
    assert client.get(API, {"q": "养老"}, REMOTE_ADDR="10.9.8.7", **HOST).status_code == 200
    assert client.get(API, {"q": "养老"}, REMOTE_ADDR="10.9.8.7", **HOST).status_code == 200
    response = client.get(API, {"q": "养老"}, REMOTE_ADDR="10.9.8.7", **HOST)
    assert response.status_code == 429
    assert "请求过于频繁" in response.json()["detail"]


def test_suggestions_complete_pinyin_prefixes_and_traditional_titles(client, demo):
    assert "适老化" in client.get("/search/suggest/", {"q": "shil"}, **HOST).json()["suggestions"]
    titles = client.get("/search/suggest/", {"q": "企業設立"}, **HOST).json()["suggestions"]
    assert "企业设立登记" in titles
