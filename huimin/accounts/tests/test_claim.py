"""认领: taking an older letter or application into my account with its query code and password — once, by
the right account only, within the guessing limits, recorded in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from wagtail.models import ModelLogEntry

from huimin.accounts import mine
from huimin.accounts.tests.factories import AccountFactory
from huimin.disclosure.models import Application
from huimin.letters.models import Letter
from huimin.sites.tests.html import soup

from .mine_records import HOST, NOW, SQL, XSS, send_application, write_letter

pytestmark = pytest.mark.django_db
LETTERS = "/accounts/letters/"
APPLICATIONS = "/accounts/applications/"


@pytest.fixture(autouse=True)
def on_the_portal(demo, client, settings):
    client.defaults["HTTP_HOST"] = HOST
    settings.HUIMIN_QUERY_FAILURES_PER_IP_HOUR = 10
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def owner(client):
    account = AccountFactory()
    client.force_login(account.user)
    return account


def _claim(client, url, code, password):
    return client.post(url, {"code": code, "password": password})


def _errors(response) -> str:
    summary = soup(response.content).select_one("#error-summary")
    return summary.get_text(" ", strip=True) if summary else ""


def test_an_older_letter_is_claimed_with_its_code_and_password(client, owner):
    letter, password = write_letter(title="去年写的留言")
    response = _claim(client, LETTERS, letter.query_code, password)
    assert response.status_code == 302 and response["Location"] == f"{LETTERS}?claimed={letter.pk}"
    letter.refresh_from_db()
    assert letter.author == owner.user
    page = client.get(response["Location"])
    assert "已认领留言“去年写的留言”。" in soup(page.content).select_one(".notice").get_text()
    assert [h.get_text() for h in soup(page.content).select(".mine-records h3")] == ["去年写的留言"]
    entry = ModelLogEntry.objects.get(action=mine.CLAIM, object_id=str(letter.pk))
    assert entry.user_id == owner.user_id and entry.data["account"] == owner.pk
    assert entry.data["address"] == "127.0.0.1"


def test_the_code_is_read_as_people_type_it(client, owner):
    letter, password = write_letter()
    response = _claim(client, LETTERS, f"  {letter.query_code.lower()} ", password)
    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).author == owner.user


def test_a_wrong_pair_gets_one_neutral_answer(client, owner):
    letter, password = write_letter()
    wrong_password = _claim(
        client, LETTERS, letter.query_code, "000000" if password != "000000" else "111111"
    )
    no_such_code = _claim(client, LETTERS, "ZZZZZZZZZZ", password)
    for response in (wrong_password, no_such_code):
        assert response.status_code == 400
        assert "查询码或查询密码不正确。" in _errors(response)
        assert response.context["title"] == "我的留言"
    assert soup(wrong_password.content).select_one("title").get_text().startswith("错误：")
    assert _errors(wrong_password) == _errors(no_such_code)
    assert Letter.objects.get(pk=letter.pk).author is None


def test_a_letter_another_account_claimed_cannot_be_taken(client, owner):
    other = AccountFactory()
    letter, password = write_letter(author=other.user)
    response = _claim(client, LETTERS, letter.query_code, password)
    assert response.status_code == 400
    assert "已由其他账号认领" in _errors(response)
    assert Letter.objects.get(pk=letter.pk).author == other.user
    assert not ModelLogEntry.objects.filter(action=mine.CLAIM, object_id=str(letter.pk)).exists()


def test_claiming_my_own_letter_again_changes_nothing(client, owner):
    letter, password = write_letter(author=owner.user, title="已经是我的")
    response = _claim(client, LETTERS, letter.query_code, password)
    assert response["Location"] == f"{LETTERS}?already={letter.pk}"
    assert "已在您的账号中" in client.get(response["Location"]).content.decode()
    assert not ModelLogEntry.objects.filter(action=mine.CLAIM, object_id=str(letter.pk)).exists()


def test_wrong_pairs_are_limited_per_account_whatever_the_address(client, owner, settings):
    settings.HUIMIN_ACCOUNT_CLAIM_FAILURES_PER_HOUR = 3
    letter, password = write_letter()
    for number in range(3):
        response = client.post(
            LETTERS, {"code": letter.query_code, "password": "999999"}, REMOTE_ADDR=f"10.0.0.{number + 1}"
        )
        assert response.status_code == 400
    blocked = client.post(LETTERS, {"code": letter.query_code, "password": password}, REMOTE_ADDR="10.0.0.9")
    assert blocked.status_code == 429 and "认领失败次数过多" in _errors(blocked)
    assert Letter.objects.get(pk=letter.pk).author is None
    with time_machine.travel(NOW + timedelta(hours=1, minutes=1), tick=False):
        assert _claim(client, LETTERS, letter.query_code, password).status_code == 302


def test_wrong_pairs_here_count_against_the_query_pages_limit_for_the_address(client, owner, settings):
    settings.HUIMIN_QUERY_FAILURES_PER_IP_HOUR = 2
    letter, password = write_letter()
    for _ in range(2):
        _claim(client, LETTERS, letter.query_code, "999999")
    follow = client.post(
        "/hudong/liuyan/chaxun/", {"step": "open", "code": letter.query_code, "password": password}
    )
    assert follow.status_code == 429  # the public query page now refuses this address too
    assert _claim(client, LETTERS, letter.query_code, password).status_code == 429


@pytest.mark.parametrize(
    "code, password, message",
    [
        ("", "", "请填写此项。"),
        (XSS, "123456", "最多 12 个字"),
        (SQL, SQL, "最多 12 个字"),
        ("A" * 5000, "1" * 5000, "最多 12 个字"),
        ("ABC\x00DEF", "12\x0034", "控制字符"),
    ],
)
def test_hostile_or_broken_input_is_refused_in_chinese(client, owner, code, password, message):
    letter, _ = write_letter()
    response = _claim(client, LETTERS, code, password)
    assert response.status_code == 400
    assert message in _errors(response)
    assert "<script>alert(" not in response.content.decode()
    assert Letter.objects.get(pk=letter.pk).author is None
    assert Letter.objects.filter(author=owner.user).count() == 0


def test_markup_in_a_claimed_title_is_shown_as_text(client, owner):
    letter, password = write_letter(title=f"标题{XSS}")
    client.get(_claim(client, LETTERS, letter.query_code, password)["Location"])
    page = client.get(LETTERS).content.decode()
    assert "<script>alert(" not in page and "&lt;script&gt;" in page


def test_an_application_is_claimed_once_and_only_with_its_password(client, owner):
    application, password = send_application()
    wrong = _claim(
        client, APPLICATIONS, application.query_code, "999999" if password != "999999" else "888888"
    )
    assert wrong.status_code == 400 and "查询码或查询密码不正确。" in _errors(wrong)
    right = _claim(client, APPLICATIONS, application.query_code, password)
    assert right.status_code == 302 and right["Location"] == f"{APPLICATIONS}?claimed={application.pk}"
    assert Application.objects.get(pk=application.pk).author == owner.user
    assert ModelLogEntry.objects.filter(action=mine.CLAIM, object_id=str(application.pk)).count() == 1
    other = AccountFactory()
    client.force_login(other.user)
    taken = _claim(client, APPLICATIONS, application.query_code, password)
    assert taken.status_code == 400 and "已由其他账号认领" in _errors(taken)
    assert Application.objects.get(pk=application.pk).author == owner.user


def test_a_staff_user_cannot_claim(client, django_user_model):
    letter, password = write_letter()
    client.force_login(django_user_model.objects.create_user("handler", is_staff=True))
    assert _claim(client, LETTERS, letter.query_code, password).status_code == 403
    assert Letter.objects.get(pk=letter.pk).author is None


def test_an_anonymous_visitor_cannot_claim(client):
    letter, password = write_letter()
    response = _claim(client, LETTERS, letter.query_code, password)
    assert response.status_code == 302 and "next=" in response["Location"]
    assert Letter.objects.get(pk=letter.pk).author is None


def test_the_service_refuses_without_an_account():
    letter, password = write_letter()
    with pytest.raises(mine.PermissionDenied):
        mine.claim_letter(None, letter.query_code, password, address="127.0.0.1", now=NOW)


def test_a_claim_race_leaves_the_letter_with_the_first_account(owner):
    letter, password = write_letter()
    second = AccountFactory()
    assert mine.claim_letter(owner, letter.query_code, password, address="10.0.0.1", now=NOW).new
    with pytest.raises(mine.ClaimError) as refused:
        mine.claim_letter(second, letter.query_code, password, address="10.0.0.2", now=NOW)
    assert refused.value.code == "taken"
    assert reverse("accounts:letters") == LETTERS
