"""我的: who may see the personal pages, what each shows, and that a citizen sees only their own records."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from huimin.accounts.tests.factories import AccountFactory
from huimin.letters.views import SESSION_KEY
from huimin.sites.tests.html import soup

from .mine_records import HOST, NOW, XSS, send_application, write_letter

pytestmark = pytest.mark.django_db
PERSONAL = ["accounts:home", "accounts:letters", "accounts:applications", "accounts:tags", "accounts:data"]


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = HOST
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def owner():
    return AccountFactory(display_name="王小明")


@pytest.fixture
def stranger():
    return AccountFactory(display_name="路人甲")


@pytest.mark.parametrize("name", PERSONAL)
def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert (
        response["Location"].startswith(reverse("accounts:login")) or "/accounts/sso/" in response["Location"]
    )
    assert "next=" in response["Location"]


@pytest.mark.parametrize("name", PERSONAL)
def test_a_staff_user_without_an_account_is_refused(client, django_user_model, name):
    staff = django_user_model.objects.create_user("editor", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(name)).status_code == 403


def test_my_page_names_the_account_and_links_every_personal_page(client, owner):
    client.force_login(owner.user)
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 200
    page = soup(response.content)
    assert page.select_one("h1").get_text() == "我的"
    assert "王小明" in page.select_one(".mine-who").get_text() and "自然人" in page.get_text()
    links = {
        a.select_one(".mine-section-label").get_text(): a["href"] for a in page.select(".mine-sections a")
    }
    assert links == {
        "我的留言": "/accounts/letters/",
        "我的申请": "/accounts/applications/",
        "我的订阅": "/accounts/subscriptions/",
        "消息": "/accounts/subscriptions/inbox/",
        "我的调查": "/accounts/surveys/",
        "我的兴趣与推荐": "/accounts/interests/",
        "我的标签": "/accounts/tags/",
        "我的数据": "/accounts/data/",
    }
    logout = page.select_one("form.mine-logout")
    assert logout["action"] == reverse("accounts:logout") and logout["method"] == "post"
    assert page.select_one("form.mine-logout input[name=csrfmiddlewaretoken]")


def test_a_name_with_markup_is_shown_as_text(client):
    account = AccountFactory(display_name=XSS[:60])
    client.force_login(account.user)
    page = client.get(reverse("accounts:home")).content.decode()
    assert "<script>alert(" not in page and "&lt;script&gt;" in page


def test_a_legal_person_sees_its_kind_and_name(client):
    account = AccountFactory(legal=True, org_name="宿迁市示例科技有限公司")
    client.force_login(account.user)
    text = soup(client.get(reverse("accounts:home")).content).get_text()
    assert "法人" in text and "宿迁市示例科技有限公司" in text


def test_my_letters_lists_only_my_own(client, owner, stranger):
    mine, _ = write_letter(author=owner.user, title="我的留言标题")
    theirs, _ = write_letter(author=stranger.user, title="别人的留言标题")
    anonymous, _ = write_letter(title="匿名留言标题")
    client.force_login(owner.user)
    response = client.get(reverse("accounts:letters"))
    assert response.status_code == 200
    items = soup(response.content).select(".mine-records > li")
    assert [item.select_one("h3").get_text() for item in items] == ["我的留言标题"]
    assert mine.query_code in items[0].get_text()
    assert items[0].select_one("strong").get_text() == mine.get_state_display()
    page = response.content.decode()
    assert theirs.query_code not in page and anonymous.query_code not in page


def test_my_letter_opens_on_the_follow_page_without_its_password(client, owner):
    letter, _ = write_letter(author=owner.user, title="凭账号查看的留言")
    client.force_login(owner.user)
    response = client.get(reverse("accounts:letters") + f"?open={letter.pk}")
    assert response.status_code == 302 and response["Location"] == f"/hudong/liuyan/chaxun/?id={letter.pk}"
    assert letter.pk in client.session[SESSION_KEY]
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert soup(follow.content).select_one("#letter-title").get_text() == "凭账号查看的留言"


def test_another_accounts_letter_cannot_be_opened_through_my_page(client, owner, stranger):
    theirs, _ = write_letter(author=stranger.user)
    anonymous, _ = write_letter()
    client.force_login(owner.user)
    for letter in (theirs, anonymous):
        assert client.get(reverse("accounts:letters") + f"?open={letter.pk}").status_code == 404
    for junk in ("abc", "-1", "1 OR 1=1", "9" * 30, "\x00"):
        assert client.get(reverse("accounts:letters"), {"open": junk}).status_code == 404
    assert SESSION_KEY not in client.session or theirs.pk not in client.session[SESSION_KEY]
    follow = client.get(f"/hudong/liuyan/chaxun/?id={theirs.pk}")
    assert soup(follow.content).select_one("#letter-title") is None


def test_my_applications_list_and_open_only_my_own(client, owner, stranger):
    mine, _ = send_application(author=owner.user, description="我申请的河道疏浚工程招标文件")
    theirs, _ = send_application(author=stranger.user)
    client.force_login(owner.user)
    response = client.get(reverse("accounts:applications"))
    page = response.content.decode()
    assert response.status_code == 200 and mine.query_code in page and theirs.query_code not in page
    opened = client.get(reverse("accounts:applications") + f"?open={mine.pk}")
    assert opened["Location"] == f"/zfxxgk/ysqgk/chaxun/?id={mine.pk}"
    follow = client.get(opened["Location"])
    assert follow.status_code == 200 and mine.query_code in follow.content.decode()
    assert client.get(reverse("accounts:applications") + f"?open={theirs.pk}").status_code == 404


def test_personal_pages_are_not_cached(client, owner):
    client.force_login(owner.user)
    response = client.get(reverse("accounts:data"))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_a_claim_notice_names_only_my_own_record(client, owner, stranger):
    theirs, _ = write_letter(author=stranger.user, title="别人的标题")
    client.force_login(owner.user)
    page = client.get(reverse("accounts:letters") + f"?claimed={theirs.pk}").content.decode()
    assert "别人的标题" not in page
