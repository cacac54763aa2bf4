"""Where 为您推荐 appears (the home page, policies, interpretations, guides, news and notices) and where it
does not (lists, forms, search, 我的 pages, error pages); its markup in the standard and text modes; and the
read beacon on content pages, with the CSRF token only for a consenting citizen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from huimin.accessibility.enums import MODE_COOKIE
from huimin.profiles.tests.factories import HOST, NOW, citizen, consenting, items_on, read

pytestmark = pytest.mark.django_db

SERVER = {"HTTP_HOST": HOST}
REGION = 'aria-labelledby="recommended-title"'


def _html(client, path: str, status: int = 200) -> str:
    response = client.get(path, **SERVER)
    assert response.status_code == status, path
    return response.content.decode()


@pytest.mark.parametrize("kind", ["policy", "interpretation", "guide", "news", "notice"])
def test_content_pages_show_it_with_the_beacon(client, demo, clock, kind):
    item = items_on(kind=kind)[0]
    html = _html(client, item.path)
    assert REGION in html and '<h2 id="recommended-title">为您推荐</h2>' in html
    assert f'data-page="{item.pk}"' in html
    assert "data-csrf" not in html  # nothing personal for an anonymous visitor
    assert f'href="{item.path}"' not in html.split(REGION, 1)[1].split("</section>", 1)[0]  # not itself


def test_the_home_page_shows_it_without_a_beacon(client, demo, clock):
    html = _html(client, "/")
    assert REGION in html
    assert "profile-beacon" not in html


@pytest.mark.parametrize(
    "path",
    ["/zcwjk/", "/search/?q=养老", "/qa/", "/hudong/liuyan/", "/wzdt/", "/accounts/login/", "/no-such-page/"],
)
def test_lists_forms_search_and_error_pages_do_not(client, demo, clock, path):
    response = client.get(path, **SERVER)
    assert REGION not in response.content.decode()
    assert "profile-beacon" not in response.content.decode()


def test_the_interests_page_is_not_followed_by_it(client, demo, clock):
    account = consenting()
    client.force_login(account.user)
    html = _html(client, "/accounts/interests/")
    assert REGION not in html


def test_a_consenting_citizen_sees_personal_recommendations_and_gets_a_token(client, demo, clock):
    account = consenting()
    read(account, items_on(key="group", value="老年人")[:3], now=NOW - timedelta(days=1))
    client.force_login(account.user)
    item = items_on(kind="policy")[-1]
    html = _html(client, item.path)
    assert "根据您的兴趣推荐" in html and "管理我的兴趣" in html
    assert "与您关注的“" in html
    assert "data-csrf=" in html


def test_a_signed_in_citizen_without_consent_is_offered_to_switch_it_on(client, demo, clock):
    client.force_login(citizen().user)
    html = _html(client, "/")
    assert "本站近期热门内容" in html and "开启个性化推荐" in html


def test_the_text_mode_says_the_same_without_style_or_script(client, demo, clock):
    path = items_on(kind="policy")[0].path
    standard = BeautifulSoup(_html(client, path), "html.parser").select_one("#recommended-title").parent
    client.cookies[MODE_COOKIE] = "text"
    html = _html(client, path)
    text = BeautifulSoup(html, "html.parser").select_one("#recommended-title").parent
    assert text.get_text(" ", strip=True) == standard.get_text(" ", strip=True)
    assert "为您推荐" in html and "profile-beacon" not in html and "profiles.css" not in html


def test_the_elder_mode_shows_it_with_its_styles(client, demo, clock):
    client.cookies[MODE_COOKIE] = "elder"
    html = _html(client, "/")
    assert REGION in html and "profiles/profiles.css" in html
