"""The chrome each process keeps (`sites/chrome.py`): an anonymous reader's home page, column page and policy
page take at most ten queries in every display mode, and an edit of anything the chrome is built from shows
on the very next request: in this process, after a rollback, and in another process serving the same
database."""

import os
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from wagtail.models import Page, PageViewRestriction, Site

from huimin.accessibility.enums import MODE_COOKIE
from huimin.articles.models import ArticlePage
from huimin.articles.services import publish_article
from huimin.policies.models import PolicyPage
from huimin.sites import chrome, services
from huimin.sites.models import ColumnPage, SiteIdentity, SiteNavigation

from .html import soup

pytestmark = pytest.mark.django_db
PORTAL = "127.0.0.1"
HOST = {"HTTP_HOST": f"{PORTAL}:8000"}
ROOT = Path(__file__).resolve().parents[3]


def _policy_path() -> str:
    policy = (
        PolicyPage.objects.live().filter(url_path__startswith="/127-0-0-1/zcwjk/").order_by("path").first()
    )
    return policy.url_path.removeprefix("/127-0-0-1")


def _get(client, path="/", mode=None):
    if mode:
        client.cookies[MODE_COOKIE] = mode
    response = client.get(path, **HOST)
    assert response.status_code == 200, (path, response.status_code)
    return soup(response.content)


def _nav_labels(document) -> list[str]:
    return [a.get_text(strip=True) for a in document.select("nav.main-nav .nav-links a")]


@pytest.mark.parametrize("mode", ["standard", "elder", "text"])
@pytest.mark.parametrize("page", ["home", "column", "policy"])
def test_a_page_takes_at_most_ten_queries_for_an_anonymous_reader(
    client, demo, settings, django_assert_max_num_queries, page, mode
):
    settings.HUIMIN_ADMIN_HOSTS = ["admin.localhost"]  # the portal's host is checked, as in production
    path = {"home": "/", "column": "/gzdt/", "policy": _policy_path()}[page]
    _get(client, path, mode)  # this process builds the portal's chrome once
    with django_assert_max_num_queries(10):
        document = _get(client, path, mode)
    assert document.select_one("main h1") is not None
    assert document.select_one("footer .identity-items")  # the footer's identity came from the chrome


def test_an_identity_edit_shows_on_the_next_request(client, demo):
    assert "临时维护" not in _get(client).get_text()
    kept = chrome.current()
    identity = SiteIdentity.objects.get(site__hostname=PORTAL)
    services.set_site_appearance(identity, notice="本站今晚临时维护", accent_colour="#8a1c1c")
    document = _get(client)
    assert document.select_one(".site-notice").get_text(strip=True) == "本站今晚临时维护"
    assert "--accent: #8a1c1c" in document.body["style"]
    assert chrome.current() is not kept  # a new token: the process built its chrome again


def test_a_navigation_edit_shows_on_every_page_at_once(client, demo):
    assert "问一问" not in _nav_labels(_get(client, "/gzdt/"))
    setting = SiteNavigation.for_site(Site.objects.get(hostname=PORTAL))
    setting.groups = [
        ("group", {"title": "便民服务", "links": [{"page": None, "url": "/qa/", "label": "问一问"}]})
    ]
    setting.save()
    for path in ("/", "/gzdt/", _policy_path()):
        assert _nav_labels(_get(client, path)) == ["问一问"], path


def test_an_unpublished_column_leaves_the_navigation_and_the_home_pages_tiles(client, demo):
    document = _get(client)
    assert "征集调查" in _nav_labels(document)
    assert "/zjdc/" in [a["href"] for a in document.select(".service-tile")]
    Page.objects.get(url_path="/127-0-0-1/zjdc/").specific.unpublish()
    document = _get(client)
    assert "征集调查" not in _nav_labels(document)
    assert "/zjdc/" not in [a["href"] for a in document.select(".service-tile")]
    assert client.get("/zjdc/", **HOST).status_code == 404  # routing no longer finds it live either


def test_a_new_article_and_a_pictures_new_description_show_in_the_home_pages_lists_at_once(client, demo):
    column = ColumnPage.objects.get(url_path="/127-0-0-1/gzdt/")
    _get(client)  # the lists are kept
    newest = ArticlePage.objects.child_of(column).live().order_by("-pub_date", "-pk").first()
    article = publish_article(
        column,
        title="宿迁市召开防汛工作会议",
        slug="fangxun-huiyi",
        body="<p>会议部署防汛工作。</p>",
        pub_date=newest.pub_date + timedelta(hours=1),
        source="宿迁市人民政府",
    )
    main = _get(client).find("main")
    assert main.select_one(".info-list .home-panel li a").get_text() == "宿迁市召开防汛工作会议"
    assert main.select_one(".info-list .home-panel li a")["href"] == article.relative_url(column.get_site())
    covered = ArticlePage.objects.child_of(column).live().filter(cover_image__isnull=False)
    picture = covered.order_by("-pub_date", "-pk").first().cover_image
    picture.description = "新的替代文字：防汛演练现场"
    picture.save()
    alts = [img["alt"] for img in _get(client).select(".carousel-slide img")]
    assert "新的替代文字：防汛演练现场" in alts


