"""Matching: GOV.UK's any/all per key, and every kind of subscription against the facts of real pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from huimin.guides.models import ServiceGuidePage
from huimin.policies.models import InterpretationPage, PolicyTopic
from huimin.subscriptions import criteria, matching
from huimin.subscriptions.matching import _satisfied, rule_matches, topic_rules
from huimin.topics.models import TopicPage

from .factories import (
    county,
    library_of,
    new_policy,
    portal,
    reachable_account,
    site_unit,
    subscribe,
    tags_spec,
)

pytestmark = pytest.mark.django_db

FACTS = {"group": {"老年人", "残疾人"}, "topic": {"民政、扶贫、救灾"}, "kind": {"policy"}}


def test_any_needs_one_of_its_values_and_all_needs_every_one():
    assert _satisfied([("group", "老年人", "any"), ("group", "学生", "any")], FACTS) == {"group": ["老年人"]}
    assert _satisfied([("group", "学生", "any")], FACTS) is None
    assert _satisfied([("group", "老年人", "all"), ("group", "残疾人", "all")], FACTS) is not None
    assert _satisfied([("group", "老年人", "all"), ("group", "学生", "all")], FACTS) is None


def test_every_key_of_a_subscription_must_hold():
    rows = [("group", "老年人", "any"), ("topic", "科技、教育", "any")]
    assert _satisfied(rows, FACTS) is None
    rows = [("group", "老年人", "any"), ("topic", "民政、扶贫、救灾", "any"), ("kind", "policy", "any")]
    assert _satisfied(rows, FACTS) == {"group": ["老年人"], "topic": ["民政、扶贫、救灾"], "kind": ["policy"]}


def _matched_ids(page) -> set[int]:
    return {m.subscription_id for m in matching.match(matching.facts_of(page))}


def test_a_tag_subscription_with_all_matches_only_content_with_every_value(demo, clock):
    reader = reachable_account()
    both = subscribe(reader, tags_spec(group=(["老年人", "残疾人"], "all")))
    either = subscribe(reader, tags_spec(group=(["老年人", "残疾人"], "any")))

    elderly_only = new_policy(title="关于老年人助餐服务的通知")
    both_groups = new_policy(title="关于老年人和残疾人出行补贴的通知")

    assert _matched_ids(elderly_only) >= {either.pk} and both.pk not in _matched_ids(elderly_only)
    assert _matched_ids(both_groups) >= {either.pk, both.pk}


def test_a_kind_restriction_leaves_out_other_kinds(demo, clock):
    reader = reachable_account()
    guides_only = subscribe(reader, tags_spec(kinds=["guide"], group=(["老年人"], "any")))

    assert guides_only.pk not in _matched_ids(new_policy(title="关于老年人助餐服务的通知"))


def test_a_column_subscription_matches_what_is_published_below_the_column(demo, clock):
    reader = reachable_account()
    library = library_of(portal())
    own = subscribe(reader, criteria.from_column(library.pk))
    other = subscribe(reader, criteria.from_column(library_of(county()).pk))

    found = _matched_ids(new_policy(portal(), title="关于优化营商环境的意见"))

    assert own.pk in found and other.pk not in found


def test_a_library_filter_subscription_needs_every_filter_of_the_query(demo, clock):
    reader = reachable_account()
    library = library_of(portal())
    topic = PolicyTopic.objects.get(name="科技、教育")
    other_topic = PolicyTopic.objects.get(name="农业、林业、水利")
    params = {"topic": str(topic.pk), "issuer": str(site_unit(portal()).pk), "doc_kind": "通知"}
    subscription = subscribe(reader, criteria.from_library(library.pk, params))

    assert subscription.pk in _matched_ids(new_policy(portal(), title="关于学校课后服务的通知", topic=topic))
    assert subscription.pk not in _matched_ids(
        new_policy(portal(), title="关于水利的通知", topic=other_topic)
    )
    assert subscription.pk not in _matched_ids(
        new_policy(portal(), title="关于学校课后服务的意见", topic=topic, doc_kind="意见")
    )


def test_a_unit_subscription_matches_what_the_unit_issues(demo, clock):
    reader = reachable_account()
    unit = site_unit(county())
    subscription = subscribe(reader, criteria.from_unit(unit.pk))

    assert subscription.pk in _matched_ids(new_policy(county(), title="沭阳县关于秸秆禁烧的通告"))
    assert subscription.pk not in _matched_ids(new_policy(portal(), title="宿迁市关于秸秆禁烧的通告"))


def test_a_search_subscription_matches_text_holding_every_word_of_the_query(demo, clock):
    reader = reachable_account()
    subscription = subscribe(reader, criteria.from_search("秸秆 禁烧"))

    assert subscription.pk in _matched_ids(
        new_policy(title="关于秸秆综合利用的通知", body="<p>严格禁烧。</p>")
    )
    assert subscription.pk not in _matched_ids(
        new_policy(title="关于秸秆综合利用的通知", body="<p>还田。</p>")
    )


def test_a_search_query_is_folded_like_the_site_search(demo, clock):
    reader = reachable_account()
    subscription = subscribe(reader, criteria.from_search("醫療保障"))  # traditional characters

    assert subscription.pk in _matched_ids(new_policy(title="关于医疗保障待遇的通知"))


def test_a_topic_subscription_matches_what_the_topic_lists_gather(demo, clock):
    topic_page = next(
        t
        for t in TopicPage.objects.live().order_by("pk")
        if any(r["type"] == "policy_list" for r in topic_rules(t.body.raw_data))
    )
    rule = next(r for r in topic_rules(topic_page.body.raw_data) if r["type"] == "policy_list")
    reader = reachable_account()
    subscription = subscribe(reader, criteria.from_topic(topic_page.pk))
    values = {}
    if rule.get("topic"):
        values["topic"] = PolicyTopic.objects.get(pk=int(rule["topic"]))
    if rule.get("unit"):
        values["issuer"] = site_unit(portal()).__class__.objects.get(pk=int(rule["unit"]))
    title = f"关于{rule.get('keyword') or '专题'}工作的通知"

    assert subscription.pk in _matched_ids(new_policy(title=title, **values))


def test_topic_rules_read_the_lists_inside_layout_columns():
    raw = [
        {"type": "rich_text", "value": "<p>x</p>"},
        {
            "type": "two_columns",
            "value": {"left": [{"type": "guide_list", "value": {"theme": "养老服务"}}], "right": []},
        },
    ]

    rules = topic_rules(raw)

    assert rules == [{"type": "guide_list", "theme": "养老服务"}]


def test_a_guide_list_rule_matches_a_guide_of_its_theme(demo):
    guide = next(g for g in ServiceGuidePage.objects.live().order_by("pk") if g.themes.exists())
    theme = guide.themes.first().name
    item = matching._ItemFacts.of(guide)

    assert rule_matches({"type": "guide_list", "theme": theme}, item)
    assert not rule_matches({"type": "guide_list", "theme": "不存在的主题"}, item)
    assert not rule_matches({"type": "policy_list", "topic": "1"}, item)
    assert rule_matches({"type": "guide_list", "pages": [guide.pk]}, item)


def test_an_interpretation_matches_a_subscription_to_the_topic_of_its_policy(demo, clock):
    interpretation = next(
        i for i in InterpretationPage.objects.live().order_by("pk") if i.policies.filter(topic__isnull=False)
    )
    topic = interpretation.policies.filter(topic__isnull=False).first().topic.name
    reader = reachable_account()
    subscription = subscribe(reader, tags_spec(topic=([topic], "any"), kinds=["interpretation"]))

    assert subscription.pk in _matched_ids(interpretation)


def test_a_subscription_to_a_region_matches_the_county_site_and_not_the_city(demo, clock):
    reader = reachable_account()
    subscription = subscribe(reader, tags_spec(region=(["沭阳县"], "any")))

    assert subscription.pk in _matched_ids(new_policy(county(), title="沭阳县关于秸秆禁烧的通告"))
    assert subscription.pk not in _matched_ids(new_policy(portal(), title="宿迁市关于秸秆禁烧的通告"))


# ---- the criteria refuse what is not a subscription ----


@pytest.mark.parametrize(
    "chosen, field",
    [
        ({"group": (["<script>alert(1)</script>"], "any")}, "group"),
        ({"group": (["老年人' OR 1=1 --"], "any")}, "group"),
        ({"group": (["老年人"], "sometimes")}, "group_mode"),
        ({}, "__all__"),
    ],
)
def test_tag_criteria_refuse_values_outside_the_vocabulary(demo, chosen, field):
    with pytest.raises(ValidationError) as caught:
        criteria.from_tags(chosen)
    assert field in caught.value.message_dict if field != "__all__" else caught.value.messages


def test_tag_criteria_strip_nul_bytes_and_refuse_too_many_values(demo):
    assert criteria.from_tags({"group": (["老年\x00人"], "any")}).rows == [("group", "老年人", "any")]
    with pytest.raises(ValidationError):
        criteria.from_tags({"group": (["老年人"] + [f"x{n}" for n in range(40)], "any")})


def test_library_criteria_refuse_unknown_filters_and_pages(demo):
    library = library_of(portal())
    for params in (
        {"topic": "999999"},
        {"topic": "1; DROP TABLE x"},
        {"year": "20x6"},
        {"validity": "bogus"},
    ):
        with pytest.raises(ValidationError):
            criteria.from_library(library.pk, params)
    with pytest.raises(ValidationError):
        criteria.from_library(portal().root_page.pk, {})
    with pytest.raises(ValidationError):
        criteria.from_column("1 OR 1=1")


def test_search_criteria_refuse_empty_oversized_and_wordless_queries():
    for query in ("", "   ", "词" * 51, "的 了", "\x00"):
        with pytest.raises(ValidationError):
            criteria.from_search(query)


def test_the_same_criteria_give_the_same_signature(demo):
    one = criteria.from_tags({"group": (["老年人", "学生"], "any")})
    two = criteria.from_tags({"group": (["学生", "老年人"], "any")})
    assert one.signature == two.signature
    assert one.signature != criteria.from_tags({"group": (["学生", "老年人"], "all")}).signature
