"""How a profile learns: what a read, a search, a download or a question adds, the decay with the half-life,
rereads, boosts, blocks and the tags a citizen chose. Every time is derived from the demo's `now`."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from huimin.accounts.models import AccountTag
from huimin.profiles import queries, services
from huimin.profiles.enums import Correction, InteractionKind, InterestState
from huimin.profiles.models import Interaction, Interest
from huimin.profiles.rules import decay_factor, decayed, rules, share_per_tag
from huimin.profiles.tests.factories import NOW, consenting, items_on

pytestmark = pytest.mark.django_db


def _weight(account, key, value, now=NOW) -> float:
    return queries.weights(account, now=now).weight((key, value))


def test_a_weight_halves_with_each_half_life_and_never_grows_by_waiting():
    half_life = timedelta(days=rules().half_life_days)
    assert decay_factor(NOW, NOW) == 1.0
    assert decay_factor(NOW, NOW + half_life) == pytest.approx(0.5)
    assert decay_factor(NOW, NOW + 3 * half_life) == pytest.approx(0.125)
    assert decay_factor(NOW + half_life, NOW) == 1.0  # a time in the future is not "more than now"
    assert decayed(4.0, NOW - 2 * half_life, NOW) == pytest.approx(1.0)


def test_one_read_gives_each_of_the_items_tags_its_share(demo):
    account = consenting()
    item = items_on(key="group", value="老年人", kind="policy")[0]
    tags = [tuple(tag) for tag in item.tags]
    services.record_page_read(account, item.pk, now=NOW)
    for key, value in tags:
        assert _weight(account, key, value) == pytest.approx(share_per_tag("read", key, len(tags)))
    assert share_per_tag("read", "industry", 4) == pytest.approx(rules().event_weights["read"] / 2)
    assert share_per_tag("read", "region", 1) == pytest.approx(rules().key_weights["region"])


def test_an_older_signal_counts_for_less_than_a_new_one(demo):
    account = consenting()
    old, new = items_on(key="group", value="老年人")[:2]
    half_life = timedelta(days=rules().half_life_days)
    services.record_page_read(account, old.pk, now=NOW - half_life)
    stored = Interest.objects.get(account=account, key="group", value="老年人")
    first = stored.weight
    services.record_page_read(account, new.pk, now=NOW)
    stored.refresh_from_db()
    added = share_per_tag("read", "group", len(new.tags))
    assert stored.weight == pytest.approx(first / 2 + added)
    assert stored.updated_at == NOW
    # Read later on, the weight has decayed again, by the same rule.
    assert _weight(account, "group", "老年人", NOW + half_life) == pytest.approx((first / 2 + added) / 2)


def test_reading_a_page_again_the_same_day_teaches_nothing_new(demo):
    account = consenting()
    item = items_on(key="group", value="学生")[0]
    services.record_page_read(account, item.pk, now=NOW)
    once = _weight(account, "group", "学生")
    services.record_page_read(account, item.pk, now=NOW + timedelta(hours=2))
    assert _weight(account, "group", "学生") == pytest.approx(once)
    record = Interaction.objects.get(account=account, page_id=item.pk)
    assert record.count == 1
    services.record_page_read(account, item.pk, now=NOW + timedelta(days=2))
    record.refresh_from_db()
    assert record.count == 2
    assert _weight(account, "group", "学生", NOW + timedelta(days=2)) > once * decay_factor(
        NOW, NOW + timedelta(days=2)
    )


def test_a_search_and_a_question_teach_the_tags_their_words_name(demo):
    account = consenting()
    services.record_search(account, "养老服务补贴怎么申请", site_id=None, now=NOW)
    services.record_question(account, "大学生创业有什么扶持政策？", site_id=None, now=NOW)
    assert _weight(account, "group", "老年人") > 0  # 养老 is a synonym of 老年人
    assert _weight(account, "group", "创业者") > 0
    assert _weight(account, "group", "高校毕业生") > 0  # 大学生
    kinds = set(Interaction.objects.filter(account=account).values_list("kind", flat=True))
    assert kinds == {InteractionKind.SEARCH, InteractionKind.QUESTION}


def test_a_download_weighs_more_than_a_read(demo):
    reader, downloader = consenting(), consenting()
    item = items_on(key="group", value="老年人")[0]
    services.record_page_read(reader, item.pk, now=NOW)
    services.record_download(downloader, item.pk, now=NOW)
    assert _weight(downloader, "group", "老年人") == pytest.approx(
        _weight(reader, "group", "老年人") * rules().event_weights["download"] / rules().event_weights["read"]
    )


def test_a_boosted_tag_counts_double_and_at_least_the_floor(demo):
    account = consenting()
    item = items_on(key="group", value="老年人")[0]
    services.record_page_read(account, item.pk, now=NOW - timedelta(days=90))
    faded = _weight(account, "group", "老年人")
    services.correct(account, Correction.BOOST, "group", "老年人", actor=account.user, now=NOW)
    assert _weight(account, "group", "老年人") == pytest.approx(
        max(faded * rules().boost_factor, rules().boost_floor)
    )
    assert Interest.objects.get(account=account, key="group", value="老年人").state == InterestState.BOOSTED


def test_a_blocked_tag_is_never_learned_again_until_the_block_is_lifted(demo):
    account = consenting()
    items = items_on(key="group", value="老年人")
    services.correct(account, Correction.BLOCK, "group", "老年人", actor=account.user, now=NOW)
    services.record_page_read(account, items[0].pk, now=NOW)
    assert _weight(account, "group", "老年人") == 0
    assert ("group", "老年人") in queries.weights(account, now=NOW).blocked
    services.correct(account, Correction.UNBLOCK, "group", "老年人", actor=account.user, now=NOW)
    services.record_page_read(account, items[1].pk, now=NOW)
    assert _weight(account, "group", "老年人") > 0


def test_tags_the_citizen_chose_count_as_interests(demo):
    account = consenting()
    AccountTag.objects.create(account=account, key="industry", value="制造业")
    assert _weight(account, "industry", "制造业") == rules().chosen_tag_weight


def test_an_item_with_many_tags_teaches_no_more_in_all_than_one_with_few(demo):
    account = consenting()
    item = max(items_on(kind="policy"), key=lambda i: len(i.tags))
    services.record_page_read(account, item.pk, now=NOW)
    total = sum(queries.weights(account, now=NOW).values.values())
    keys = [key for key, _value in item.tags]
    expected = sum(rules().key_weights[key] for key in keys) / math.sqrt(len(keys))
    assert total == pytest.approx(expected)
    assert total <= math.sqrt(len(keys)) * max(rules().key_weights.values())
