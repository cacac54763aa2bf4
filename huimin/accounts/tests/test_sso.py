"""The group login (decision 0021): one session for every host of the group, carried by one-time tickets
through the hub (the portal, 127.0.0.1 in the demo). Each host has its own cookie jar (`Browser`)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from huimin.accounts import sso
from huimin.accounts.models import LoginTicket
from huimin.accounts.tests.factories import PASSWORD, AccountFactory

from .auth_steps import HUB, NEW_PASSWORD, NOW, OTHER, THIRD, Browser, clear_outboxes

pytestmark = pytest.mark.django_db
MINE = "/accounts/"


@pytest.fixture(autouse=True)
def pinned(demo):
    clear_outboxes()
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def citizen():
    return AccountFactory(display_name="王小明")


@pytest.fixture
def browser():
    return Browser()


def _user(browser, host):
    return browser.client(host).get("/accounts/logout/").wsgi_request.user


def test_the_hub_is_the_city_portal_when_no_site_is_the_default():
    assert sso.hub_host() == "127.0.0.1"
    with override_settings(HUIMIN_ACCOUNTS_HUB="shuyang.localhost:8000"):
        assert sso.hub_host() == "shuyang.localhost"


def test_signed_in_on_the_hub_a_visitor_is_signed_in_on_another_host_without_typing(browser, citizen):
    response = browser.sign_in(HUB, citizen.mobile)
    assert response.status_code == 200 and _user(browser, HUB) == citizen.user
    response = browser.get(f"http://{OTHER}{MINE}")
    hosts = [host for host, _ in response.chain]
    assert hosts == [OTHER, HUB, OTHER, OTHER], response.chain  # asked the hub, took the session, the page
    assert response.chain[1][1].startswith("/accounts/sso/check/?")
    assert response.status_code == 200 and response.wsgi_request.user == citizen.user
    assert browser.session_key(OTHER) == browser.session_key(HUB)
    assert not LoginTicket.objects.filter(used_at__isnull=True).exists()
    # The next personal page on that host needs no round trip.
    assert browser.get(f"http://{OTHER}{MINE}").chain == [(OTHER, MINE)]


def test_signed_in_on_another_host_the_hub_and_a_third_host_know_it(browser, citizen):
    response = browser.sign_in(OTHER, citizen.mobile, next_path="/zcwj/")
    assert response.host == OTHER and response.chain[-1] == (OTHER, "/zcwj/")
    assert [h for h, _ in response.chain] == [HUB, OTHER, HUB, OTHER]  # check (push), ticket, accept, page
    key = browser.session_key(OTHER)
    assert key and browser.session_key(HUB) == key
    response = browser.get(f"http://{THIRD}{MINE}")
    assert response.wsgi_request.user == citizen.user and browser.session_key(THIRD) == key


def test_signing_out_on_one_host_signs_out_everywhere(browser, citizen):
    browser.sign_in(HUB, citizen.mobile)
    browser.get(f"http://{OTHER}{MINE}")
    key = browser.session_key(OTHER)
    client = browser.client(OTHER)
    response = client.post("/accounts/logout/", {"next": "/"})
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not _user(browser, HUB).is_authenticated
    assert not _user(browser, OTHER).is_authenticated


def test_with_nobody_signed_in_at_the_hub_the_host_remembers_it_and_shows_its_login_page(browser, pinned):
    response = browser.get(f"http://{OTHER}{MINE}")
    assert [h for h, _ in response.chain] == [OTHER, HUB, OTHER, OTHER, OTHER]
    assert response.chain[-1][1].startswith("/accounts/login/?next=")
    assert response.status_code == 200 and "密码登录" in response.content.decode()
    assert not Session.objects.filter(
        session_key=browser.session_key(HUB) or "-"
    ).exists()  # the hub kept nothing
    # No second round trip for a while (no loop), then it asks again.
    assert [h for h, _ in browser.get(f"http://{OTHER}{MINE}").chain] == [OTHER, OTHER]
    pinned.shift(sso.CHECK_MEMORY + timedelta(seconds=1))
    assert HUB in [h for h, _ in browser.get(f"http://{OTHER}{MINE}").chain]


def test_a_host_that_asked_a_moment_ago_asks_again_when_sent_on_from_the_hub(browser, citizen):
    browser.get(f"http://{OTHER}{MINE}")  # the hub had nobody: remembered
    browser.sign_in(HUB, citizen.mobile, next_path=f"http://{OTHER}{MINE}")
    response = browser.get(f"http://{OTHER}/accounts/login/?next=%2Faccounts%2F&check=1")
    assert response.wsgi_request.user == citizen.user and response.chain[-1] == (OTHER, MINE)


def _ticket_url(browser, citizen) -> tuple[str, dict]:
    """The hub's answer to a check by OTHER, not followed: (the accept URL on OTHER, its query)."""
    browser.sign_in(HUB, citizen.mobile)
    start = browser.get(f"http://{OTHER}{MINE}", follow=False)
    check = browser.get(start["Location"], follow=False)
    assert check.status_code == 302
    url = check["Location"]
    assert url.startswith(f"http://{OTHER}/accounts/sso/accept/?")
    return url, {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_a_ticket_works_once(browser, citizen):
    start = browser.get(f"http://{OTHER}{MINE}", follow=False)
    browser.sign_in(HUB, citizen.mobile)
    check = browser.client(HUB).get(start["Location"].removeprefix(f"http://{HUB}"))
    accept = check["Location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(accept).query).items()}
    assert LoginTicket.objects.get().token_hash != query["ticket"]  # only its hash is kept
    first = browser.get(accept)
    assert first.wsgi_request.user == citizen.user
    # The same answer again (a replay, from another browser with the same state forged in): refused.
    thief = Browser()
    thief_client = thief.client(OTHER)
    thief.get(f"http://{OTHER}{MINE}", follow=False)
    session = thief_client.session
    session[sso.STATES_KEY] = {query["state"]: int(NOW.timestamp())}
    session.save()
    response = thief.get(accept)
    assert not response.wsgi_request.user.is_authenticated
    assert browser.session_key(OTHER) != thief.session_key(OTHER)


def test_an_expired_ticket_is_refused(browser, citizen, pinned):
    url, _ = _ticket_url(browser, citizen)
    pinned.shift(timedelta(seconds=sso.TICKET_SECONDS + 1))
    response = browser.get(url)
    assert not response.wsgi_request.user.is_authenticated
    assert response.chain[-1][1].startswith("/accounts/login/")  # the login page, no loop


def test_a_ticket_for_another_host_is_refused(browser, citizen):
    url, query = _ticket_url(browser, citizen)
    with pytest.raises(sso.TicketRefused, match="wrong host"):
        sso.redeem_ticket(query["ticket"], "sucheng.localhost", now=NOW)
    assert not browser.get(url).wsgi_request.user.is_authenticated  # spent by the attempt


@pytest.mark.parametrize("ticket", ["", "forged", "x" * 43, "A" * 200, "\x00" * 30])
def test_a_forged_ticket_is_refused(browser, citizen, ticket):
    url, query = _ticket_url(browser, citizen)
    forged = url.replace(query["ticket"], ticket)
    response = browser.get(forged)
    assert not response.wsgi_request.user.is_authenticated


def test_an_answer_without_this_browsers_state_is_refused_and_does_not_loop(browser, citizen):
    """Login CSRF: someone's own ticket, sent to another person's browser, must not sign that person in."""
    attacker = Browser()
    url, _ = _ticket_url(attacker, citizen)
    victim = browser
    response = victim.get(url)
    assert response.status_code == 200 and response.chain[-1][1].startswith("/accounts/login/")
    assert "direct=1" in response.chain[-1][1] and "未能确认您在本网站群其他网站的登录状态" in response.text
    assert not victim.session_key(OTHER) or not _user(victim, OTHER).is_authenticated


def test_a_client_that_keeps_no_cookie_gets_the_login_form_and_no_loop(client, citizen):
    """A link checker following the header's 登录 link on a host that is not the hub: through the hub and
    back, then the form, in three redirects."""
    response = client.get("/accounts/login/?next=/", HTTP_HOST=OTHER)
    hops = 0
    while response.status_code == 302 and hops < 10:
        client.cookies.clear()
        location = urlsplit(response["Location"])
        response = client.get(f"{location.path}?{location.query}", HTTP_HOST=location.netloc or OTHER)
        hops += 1
    assert response.status_code == 200 and hops == 3
    assert 'name="password"' in response.text or "登录" in response.text


def test_a_staff_session_never_travels(browser, django_user_model):
    staff = django_user_model.objects.create_superuser("sso.admin", "sso@example.org", "Staff-password-2026")
    browser.client(HUB).force_login(staff)
    response = browser.get(f"http://{OTHER}{MINE}")
    assert not response.wsgi_request.user.is_authenticated
    assert response.chain[-1][1].startswith("/accounts/login/")
    assert not LoginTicket.objects.exists()


def test_a_sign_in_elsewhere_does_not_replace_a_staff_session_at_the_hub(browser, citizen, django_user_model):
    staff = django_user_model.objects.create_superuser(
        "sso.admin2", "sso2@example.org", "Staff-password-2026"
    )
    browser.client(HUB).force_login(staff)
    staff_key = browser.session_key(HUB)
    response = browser.sign_in(OTHER, citizen.mobile, next_path="/zcwj/")
    assert response.chain[-1] == (OTHER, "/zcwj/") and response.wsgi_request.user == citizen.user
    assert browser.session_key(HUB) == staff_key and _user(browser, HUB) == staff


def test_a_new_sign_in_elsewhere_replaces_another_citizen_at_the_hub(browser, citizen):
    first = AccountFactory()
    browser.get(f"http://{OTHER}/accounts/login/")  # OTHER asks the hub: nobody yet (remembered)
    browser.sign_in(HUB, first.mobile)
    old = browser.session_key(HUB)
    browser.get(f"http://{THIRD}{MINE}")
    assert _user(browser, THIRD) == first.user
    browser.sign_in(OTHER, citizen.mobile)  # another person, on the same browser
    assert _user(browser, OTHER) == citizen.user and _user(browser, HUB) == citizen.user
    assert not Session.objects.filter(session_key=old).exists()  # one login for the group
    assert not _user(browser, THIRD).is_authenticated


def test_a_session_whose_password_changed_no_longer_travels(browser, citizen):
    browser.sign_in(HUB, citizen.mobile)
    citizen.user.set_password(NEW_PASSWORD)
    citizen.user.save()
    response = browser.get(f"http://{OTHER}{MINE}")
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/accounts/",
        "//evil.example.com/",
        f"http://{HUB}/",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_check_answers_only_hosts_of_the_group(browser, citizen, target):
    browser.sign_in(HUB, citizen.mobile)
    client = browser.client(HUB)
    response = client.get("/accounts/sso/check/", {"next": target, "state": "s" * 22})
    assert response.status_code == 302
    assert not response["Location"].startswith(("http", "//", "javascript"))
    assert not LoginTicket.objects.exists()


def test_a_check_asked_of_another_host_goes_on_to_the_hub():
    client = Client(HTTP_HOST=OTHER)
    response = client.get("/accounts/sso/check/", {"next": f"http://{THIRD}/", "state": "s" * 22})
    assert response.status_code == 302 and response["Location"].startswith(
        f"http://{HUB}/accounts/sso/check/?"
    )


def test_used_and_expired_tickets_are_cleaned_up(browser, citizen, pinned):
    browser.sign_in(HUB, citizen.mobile)
    browser.get(f"http://{OTHER}{MINE}")
    _ticket_url(Browser(), citizen)  # one left unused
    assert LoginTicket.objects.count() == 2
    assert sso.cleanup(now=NOW) == 1
    pinned.shift(timedelta(minutes=2))
    assert sso.cleanup(now=NOW + timedelta(minutes=2)) == 1 and not LoginTicket.objects.exists()


def test_a_password_sign_in_at_the_hub_keeps_the_citizen_marker_in_the_shared_session(browser, citizen):
    browser.sign_in(HUB, citizen.mobile)
    session = Session.objects.get(session_key=browser.session_key(HUB)).get_decoded()
    assert session[sso.ACCOUNT_KEY] == citizen.pk and int(session[SESSION_KEY]) == citizen.user.pk
    assert PASSWORD not in str(session)