def test_a_view_restriction_applies_at_once_and_its_removal_too(client, demo):
    column = Page.objects.get(url_path="/127-0-0-1/gzdt/")
    _get(client, "/gzdt/")
    restriction = PageViewRestriction.objects.create(page=column, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/gzdt/", **HOST)
    assert response.status_code == 302 and "login" in response["Location"]
    assert "工作动态" not in _nav_labels(_get(client))  # no longer a public column in the menus
    restriction.delete()
    _get(client, "/gzdt/")
    assert "工作动态" in _nav_labels(_get(client))


def test_chrome_built_inside_a_rolled_back_change_is_never_used_again(client, demo):
    identity = SiteIdentity.objects.get(site__hostname=PORTAL)
    before = _get(client).select_one(".site-notice")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.set_site_appearance(identity, notice="不会保存的提示")
        assert "不会保存的提示" in _get(client).get_text()  # this connection sees its own change
        raise RuntimeError("rolled back")
    after = _get(client).select_one(".site-notice")
    assert str(after) == str(before) and "不会保存的提示" not in str(after)


def _edit_in_another_process(database_url: str, var_dir: str, notice: str) -> None:
    """An editor's change made by a process of its own (a management shell on the same database)."""
    code = (
        "import sys, django; django.setup()\n"
        "from huimin.sites import services\n"
        "from huimin.sites.models import SiteIdentity\n"
        "identity = SiteIdentity.objects.get(site__hostname='127.0.0.1')\n"
        "services.set_site_appearance(identity, notice=sys.argv[1])\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DATABASE_URL": database_url,
        "HUIMIN_VAR_DIR": var_dir,
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "-c", code, notice], env=env, cwd=ROOT, check=True, timeout=120)


def _notice_served(base_url: str) -> str:
    # A session cookie keeps the page cache out of the way: this reads what the server renders now.
    request = urllib.request.Request(base_url + "/", headers={"Cookie": "sessionid=none"})
    with urllib.request.urlopen(request, timeout=30) as response:
        notice = soup(response.read()).select_one(".site-notice")
    return notice.get_text(strip=True) if notice else ""


def test_an_edit_made_by_another_process_shows_on_the_servers_next_request(live_demo):
    base_url = live_demo["base_url"]
    var_dir = str(Path(live_demo["log"]).parent)
    original = _notice_served(base_url)  # the server has built and kept its chrome
    assert original
    try:
        _edit_in_another_process(live_demo["database_url"], var_dir, "另一个进程写下的提示")
        assert _notice_served(base_url) == "另一个进程写下的提示"
    finally:
        _edit_in_another_process(live_demo["database_url"], var_dir, original)
    assert _notice_served(base_url) == original


# What the home page's blocks and the column pages keep with the chrome (`Chrome.memo`): each list follows
# the pages it is read from on the next request.


def _policy_panels(document) -> list[str]:
    return [a.get_text() for a in document.select("main .policy-list .home-panel li a")]


def test_the_policy_block_follows_an_unpublished_policy_and_a_retitled_interpretation(client, demo):
    from huimin.policies.models import InterpretationPage

    listed = _policy_panels(_get(client))
    newest = PolicyPage.objects.live().order_by("-pub_date", "-pk").first()
    reading = InterpretationPage.objects.live().order_by("-pub_date", "-pk").first()
    assert newest.title in listed and reading.title in listed
    newest.unpublish()
    reading.title = "关于防汛工作的政策解读（修订）"
    reading.save_revision().publish()
    listed = _policy_panels(_get(client))
    assert newest.title not in listed
    assert "关于防汛工作的政策解读（修订）" in listed


def test_a_deleted_article_leaves_the_home_pages_lists_and_its_column(client, demo):
    column = ColumnPage.objects.get(url_path="/127-0-0-1/gzdt/")
    newest = ArticlePage.objects.child_of(column).live().order_by("-pub_date", "-pk").first()
    for path in ("/", "/gzdt/"):
        assert newest.title in _get(client, path).find("main").get_text(), path
    newest.delete()
    for path in ("/", "/gzdt/"):
        assert newest.title not in _get(client, path).find("main").get_text(), path


def test_an_unpublished_topic_leaves_the_topics_block(client, demo):
    from huimin.topics.models import TopicPage

    cards = [a.get_text(strip=True) for a in _get(client).select("main .topic-card a")]
    topic = TopicPage.objects.live().filter(title__in=cards).first()
    assert topic is not None
    topic.unpublish()
    cards = [a.get_text(strip=True) for a in _get(client).select("main .topic-card a")]
    assert topic.title not in cards


def test_a_renamed_site_shows_in_the_site_group_block_of_the_others(client, demo):
    names = [a.get_text() for a in _get(client).select("main .site-group a")]
    assert "宿迁市教育局" in names
    identity = SiteIdentity.objects.get(site_name="宿迁市教育局")
    identity.site_name = "宿迁市教育局（新）"
    identity.save()
    names = [a.get_text() for a in _get(client).select("main .site-group a")]
    assert "宿迁市教育局（新）" in names and "宿迁市教育局" not in names


def test_a_new_subcolumn_shows_on_its_column_at_once(client, demo):
    from .columns import blank_column

    assert not _get(client, "/gzdt/").select("nav.subcolumns a")
    parent = ColumnPage.objects.get(url_path="/127-0-0-1/gzdt/")
    column = blank_column(PORTAL, slug="bmdt", title="部门动态")
    column.move(parent, pos="last-child")
    subcolumns = [a.get_text() for a in _get(client, "/gzdt/").select("nav.subcolumns a")]
    assert subcolumns == ["部门动态"]


def test_a_saved_draft_keeps_the_chrome_and_the_published_title(client, demo):
    column = ColumnPage.objects.get(url_path="/127-0-0-1/gzdt/")
    _get(client)
    token = chrome.stored_token()
    column.title = "草稿中的新标题"
    column.save_revision()  # not published: readers still see the published title
    assert chrome.stored_token() == token  # nothing readers see changed: no process rebuilds
    assert "工作动态" in _nav_labels(_get(client)) and "草稿中的新标题" not in _nav_labels(_get(client))
