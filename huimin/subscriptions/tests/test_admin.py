"""Editors see the reach of a page before publishing; the platform team sees 推送记录."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from huimin.subscriptions import services
from huimin.subscriptions.models import Publication

from .factories import NOW, new_policy, reachable_account, subscribe, tags_spec

pytestmark = pytest.mark.django_db


def _user(username):
    return get_user_model().objects.get(username=username)


def test_the_reach_counts_the_draft_by_channel_and_frequency(client, demo, clock):
    reader = reachable_account()
    subscribe(reader, tags_spec(group=(["残疾人"], "any")), channels=["inbox", "email"], frequency="daily")
    policy = new_policy(title="关于道路养护的通知")
    draft = policy.specific
    draft.title = "关于残疾人出行无障碍改造的通知"
    draft.save_revision()

    reach = services.reach(policy)

    assert reach.accounts >= 1 and reach.pushed and reach.changes == ["标题"]
    assert reach.by_channel["电子邮件"] >= 1 and reach.by_frequency["每日汇总"] >= 1


def test_an_unchanged_page_would_not_be_pushed_again(demo, clock):
    policy = new_policy(title="关于道路养护的通知")
    reach = services.reach(policy)
    assert not reach.pushed and "不会再次推送" in reach.reason


def test_the_reach_screen_is_for_those_who_may_edit_the_page(client, demo, clock):
    policy = new_policy(title="关于残疾人出行无障碍改造的通知")
    url = f"/admin/subscriptions/reach/{policy.pk}/"

    client.force_login(_user("admin"))
    page = client.get(url)
    assert page.status_code == 200 and "订阅匹配的用户" in page.content.decode()

    client.force_login(_user("shuyang-editor"))
    assert client.get(url).status_code in (302, 403)


def test_the_page_editor_offers_the_reach(client, demo, clock):
    policy = new_policy(title="关于残疾人出行无障碍改造的通知")
    client.force_login(_user("admin"))

    page = client.get(f"/admin/pages/{policy.pk}/edit/").content.decode()

    assert f"/admin/subscriptions/reach/{policy.pk}/" in page


def test_the_push_record_lists_publications_and_who_was_sent_what_masked(client, demo, clock):
    reader = reachable_account()
    subscribe(reader, tags_spec(group=(["残疾人"], "any")))
    policy = new_policy(title="关于残疾人出行无障碍改造的通知")
    services.publish(policy.pk, policy.live_revision_id, now=NOW)
    publication = Publication.objects.get(page=policy)
    client.force_login(_user("admin"))

    listing = client.get("/admin/subscriptions/log/").content.decode()
    detail = client.get(f"/admin/subscriptions/log/?publication={publication.pk}").content.decode()

    assert policy.title in listing
    assert reader.masked_login() in detail and reader.mobile not in detail and "人群：残疾人" in detail


def test_the_push_record_is_refused_to_editors(client, demo):
    client.force_login(_user("shuyang-editor"))
    assert client.get("/admin/subscriptions/log/").status_code in (302, 403)


def test_the_permission_opens_the_push_record(client, demo):
    editor = _user("shuyang-editor")
    editor.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(editor)
    assert client.get("/admin/subscriptions/log/").status_code == 200
