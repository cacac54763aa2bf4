"""The admin's screens read in Chinese, with the demo: Wagtail's own (the home page's counters and search box,
the page explorer, the editor, the site history) and Huimin's (a letter, the letters board, inspection); the
letter detail is headed by the letter; hidden captions use Wagtail 8's screen-reader class; the account page
offers no time zone a browser rejects."""

import re

import pytest

from huimin.core.tests.admin_text import english_words, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(demo, client, django_user_model):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(django_user_model.objects.get(username="admin"))
    return client


def _text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return visible_text(response.content.decode())


def _screens():
    from wagtail.models import Site

    from huimin.letters.models import Letter

    portal = Site.objects.get(hostname="127.0.0.1")
    return [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{portal.root_page_id}/",
        f"/admin/pages/{portal.root_page_id}/edit/",
        f"/admin/letters/{Letter.objects.order_by('pk').first().pk}/",
        "/admin/letters/",
        "/admin/inspection/",
        "/admin/reports/site-history/",
        "/admin/letter-routing-rules/",
        "/admin/inspection-targets/",
    ]


@pytest.mark.django_db
def test_wagtails_and_huimins_screens_show_no_english(admin_client):
    found = {}
    for url in _screens():
        words = english_words(_text(admin_client, url))
        if words:
            found[url] = sorted(words)
    assert found == {}


@pytest.mark.django_db
def test_the_counters_the_search_box_and_the_help_menu_are_chinese(admin_client):
    home = admin_client.get("/admin/").content.decode()
    text = visible_text(home)
    assert re.search(r"\d[\d,]* 个页面", text), "the page counter reads in Chinese"
    assert "搜索全部页面…" in home
    assert "Pages" not in text and "Search all pages" not in home
    assert "guide.wagtail.org" not in home  # the editor guide leads off the platform: not offered
    root = admin_client.get("/admin/pages/").content.decode()
    assert "root level" not in root and "这里是页面树的根" in visible_text(root)


@pytest.mark.django_db
def test_the_letter_detail_is_headed_by_the_letter_and_not_by_home(admin_client):
    from huimin.letters.models import Letter

    letter = Letter.objects.order_by("pk").first()
    html = admin_client.get(f"/admin/letters/{letter.pk}/").content.decode()
    heading = re.search(r'<h1 class="[^"]*w-header__title[^"]*"[^>]*>(.*?)</h1>', html, re.S)
    assert heading, "a visible h1"
    assert letter.title in visible_text(heading.group(1))
    assert "w-sr-only" not in heading.group(0)


@pytest.mark.django_db
def test_hidden_table_captions_use_wagtails_screen_reader_class(admin_client):
    html = admin_client.get("/admin/letters/").content.decode()
    assert '<caption class="w-sr-only">' in html
    assert "visuallyhidden" not in html


@pytest.mark.django_db
def test_the_account_page_offers_only_valid_time_zones(admin_client):
    """Wagtail offers every zone of the system's tz database, "localtime" included, which browsers reject
    ("Invalid time zone specified: localtime"); Huimin works in Asia/Shanghai only."""
    from wagtail.admin.localization import get_available_admin_time_zones

    get_available_admin_time_zones.cache_clear()
    html = admin_client.get("/admin/account/").content.decode()
    assert 'value="localtime"' not in html
    assert get_available_admin_time_zones() in ([], ["Asia/Shanghai"])
