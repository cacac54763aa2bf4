"""我的兴趣与推荐 (/accounts/interests/): consent on and off (off by default, off stops recording at once),
the citizen's own profile and nobody else's, the corrections and their hostile input, clearing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from huimin.profiles import services
from huimin.profiles.enums import InterestState
from huimin.profiles.models import Interaction, Interest
from huimin.profiles.tests.factories import HOST, NOW, citizen, consenting, items_on, read

pytestmark = pytest.mark.django_db

URL = "/accounts/interests/"
SERVER = {"HTTP_HOST": HOST}


@pytest.fixture
def owner(demo):
    account = consenting()
    read(account, items_on(key="group", value="老年人")[:3], now=NOW - timedelta(days=2))
    services.record_search(account, "养老服务补贴", site_id=None, now=NOW - timedelta(days=1))
    return account


def _login(client, account):
    client.force_login(account.user)
    return client


def test_consent_is_off_for_a_new_account_and_nothing_is_recorded_then(demo):
    account = citizen()
    assert account.profiling_consent is False
    item = items_on()[0]
    assert services.record_page_read(account, item.pk, now=NOW) is None
    assert services.record_search(account, "养老", site_id=None, now=NOW) is None
    assert services.record_download(account, item.pk, now=NOW) is None
    assert not Interaction.objects.filter(account=account).exists()
    assert not Interest.objects.filter(account=account).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, demo):
    response = client.get(URL, **SERVER)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_without_a_citizen_account_are_refused(client, demo):
    staff = get_user_model().objects.get(username="admin")
    client.force_login(staff)
    assert client.get(URL, **SERVER).status_code == 403
    assert client.post(URL + "consent/", {"consent": "on"}, **SERVER).status_code == 403


def test_switching_consent_on_and_off_is_recorded_with_its_time_and_in_the_audit_log(client, demo, clock):
    account = citizen()
    _login(client, account)
    page = client.get(URL, **SERVER).content.decode()
    assert "未开启" in page and "开启个性化推荐" in page
    response = client.post(URL + "consent/", {"consent": "on"}, **SERVER)
    assert response.status_code == 302 and "status=on" in response["Location"]
    account.refresh_from_db()
    assert account.profiling_consent is True and account.profiling_consent_at == NOW
    assert "个性化推荐已开启" in client.get(response["Location"], **SERVER).content.decode()
    client.post(URL + "consent/", {"consent": "off"}, **SERVER)
    account.refresh_from_db()
    assert account.profiling_consent is False
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(account.pk), action__startswith="huimin_profiles.consent")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["huimin_profiles.consent_on", "huimin_profiles.consent_off"]


def test_switching_consent_off_stops_recording_at_once_and_offers_to_clear(client, owner, clock):
    _login(client, owner)
    before = Interaction.objects.filter(account=owner).count()
    client.post(URL + "consent/", {"consent": "off"}, **SERVER)
    stale = type(owner).objects.get(pk=owner.pk)
    stale.profiling_consent = True  # an object loaded before the switch, as in a request under way
    assert services.record_page_read(stale, items_on(key="group", value="学生")[0].pk, now=NOW) is None
    assert Interaction.objects.filter(account=owner).count() == before
    page = client.get(URL + "?status=off", **SERVER).content.decode()
    assert "从现在起不再记录" in page
    assert URL + "clear/" in page


def test_the_page_shows_the_citizens_own_profile_in_words_and_their_records(client, owner, clock):
    _login(client, owner)
    page = client.get(URL, **SERVER).content.decode()
    assert "我的兴趣画像" in page
    assert "人群" in page and "老年人" in page  # the key's label from the vocabularies, and the value
    assert "兴趣较强" in page
    assert "养老服务补贴" in page  # the search, under 已记录的内容
    assert "为您推荐" in page


def test_no_one_sees_another_citizens_profile(client, owner, clock):
    stranger = consenting()
    read(stranger, items_on(key="industry", value="批发和零售业")[:2], now=NOW - timedelta(days=1))
    _login(client, stranger)
    page = client.get(URL, **SERVER).content.decode()
    assert "批发和零售业" in page
    assert "养老服务补贴" not in page
    # No address names an account: a guessed id or parameter shows the stranger's own page, nothing else.
    assert "养老服务补贴" not in client.get(URL + f"?account={owner.pk}", **SERVER).content.decode()
    assert client.get(URL + f"{owner.pk}/", **SERVER).status_code == 404


def test_services_refuse_to_act_on_another_citizens_profile(owner):
    stranger = citizen()
    with pytest.raises(PermissionDenied):
        services.correct(owner, "remove", "group", "老年人", actor=stranger.user, now=NOW)
    with pytest.raises(PermissionDenied):
        services.clear_profile(owner, actor=stranger.user, now=NOW)
    with pytest.raises(PermissionDenied):
        services.set_consent(owner, False, actor=stranger.user, now=NOW)
    assert Interest.objects.filter(account=owner).exists()


def _correct(client, what, key, value):
    return client.post(URL + "correct/", {"what": what, "key": key, "value": value}, **SERVER)


def test_a_tag_is_boosted_removed_blocked_and_restored(client, owner, clock):
    _login(client, owner)
    assert _correct(client, "boost", "group", "老年人").status_code == 302
    assert Interest.objects.get(account=owner, key="group", value="老年人").state == InterestState.BOOSTED
    assert "已加强" in client.get(URL, **SERVER).content.decode()
    assert _correct(client, "remove", "group", "老年人").status_code == 302
    assert not Interest.objects.filter(account=owner, key="group", value="老年人").exists()
    assert _correct(client, "block", "group", "学生").status_code == 302  # not learned yet: blocked ahead
    page = client.get(URL, **SERVER).content.decode()
    assert "不再推荐的标签" in page and "学生" in page
    assert _correct(client, "unblock", "group", "学生").status_code == 302
    assert not Interest.objects.filter(account=owner, key="group", value="学生").exists()
    assert (
        ModelLogEntry.objects.filter(object_id=str(owner.pk), action="huimin_profiles.correct").count() == 4
    )


HOSTILE = [
    ("remove", "group", "<script>alert(1)</script>"),
    ("remove", "group", "老年人'; DROP TABLE huimin_profiles_interest; --"),
    ("boost", "group", "老年\x00人"),
    ("boost", "group", "老" * 101),
    ("boost", "group", ""),
    ("boost", "<b>key</b>", "老年人"),
    ("boost", "industry", "并非词表中的行业"),
    ("explode", "group", "老年人"),
    ("unblock", "group", "老年人"),  # not blocked
    ("remove", "industry", "批发和零售业"),  # only in another citizen's profile
]


@pytest.mark.parametrize(("what", "key", "value"), HOSTILE)
def test_hostile_or_wrong_corrections_are_refused_in_words_and_change_nothing(
    client, owner, clock, what, key, value
):
    other = consenting()
    read(other, items_on(key="industry", value="批发和零售业")[:1], now=NOW - timedelta(days=1))
    before = sorted(Interest.objects.values_list("account_id", "key", "value", "state", "weight"))
    _login(client, owner)
    response = _correct(client, what, key, value)
    assert response.status_code == 400
    page = response.content.decode()
    assert "修改未成功" in page and 'id="error-summary"' in page
    assert "<script>alert(1)</script>" not in page
    assert page.count("<title>错误：") == 1
    assert sorted(Interest.objects.values_list("account_id", "key", "value", "state", "weight")) == before


def test_a_post_without_fields_or_with_a_get_is_refused(client, owner, clock):
    _login(client, owner)
    assert client.post(URL + "correct/", {}, **SERVER).status_code == 400
    assert client.post(URL + "consent/", {"consent": "maybe"}, **SERVER).status_code == 400
    assert client.get(URL + "correct/", **SERVER).status_code == 405
    assert client.get(URL + "consent/", **SERVER).status_code == 405


def test_the_forms_need_the_csrf_token(owner, demo):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner.user)
    assert strict.post(URL + "consent/", {"consent": "off"}, **SERVER).status_code == 403
    assert strict.post(URL + "clear/", {}, **SERVER).status_code == 403
    owner.refresh_from_db()
    assert owner.profiling_consent is True


def test_clearing_asks_first_then_deletes_everything_and_keeps_the_consent(client, owner, clock):
    _login(client, owner)
    page = client.get(URL + "clear/", **SERVER).content.decode()
    assert "删除后不能恢复" in page and "确认清空" in page
    assert Interest.objects.filter(account=owner).exists()
    response = client.post(URL + "clear/", **SERVER)
    assert response.status_code == 302 and "status=cleared" in response["Location"]
    assert not Interest.objects.filter(account=owner).exists()
    assert not Interaction.objects.filter(account=owner).exists()
    owner.refresh_from_db()
    assert owner.profiling_consent is True
    assert ModelLogEntry.objects.filter(object_id=str(owner.pk), action="huimin_profiles.clear").exists()
    assert "已全部清空" in client.get(response["Location"], **SERVER).content.decode()
