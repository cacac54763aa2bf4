"""The header of every public page: 登录 | 注册 for visitors (coming back to the page), 我的 with the name
masked and a 退出 button for a signed-in citizen; staff count as visitors here."""

from __future__ import annotations

import pytest
import time_machine

from huimin.accessibility.enums import MODE_COOKIE
from huimin.accounts.templatetags.accounts_header import shown_name
from huimin.accounts.tests.factories import AccountFactory
from huimin.sites.tests.html import soup

from .auth_steps import HUB, NOW, OTHER, XSS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_the_portal(demo, client):
    client.defaults["HTTP_HOST"] = HUB
    with time_machine.travel(NOW, tick=False):
        yield


def _header(client, path="/zcwj/"):
    response = client.get(path)
    assert response.status_code == 200
    return soup(response.content).select_one("header .header-account")


def test_a_visitor_sees_login_and_register_links_that_come_back_to_the_page(client):
    nav = _header(client, "/zcwj/?page=2")
    assert nav.name == "nav" and nav["aria-label"] == "用户账号"
    links = [(a.get_text(), a["href"]) for a in nav.select("a")]
    assert links == [
        ("登录", "/accounts/login/?next=/zcwj/%3Fpage%3D2"),
        ("注册", "/accounts/register/?next=/zcwj/%3Fpage%3D2"),
    ]
    assert nav.select_one(".header-account-sep")["aria-hidden"] == "true"


def test_a_signed_in_citizen_sees_my_page_with_the_name_masked_and_a_logout_button(client):
    account = AccountFactory(display_name="王小明")
    client.force_login(account.user)
    nav = _header(client)
    assert nav.select_one("a").get_text() == "我的（王**）" and nav.select_one("a")["href"] == "/accounts/"
    form = nav.select_one("form")
    assert form["method"] == "post" and form["action"] == "/accounts/logout/"
    assert (
        form.select_one("[name=csrfmiddlewaretoken]") and form.select_one("[name=next]")["value"] == "/zcwj/"
    )
    assert form.select_one("button").get_text() == "退出"
    assert "王小明" not in str(nav)


def test_the_shown_name_never_gives_the_whole_name_or_login():
    assert shown_name(AccountFactory.build(display_name="欧阳小明")) == "欧***"
    assert shown_name(AccountFactory.build(display_name="李")) == "李"
    assert shown_name(AccountFactory.build(display_name="", mobile="13900001234")) == "139****1234"
    company = AccountFactory.build(legal=True, display_name="某某公司", mobile="13900005678")
    assert shown_name(company) == "139****5678"


def test_a_hostile_name_is_shown_as_text(client):
    account = AccountFactory(display_name=XSS)
    client.force_login(account.user)
    response = client.get("/zcwj/")
    assert b"<script>alert" not in response.content
    assert "我的（<***）" in soup(response.content).select_one(".header-account a").get_text()


def test_staff_signed_in_to_the_admin_are_visitors_on_the_public_pages(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("header.admin", "h@example.org", "x"))
    assert [a.get_text() for a in _header(client).select("a")] == ["登录", "注册"]


def test_on_the_sign_in_pages_the_links_do_not_nest(client):
    nav = _header(client, "/accounts/register/?next=/zcwj/")
    assert nav.select_one("a")["href"] == "/accounts/login/?next=/zcwj/"
    nav = _header(client, "/accounts/terms/")
    assert nav.select_one("a")["href"] == "/accounts/login/?next=/accounts/terms/"


def test_every_site_of_the_group_has_the_links(client):
    client.defaults["HTTP_HOST"] = OTHER
    assert [a.get_text() for a in _header(client, "/").select("a")] == ["登录", "注册"]


@pytest.mark.parametrize("mode", ["elder", "text"])
def test_the_links_are_in_every_display_mode(client, mode):
    client.cookies[MODE_COOKIE] = mode
    response = client.get("/zcwj/")
    nav = soup(response.content).select_one("header .header-account")
    assert [a.get_text() for a in nav.select("a")] == ["登录", "注册"]
    has_css = b"accounts/header.css" in response.content
    assert has_css == (mode != "text")
