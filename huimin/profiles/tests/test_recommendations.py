"""为您推荐: ranked by the profile and by readers like you, never what was seen, popular items for everybody
else, each with its reason; and a fixed, small number of queries whatever the reader's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huimin.profiles import popularity, recommender, services
from huimin.profiles.enums import Correction
from huimin.profiles.models import Item
from huimin.profiles.rules import rules
from huimin.profiles.tests.factories import NOW, citizen, consenting, fresh_article, items_on, read, site

pytestmark = pytest.mark.django_db


def _ids(recommendations) -> list[int]:
    return [rec.item_id for rec in recommendations]


def _tags(item_id: int) -> set[tuple[str, str]]:
    return {tuple(tag) for tag in Item.objects.get(pk=item_id).tags}


def test_the_profile_ranks_items_with_the_readers_tags_first(demo):
    account = consenting()
    elderly = items_on(key="group", value="老年人")
    read(account, elderly[:3], now=NOW - timedelta(days=1))
    recommendations = recommender.recommend(account, site().pk, now=NOW)
    assert len(recommendations) == rules().count
    first = recommendations[0]
    assert ("group", "老年人") in _tags(first.item_id) or ("service_object", "老年人") in _tags(first.item_id)
    assert first.reason.startswith("与您关注的“")


def test_it_never_recommends_what_the_reader_read_or_downloaded_or_is_reading(demo):
    account = consenting()
    elderly = items_on(key="group", value="老年人")
    read(account, elderly[:-2], now=NOW - timedelta(days=2))
    services.record_download(account, elderly[-2].pk, now=NOW - timedelta(days=1))
    current = elderly[-1].pk
    seen = {item.pk for item in elderly[:-1]}
    recommendations = recommender.recommend(account, site().pk, now=NOW, exclude={current}, count=30)
    assert recommendations
    assert not (set(_ids(recommendations)) & (seen | {current}))


def test_nothing_carrying_a_blocked_tag_is_recommended(demo):
    account = consenting()
    read(account, items_on(key="group", value="创业者")[:3], now=NOW - timedelta(days=1))
    services.correct(account, Correction.BLOCK, "group", "学生", actor=account.user, now=NOW)
    recommendations = recommender.recommend(account, site().pk, now=NOW, count=40)
    assert recommendations
    assert all(("group", "学生") not in _tags(item_id) for item_id in _ids(recommendations))


def test_what_readers_with_a_similar_profile_read_is_recommended_with_its_reason(demo):
    reader, neighbour, stranger = consenting(), consenting(), consenting()
    elderly = items_on(key="group", value="老年人")
    read(reader, elderly[:2], now=NOW - timedelta(days=3))
    read(neighbour, elderly[:3], now=NOW - timedelta(days=3))
    tip = fresh_article(title="社区食堂开业，为辖区居民提供助餐服务")  # no tag the reader has
    read(neighbour, [tip], now=NOW - timedelta(days=2))
    read(stranger, items_on(key="industry", value="批发和零售业")[:2], now=NOW - timedelta(days=2))
    other_tip = fresh_article(title="商贸流通企业座谈会召开")
    read(stranger, [other_tip], now=NOW - timedelta(days=1))
    recommendations = recommender.recommend(reader, site().pk, now=NOW, count=40)
    by_id = {rec.item_id: rec for rec in recommendations}
    assert tip.pk in by_id
    assert by_id[tip.pk].reason == recommender.REASON_SIMILAR
    assert other_tip.pk not in by_id or by_id[other_tip.pk].reason != recommender.REASON_SIMILAR


def test_a_neighbour_who_switched_consent_off_no_longer_counts(demo):
    reader, neighbour = consenting(), consenting()
    elderly = items_on(key="group", value="老年人")
    read(reader, elderly[:2], now=NOW - timedelta(days=3))
    read(neighbour, elderly[:3], now=NOW - timedelta(days=3))
    tip = fresh_article(title="老年大学春季招生")
    read(neighbour, [tip], now=NOW - timedelta(days=2))
    services.set_consent(neighbour, False, actor=neighbour.user, now=NOW - timedelta(days=1))
    recommendations = recommender.recommend(reader, site().pk, now=NOW, count=40)
    assert all(rec.reason != recommender.REASON_SIMILAR for rec in recommendations if rec.item_id == tip.pk)


def _views(item, visitors: int, *, now=NOW) -> None:
    for number in range(visitors):
        popularity.count_view(item.pk, item.site_id, f"visitor-{item.pk}-{number}", now=now)


def test_anonymous_visitors_get_the_popular_items_of_their_site(demo):
    portal_item, county_item = fresh_article(), fresh_article("shuyang.localhost")
    _views(portal_item, 5000)
    _views(county_item, 6000)
    popularity.flush()
    portal = recommender.recommend(None, site().pk, now=NOW)
    county = recommender.recommend(None, site("shuyang.localhost").pk, now=NOW)
    assert portal[0].item_id == portal_item.pk and portal[0].reason == recommender.REASON_POPULAR
    assert county[0].item_id == county_item.pk
    assert county_item.pk not in _ids(portal)
    assert all(Item.objects.get(pk=pk).site_id == site().pk for pk in _ids(portal))


def test_a_citizen_without_consent_gets_the_popular_items_not_a_profile(demo):
    account = citizen()
    hit = fresh_article()
    _views(hit, 5000)
    popularity.flush()
    assert _ids(recommender.recommend(account, site().pk, now=NOW)) == _ids(
        recommender.recommend(None, site().pk, now=NOW)
    )


def test_views_outside_the_popular_window_do_not_count(demo):
    old_hit = fresh_article()
    _views(old_hit, 5000, now=NOW - timedelta(days=rules().popular_window_days + 2))
    popularity.flush()
    recommendations = recommender.recommend(None, site().pk, now=NOW, count=40)
    assert all(
        rec.reason != recommender.REASON_POPULAR for rec in recommendations if rec.item_id == old_hit.pk
    )


def test_a_reader_with_little_history_still_gets_a_full_list(demo):
    account = consenting()
    read(account, items_on(kind="guide")[:1], now=NOW - timedelta(days=1))
    recommendations = recommender.recommend(account, site().pk, now=NOW)
    assert len(recommendations) == rules().count
    assert len(set(_ids(recommendations))) == rules().count


def _queries_for(account) -> int:
    portal = site().pk
    recommender.recommend(account, portal, now=NOW)  # the site's popular pool is cached from here on
    with CaptureQueriesContext(connection) as captured:
        recommender.recommend(account, portal, now=NOW)
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_history(demo):
    neighbour = consenting()
    read(neighbour, items_on()[:12], now=NOW - timedelta(days=5))
    short, long = consenting(), consenting()
    everything = items_on()
    read(short, everything[:1], now=NOW - timedelta(days=5))
    read(long, everything[:60], now=NOW - timedelta(days=30), step=timedelta(hours=10))
    services.record_search(long, "养老 企业 学生 创业", site_id=site().pk, now=NOW - timedelta(days=1))
    assert _queries_for(short) == _queries_for(long)
    assert _queries_for(long) == 8  # see the module docstring of recommender.py


def test_anonymous_recommendations_need_no_query_once_the_pool_is_cached(demo):
    portal = site().pk
    recommender.recommend(None, portal, now=NOW)
    with CaptureQueriesContext(connection) as captured:
        recommender.recommend(None, portal, now=NOW + timedelta(seconds=30))
    assert len(captured.captured_queries) == 0
