"""The pages: 我的订阅, new subscription (from every "订阅" entry), 消息, the short link and unsubscribe; each
account sees only its own, and hostile input comes back as a sentence in Chinese with nothing saved."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model

from huimin.policies.models import PolicyTopic
from huimin.subscriptions import services
from huimin.subscriptions.models import Delivery, Dispatch, Subscription

from .factories import NOW, library_of, new_policy, portal, reachable_account, subscribe, tags_spec

pytestmark = pytest.mark.django_db

NEW = "/accounts/subscriptions/new/"


@pytest.fixture
def reader(client, demo, clock):
    account = reachable_account()
    client.force_login(account.user)
    return account


def _post(client, **data):
    data.setdefault("frequency", "immediate")
    data.setdefault("channels", ["inbox"])
    return client.post(NEW, data)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, demo):
    response = client.get("/accounts/subscriptions/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_without_an_account_are_refused(client, demo):
    staff = get_user_model().objects.filter(is_staff=True).first()
    client.force_login(staff)
    assert client.get("/accounts/subscriptions/").status_code == 403


def test_a_reader_subscribes_to_tags_and_sees_it_in_the_list(client, reader):
    response = _post(
        client, kind="tags", group=["老年人", "学生"], group_mode="any", channels=["inbox", "email"]
    )

    assert response.status_code == 302
    subscription = Subscription.objects.get(account=reader)
    assert subscription.title == "人群：老年人或学生" and subscription.channels() == ["inbox", "email"]
    page = client.get("/accounts/subscriptions/").content.decode()
    assert "已订阅：人群：老年人或学生" in page and "站内消息、电子邮件" in page


def test_the_tags_form_starts_from_my_tags(client, reader):
    from huimin.accounts.models import AccountTag

    AccountTag.objects.create(account=reader, key="group", value="退役军人")

    page = client.get(f"{NEW}?kind=tags").content.decode()

    group_choice = page.split('name="group" value="退役军人"')[1][:80]
    assert "checked" in group_choice
    assert "#}" not in page and "{%" not in page  # no template comment shows


def test_the_library_entry_carries_the_library_filter(client, reader):
    library = library_of(portal())
    topic = PolicyTopic.objects.get(name="科技、教育")
    query = urlencode({"kind": "library", "page": library.pk, "topic": topic.pk})

    shown = client.get(f"{NEW}?{query}").content.decode()
    response = _post(client, kind="library", page=library.pk, topic=topic.pk)

    assert "主题分类 科技、教育" in shown and f'name="topic" value="{topic.pk}"' in shown
    assert response.status_code == 302
    assert Subscription.objects.get(account=reader).params == {"topic": str(topic.pk)}


def test_a_column_topic_and_search_can_be_subscribed(client, reader):
    from huimin.sites.models import ColumnPage
    from huimin.topics.models import TopicPage

    column = ColumnPage.objects.filter(column_type__name="通知公告").order_by("pk").first()
    topic = TopicPage.objects.live().order_by("pk").first()

    assert _post(client, kind="column", page=column.pk).status_code == 302
    assert _post(client, kind="topic", page=topic.pk).status_code == 302
    assert _post(client, kind="search", q="秸秆 禁烧").status_code == 302
    assert _post(client, kind="unit", unit=column.responsible_unit_id).status_code == 302
    assert sorted(Subscription.objects.filter(account=reader).values_list("kind", flat=True)) == [
        "column",
        "search",
        "topic",
        "unit",
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "tags", "group": ["<script>alert(1)</script>"]}, "请从列表中选择"),
        ({"kind": "tags", "group": ["老年人"], "group_mode": "' OR 1=1 --"}, "请从列表中选择"),
        ({"kind": "tags"}, "请至少选择一个标签"),
        ({"kind": "search", "q": "词" * 200}, "内容过长"),
        ({"kind": "search", "q": "秸秆\x00禁烧"}, "不可见的控制字符"),
        ({"kind": "search", "q": ""}, "请填写此项"),
        ({"kind": "unit", "unit": "1 OR 1=1"}, "请从列表中选择"),
        ({"kind": "search", "q": "秸秆", "channels": ["fax"]}, "请从列表中选择"),
        ({"kind": "search", "q": "秸秆", "channels": []}, "请填写此项"),
        ({"kind": "search", "q": "秸秆", "frequency": "hourly"}, "请从列表中选择"),
    ],
)
def test_hostile_and_broken_input_is_refused_in_words_and_nothing_is_saved(client, reader, data, message):
    response = _post(client, **data)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "提交未成功" in page and "<script>alert" not in page
    assert not Subscription.objects.filter(account=reader).exists()


def test_a_missing_or_foreign_page_is_said_to_be_missing(client, reader):
    response = client.get(f"{NEW}?kind=column&page=99999999")
    assert response.status_code == 404 and "不存在或未公开" in response.content.decode()
    response = client.get(f"{NEW}?kind=library&page={library_of(portal()).pk}&topic=abc")
    assert response.status_code == 404 and "无效" in response.content.decode()


def test_mail_or_sms_needs_a_verified_address(client, demo, clock):
    account = reachable_account(email="", email_verified_at=None)
    client.force_login(account.user)

    response = _post(client, kind="search", q="秸秆", channels=["inbox", "email"])

    assert "没有已验证的电子邮箱" in response.content.decode()


def test_the_same_subscription_twice_is_refused(client, reader):
    _post(client, kind="search", q="秸秆")
    response = _post(client, kind="search", q="秸秆")

    assert "已订阅过相同的内容" in response.content.decode()
    assert Subscription.objects.filter(account=reader).count() == 1


def test_a_reader_changes_the_frequency_and_deletes_a_subscription(client, reader):
    subscription = subscribe(reader, tags_spec(group=(["老年人"], "any")))

    response = client.post(
        f"/accounts/subscriptions/{subscription.pk}/edit/",
        {"frequency": "weekly", "channels": ["inbox", "sms"]},
    )
    subscription.refresh_from_db()
    assert response.status_code == 302 and subscription.frequency == "weekly" and subscription.by_sms

    client.post(f"/accounts/subscriptions/{subscription.pk}/delete/")
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


def test_no_account_can_see_change_or_delete_another_accounts_subscriptions(client, reader):
    stranger = reachable_account()
    theirs = subscribe(stranger, tags_spec(group=(["老年人"], "any")))

    assert client.get(f"/accounts/subscriptions/{theirs.pk}/edit/").status_code == 404
    assert (
        client.post(
            f"/accounts/subscriptions/{theirs.pk}/edit/", {"frequency": "weekly", "channels": ["inbox"]}
        ).status_code
        == 404
    )
    assert client.post(f"/accounts/subscriptions/{theirs.pk}/delete/").status_code == 404
    assert theirs.title not in client.get("/accounts/subscriptions/").content.decode()
    theirs.refresh_from_db()
    assert theirs.frequency == "immediate"


def test_the_inbox_shows_my_messages_with_why_and_counts_the_unread(client, reader):
    subscribe(reader, tags_spec(group=(["老年人"], "any")))
    policy = new_policy(title="关于老年人助餐服务的通知")
    services.publish(policy.pk, policy.live_revision_id, now=NOW)

    page = client.get("/accounts/subscriptions/inbox/").content.decode()

    assert "您有 1 条未读消息" in page
    assert policy.title in page and "您订阅了“人群：老年人”" in page and "匹配人群“老年人”" in page


def test_following_a_message_reads_it_and_leads_to_the_page(client, reader):
    subscribe(reader, tags_spec(group=(["老年人"], "any")))
    policy = new_policy(title="关于老年人助餐服务的通知")
    services.publish(policy.pk, policy.live_revision_id, now=NOW)
    delivery = Delivery.objects.get(account=reader)

    response = client.get(f"/accounts/subscriptions/go/{delivery.code}/")

    assert response.status_code == 302 and response["Location"].endswith(policy.url_path.split("/", 2)[2])
    delivery.refresh_from_db()
    assert delivery.read_at is not None


def test_marking_read_one_or_all(client, reader):
    subscribe(reader, tags_spec(group=(["老年人"], "any")))
    for title in ("关于老年人助餐服务的通知", "关于老年人助浴服务的通知"):
        policy = new_policy(title=title)
        services.publish(policy.pk, policy.live_revision_id, now=NOW)
    first, _second = Delivery.objects.filter(account=reader).order_by("pk")

    client.post(f"/accounts/subscriptions/inbox/{first.pk}/read/")
    assert Delivery.objects.filter(account=reader, read_at__isnull=True).count() == 1
    client.post("/accounts/subscriptions/inbox/read-all/")
    assert not Delivery.objects.filter(account=reader, read_at__isnull=True).exists()


def test_no_account_can_see_or_read_another_accounts_inbox(client, reader):
    stranger = reachable_account()
    subscribe(stranger, tags_spec(group=(["老年人"], "any")))
    policy = new_policy(title="关于老年人助餐服务的通知（他人）")
    services.publish(policy.pk, policy.live_revision_id, now=NOW)
    theirs = Delivery.objects.get(account=stranger)

    assert policy.title not in client.get("/accounts/subscriptions/inbox/").content.decode()
    assert client.post(f"/accounts/subscriptions/inbox/{theirs.pk}/read/").status_code == 404
    client.get(f"/accounts/subscriptions/go/{theirs.code}/")  # the link leads on, but reads nothing
    theirs.refresh_from_db()
    assert theirs.read_at is None


def _dispatch_for(account):
    subscribe(account, tags_spec(group=(["老年人"], "any")), channels=["email"])
    policy = new_policy(title="关于老年人助餐服务的通知")
    services.publish(policy.pk, policy.live_revision_id, now=NOW)
    services.send_due(NOW)
    return Dispatch.objects.get(account=account)


def test_unsubscribe_by_token_asks_first_then_ends_the_subscription_and_a_second_time_says_so(
    client, demo, clock
):
    account = reachable_account()
    dispatch = _dispatch_for(account)
    url = f"/accounts/subscriptions/unsubscribe/{dispatch.token}/"

    shown = client.get(url)
    assert shown.status_code == 200 and "人群：老年人" in shown.content.decode()
    assert Subscription.objects.filter(account=account).exists()

    done = client.post(url)
    assert "已退订：人群：老年人" in done.content.decode()
    assert not Subscription.objects.filter(account=account).exists()

    again = client.post(url)
    assert again.status_code == 200 and "已经退订" in again.content.decode()


def test_one_click_unsubscribe_works_without_a_csrf_token(demo, clock):
    from django.test import Client

    account = reachable_account()
    dispatch = _dispatch_for(account)
    mail_client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1:8000")

    response = mail_client.post(
        f"/accounts/subscriptions/unsubscribe/{dispatch.token}/", {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert not Subscription.objects.filter(account=account).exists()


@pytest.mark.parametrize("token", ["wrong-token", "x" * 100, "%00abc", "' OR 1=1 --"])
def test_a_wrong_token_is_not_found_and_ends_nothing(client, demo, clock, token):
    account = reachable_account()
    _dispatch_for(account)

    response = client.post(f"/accounts/subscriptions/unsubscribe/{token}/")

    assert response.status_code == 404 and "退订链接无效" in response.content.decode()
    assert Subscription.objects.filter(account=account).exists()


def test_personal_pages_are_not_cached(client, reader):
    response = client.get("/accounts/subscriptions/")
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_the_search_entry_fills_in_its_query(client, reader):
    page = client.get(f"{NEW}?kind=search&q=%E5%85%BB%E8%80%81").content.decode()
    assert 'name="q" value="养老"' in page


@pytest.mark.parametrize("code", ["1-0000000000", "zz", "-", "1" * 30, "%00", "1-abc' OR 1=1"])
def test_a_short_link_with_a_wrong_code_is_not_found(client, reader, code):
    assert client.get(f"/accounts/subscriptions/go/{code}/").status_code == 404
