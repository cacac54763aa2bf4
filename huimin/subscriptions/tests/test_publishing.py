"""A published page becomes one publication per substantive version, matched and delivered once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from wagtail.models import PageViewRestriction

from huimin.articles.models import ArticlePage
from huimin.sites.models import ColumnPage
from huimin.subscriptions import services
from huimin.subscriptions.models import Delivery, Publication
from huimin.subscriptions.tasks import publish_task

from .factories import NOW, new_policy, reachable_account, republish, subscribe, tags_spec

pytestmark = pytest.mark.django_db

ELDERLY = {"group": (["老年人"], "any")}


def _mine(account):
    return Delivery.objects.filter(account=account)


def test_a_first_publication_reaches_the_matching_subscriber_in_the_inbox_at_once(
    demo, clock, django_capture_on_commit_callbacks
):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY))

    with django_capture_on_commit_callbacks(execute=True):
        policy = new_policy(title="关于老年人助餐服务的通知")

    delivery = _mine(reader).get()
    assert delivery.publication.page_id == policy.pk
    assert delivery.publication.reason == "first"
    assert delivery.channel == "inbox"
    assert delivery.status == "sent"
    assert delivery.reason[0]["matched"] == {"人群": ["老年人"]}
    assert delivery.queued_at == NOW


def test_an_old_document_put_online_late_is_not_pushed_but_a_recent_one_is(
    demo, clock, django_capture_on_commit_callbacks
):
    """An archive imported later (dated more than max_item_age_days before its publication) is not news."""
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY))

    with django_capture_on_commit_callbacks(execute=True):
        old = new_policy(title="关于老年人助餐服务的通知（2019年）", pub_date=NOW - timedelta(days=31))
        recent = new_policy(title="关于老年人助餐服务的补充通知", pub_date=NOW - timedelta(days=29))

    assert services.publish(old.pk, old.live_revision_id, now=NOW).status == "archive"
    assert not Publication.objects.filter(page=old).exists()
    assert [d.publication.page_id for d in _mine(reader)] == [recent.pk]


def test_a_page_that_matches_nothing_of_a_subscriber_sends_it_nothing(
    demo, clock, django_capture_on_commit_callbacks
):
    reader = reachable_account()
    subscribe(reader, tags_spec(group=(["退役军人"], "any")))

    with django_capture_on_commit_callbacks(execute=True):
        new_policy(title="关于老年人助餐服务的通知")

    assert not _mine(reader).exists()


def test_publishing_again_without_change_or_retrying_the_task_sends_nothing_twice(
    demo, clock, django_capture_on_commit_callbacks
):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY), channels=["inbox", "email", "sms"])
    with django_capture_on_commit_callbacks(execute=True):
        policy = new_policy(title="关于老年人助餐服务的通知")
    first = Publication.objects.get(page=policy)

    retried = services.publish(policy.pk, first.revision_id, now=NOW + timedelta(minutes=5))
    publish_task.enqueue(policy.pk, first.revision_id)
    with django_capture_on_commit_callbacks(execute=True):
        republish(policy)  # the same content published again

    assert retried.status == "done_before"
    assert Publication.objects.filter(page=policy).count() == 1
    assert _mine(reader).count() == 3  # one per channel, once


def test_a_change_in_title_is_pushed_again_as_an_update(demo, clock, django_capture_on_commit_callbacks):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY))
    with django_capture_on_commit_callbacks(execute=True):
        policy = new_policy(title="关于老年人助餐服务的通知")
    clock.shift(timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        republish(policy, title="关于老年人助餐服务的补充通知")

    update = Publication.objects.filter(page=policy).order_by("-pk").first()
    assert update.reason == "changed"
    assert update.changes == ["标题"]
    assert _mine(reader).count() == 2


def test_a_small_edit_of_the_text_is_not_pushed_and_a_large_one_is(
    demo, clock, django_capture_on_commit_callbacks
):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY))
    body = "<p>" + "为方便老年人就餐，各社区设立助餐点，每日供应午餐和晚餐。" * 20 + "</p>"
    with django_capture_on_commit_callbacks(execute=True):
        policy = new_policy(title="关于老年人助餐服务的通知", body=body)

    with django_capture_on_commit_callbacks(execute=True):
        policy = republish(policy, body=body.replace("晚餐。</p>", "晚餐，节假日照常。</p>"))
    assert _mine(reader).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        republish(
            policy, body="<p>助餐点调整为社区食堂统一供应，费用由财政补贴一半，详见附件名单和办理流程。</p>"
        )
    assert _mine(reader).count() == 2
    assert Publication.objects.filter(page=policy).order_by("-pk").first().changes == ["正文"]


def test_a_changed_validity_is_pushed_again(demo, clock, django_capture_on_commit_callbacks):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY))
    with django_capture_on_commit_callbacks(execute=True):
        policy = new_policy(title="关于老年人助餐服务的通知")

    with django_capture_on_commit_callbacks(execute=True):
        republish(policy, validity="repealed", invalid_date=NOW.date())

    assert Publication.objects.filter(page=policy).order_by("-pk").first().changes == ["时效"]


def test_a_page_behind_a_view_restriction_is_not_pushed(demo, clock):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY))
    policy = new_policy(title="关于老年人助餐服务的通知")
    PageViewRestriction.objects.create(page=policy, restriction_type="password", password="secret")

    outcome = services.publish(policy.pk, policy.live_revision_id, now=NOW)

    assert outcome.status == "not_public"
    assert not _mine(reader).exists()


def test_news_is_not_pushed_but_a_notice_is(demo, clock, django_capture_on_commit_callbacks):
    from huimin.core.pages import add_and_publish

    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY))
    news_column = ColumnPage.objects.filter(column_type__name="工作动态").order_by("pk").first()
    notice_column = ColumnPage.objects.filter(column_type__name="通知公告").order_by("pk").first()

    with django_capture_on_commit_callbacks(execute=True):
        add_and_publish(
            news_column, ArticlePage(title="老年人助餐点开张", slug="push-news", body="<p>开张。</p>")
        )
        add_and_publish(
            notice_column,
            ArticlePage(title="老年人助餐点开放时间的公告", slug="push-notice", body="<p>公告。</p>"),
        )

    assert [d.publication.title for d in _mine(reader)] == ["老年人助餐点开放时间的公告"]
    assert _mine(reader).get().publication.kind == "notice"


def test_without_any_subscription_publishing_does_no_work(demo, clock):
    from huimin.subscriptions.models import Subscription

    Subscription.objects.all().delete()
    policy = new_policy(title="关于老年人助餐服务的通知")

    assert services.publish(policy.pk, policy.live_revision_id, now=NOW).status == "no_subscriptions"
    assert not Publication.objects.filter(page=policy).exists()


def test_an_account_matched_by_two_subscriptions_gets_one_delivery_saying_both(demo, clock):
    reader = reachable_account()
    subscribe(reader, tags_spec(**ELDERLY))
    subscribe(reader, tags_spec(kinds=["policy"], group=(["老年人", "学生"], "any")))
    policy = new_policy(title="关于老年人助餐服务的通知")

    services.publish(policy.pk, policy.live_revision_id, now=NOW)

    delivery = _mine(reader).get()
    assert len(delivery.reason) == 2
