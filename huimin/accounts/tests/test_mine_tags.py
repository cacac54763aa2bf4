"""我的标签: a citizen chooses tags from the group's vocabularies; a legal person's registration tags stay."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError

from huimin.accounts import mine
from huimin.accounts.enums import TagSource
from huimin.accounts.models import AccountTag
from huimin.accounts.tags import keys as tag_keys
from huimin.accounts.tests.factories import AccountFactory
from huimin.sites.tests.html import soup

from .mine_records import HOST, NOW, SQL, XSS

pytestmark = pytest.mark.django_db
URL = "/accounts/tags/"


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = HOST
    with time_machine.travel(NOW, tick=False):
        yield


def _values(key: str) -> tuple[str, ...]:
    return next(k.values for k in tag_keys() if k.key == key)


def _mine(account) -> set[tuple[str, str, str]]:
    return {(t.key, t.value, t.source) for t in AccountTag.objects.filter(account=account)}


def test_the_page_offers_a_group_of_boxes_for_every_key_with_values(client):
    account = AccountFactory()
    client.force_login(account.user)
    page = soup(client.get(URL).content)
    legends = [legend.get_text() for legend in page.select("form.mine-tags fieldset legend")]
    assert legends == [k.label for k in tag_keys() if k.values]
    assert "人群" in legends and "企业规模" in legends
    assert len(page.select("input[type=checkbox][name=group]")) == len(_values("group"))


def test_chosen_tags_are_saved_and_shown_checked(client):
    account = AccountFactory()
    client.force_login(account.user)
    group, size = _values("group"), _values("size")
    response = client.post(URL, {"group": [group[0], group[2]], "size": [size[1]]})
    assert response.status_code == 302 and response["Location"] == f"{URL}?saved=1"
    assert _mine(account) == {
        ("group", group[0], TagSource.CHOSEN),
        ("group", group[2], TagSource.CHOSEN),
        ("size", size[1], TagSource.CHOSEN),
    }
    page = soup(client.get(response["Location"]).content)
    assert "标签已保存" in page.select_one(".notice").get_text()
    checked = {(i["name"], i["value"]) for i in page.select("input[type=checkbox][checked]")}
    assert checked == {("group", group[0]), ("group", group[2]), ("size", size[1])}
    # Choosing again replaces the choice.
    client.post(URL, {"group": [group[1]]})
    assert _mine(account) == {("group", group[1], TagSource.CHOSEN)}
    client.post(URL, {})
    assert _mine(account) == set()


@pytest.mark.parametrize("value", [XSS, SQL, "不存在的人群", "老年人\x00", "老" * 5000])
def test_a_value_outside_the_vocabulary_is_refused(client, value):
    account = AccountFactory()
    client.force_login(account.user)
    response = client.post(URL, {"group": [_values("group")[0], value]})
    assert response.status_code == 400
    summary = soup(response.content).select_one("#error-summary").get_text()
    assert "请从列表中选择标签。" in summary
    assert _mine(account) == set()
    assert "<script>alert(" not in response.content.decode()


def test_an_unknown_key_sent_to_the_form_is_ignored(client):
    account = AccountFactory()
    client.force_login(account.user)
    response = client.post(URL, {"nonsense": ["x"], "group": [_values("group")[0]]})
    assert response.status_code == 302
    assert _mine(account) == {("group", _values("group")[0], TagSource.CHOSEN)}


def test_the_service_refuses_an_unknown_key_or_value():
    account = AccountFactory()
    with pytest.raises(ValidationError) as refused:
        mine.save_tags(account, {"nonsense": ["x"], "group": ["不存在"]}, now=NOW)
    assert set(refused.value.message_dict) == {"nonsense", "group"}
    assert _mine(account) == set()


def test_a_legal_persons_registration_tags_are_shown_as_such_and_kept(client):
    account = AccountFactory(legal=True)
    industry, region = _values("industry")[0], _values("region")[0]
    AccountTag.objects.create(account=account, key="industry", value=industry, source=TagSource.REGISTRATION)
    AccountTag.objects.create(account=account, key="region", value=region, source=TagSource.REGISTRATION)
    client.force_login(account.user)
    page = soup(client.get(URL).content)
    registered = page.select_one(".mine-registered")
    assert "法人账号注册" in registered.get_text()
    assert industry in registered.get_text() and region in registered.get_text()
    offered = {i["value"] for i in page.select("input[name=industry]")}
    assert industry not in offered  # shown above, not a box to untick
    group = _values("group")[0]
    assert client.post(URL, {"group": [group], "industry": [industry]}).status_code == 400
    client.post(URL, {"group": [group]})
    assert _mine(account) == {
        ("industry", industry, TagSource.REGISTRATION),
        ("region", region, TagSource.REGISTRATION),
        ("group", group, TagSource.CHOSEN),
    }


def test_one_account_never_changes_anothers_tags(client):
    owner, other = AccountFactory(), AccountFactory()
    AccountTag.objects.create(account=other, key="group", value=_values("group")[0])
    client.force_login(owner.user)
    client.post(URL, {"group": [_values("group")[1]]})
    assert _mine(other) == {("group", _values("group")[0], TagSource.CHOSEN)}
    checked = {i["value"] for i in soup(client.get(URL).content).select("input[checked]")}
    assert checked == {_values("group")[1]}


def test_staff_without_an_account_cannot_save_tags(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("editor", is_staff=True))
    assert client.post(URL, {"group": [_values("group")[0]]}).status_code == 403
