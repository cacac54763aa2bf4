"""The page cache on the demo: anonymous pages kept and served with no database query, per display mode and
query string, with ETag/Last-Modified and 304s; never for a signed-in reader or a page with a form; and purged
exactly when what a page shows changes (a publish read back through the cache)."""

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from huimin.accessibility.enums import MODE_COOKIE
from huimin.articles.models import ArticlePage
from huimin.articles.services import publish_article
from huimin.conftest import DEMO_NOW
from huimin.pagecache import queries, services
from huimin.pagecache.enums import CACHE_HEADER, HOST_HEADER, TAGS_HEADER
from huimin.pagecache.middleware import response_may_be_kept
from huimin.sites.models import ColumnPage, SiteIdentity
from huimin.sites.services import set_site_appearance

pytestmark = pytest.mark.django_db
PORTAL = "127.0.0.1"
OTHER = "shuyang.localhost"


@pytest.fixture(autouse=True)
def page_cache(settings, demo):
    settings.HUIMIN_PAGE_CACHE = True
    caches["pages"].clear()
    with time_machine.travel(DEMO_NOW, tick=False):
        yield
    caches["pages"].clear()


def _get(client, path="/", host=PORTAL, **extra):
    return client.get(path, HTTP_HOST=f"{host}:8000", **extra)


def _column(host=PORTAL, slug="gzdt") -> ColumnPage:
    return ColumnPage.objects.child_of(Site.objects.get(hostname=host).root_page).get(slug=slug)


def _article(column) -> ArticlePage:
    return ArticlePage.objects.child_of(column).live().order_by("-pub_date").first()


def _path(page) -> str:
    return page.get_url_parts()[2]


def test_the_second_anonymous_read_is_served_from_the_cache_with_no_query(client):
    first = _get(client)
    assert first.status_code == 200 and first[CACHE_HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries_run:
        second = _get(client)
    assert second[CACHE_HEADER] == "hit"
    assert len(queries_run) == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"] and second["Last-Modified"] == first["Last-Modified"]
    assert "public" in second["Cache-Control"] and "s-maxage=300" in second["Cache-Control"]
    # The headers the outer middleware adds are there on a hit too.
    assert second["Content-Security-Policy"] and second["X-Frame-Options"]
    assert second[HOST_HEADER] == PORTAL and "list" in second[TAGS_HEADER].split(",")


def test_each_display_mode_and_query_string_is_kept_apart(client):
    standard = _get(client)
    client.cookies[MODE_COOKIE] = "elder"
    elder = _get(client)
    assert elder[CACHE_HEADER] == "miss" and elder.content != standard.content
    assert _get(client)[CACHE_HEADER] == "hit"
    client.cookies[MODE_COOKIE] = "text"
    text = _get(client)
    assert text[CACHE_HEADER] == "miss" and b"<img" not in text.content
    del client.cookies[MODE_COOKIE]
    assert _get(client).content == standard.content
    path = _path(_column())
    assert _get(client, path)[CACHE_HEADER] == "miss"
    assert _get(client, path + "?page=2")[CACHE_HEADER] == "miss"
    assert _get(client, path + "?page=2")[CACHE_HEADER] == "hit"


def test_a_conditional_request_is_answered_304(client):
    first = _get(client)
    assert _get(client, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert _get(client, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert _get(client, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_signed_in_reader_and_a_message_cookie_bypass_the_cache(client):
    _get(client)
    assert _get(client)[CACHE_HEADER] == "hit"
    user = get_user_model().objects.create_user("reader", password="x-Very-long-pass-1")
    client.force_login(user)
    signed_in = _get(client)
    assert CACHE_HEADER not in signed_in
    client.logout()
    client.cookies.clear()
    client.cookies["messages"] = "anything"
    assert CACHE_HEADER not in _get(client)


def test_a_page_with_a_form_token_or_private_answer_is_not_kept(rf):
    from django.http import HttpResponse

    request = rf.get("/")
    response = HttpResponse("x")
    assert response_may_be_kept(request, response)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert not response_may_be_kept(request, response)
    request = rf.get("/")
    private = HttpResponse("x", headers={"Cache-Control": "private"})
    assert not response_may_be_kept(request, private)
    with_cookie = HttpResponse("x")
    with_cookie.set_cookie("a", "b")
    assert not response_may_be_kept(request, with_cookie)
    assert not response_may_be_kept(request, HttpResponse("x", status=404))


def test_forms_and_personal_paths_are_never_kept(client):
    for path in ("/hudong/liuyan/", "/search/?q=%E5%85%AC%E7%A7%AF%E9%87%91", "/accounts/login/"):
        _get(client, path)
        assert CACHE_HEADER not in _get(client, path), path


def test_an_unknown_host_is_refused_even_when_pages_are_kept(client):
    _get(client)
    assert _get(client)[CACHE_HEADER] == "hit"
    refused = client.get("/", HTTP_HOST="evil.example")
    assert refused.status_code == 404 and CACHE_HEADER not in refused


def test_a_publish_is_read_back_through_the_cache_and_purges_exactly_what_shows_it(
    client, django_capture_on_commit_callbacks
):
    column = _column()
    other_column = _column(slug="tzgg")
    old = _article(column)
    untouched = _article(other_column)
    other_site_home = "/"
    paths = {"home": "/", "column": _path(column), "old": _path(old), "untouched": _path(untouched)}
    for path in paths.values():
        _get(client, path)
        assert _get(client, path)[CACHE_HEADER] == "hit", path
    _get(client, other_site_home, host=OTHER)

    with django_capture_on_commit_callbacks(execute=True):
        new = publish_article(
            column, title="缓存读回测试的新文章", slug="cache-readback", body="<p>正文</p>", pub_date=DEMO_NOW
        )
    home = _get(client, "/")
    listed = _get(client, paths["column"])
    assert home[CACHE_HEADER] == "miss" and listed[CACHE_HEADER] == "miss"
    assert "缓存读回测试的新文章".encode() in listed.content
    assert _get(client, _path(new))[CACHE_HEADER] == "miss"
    # A page of another column and another site's home do not show it: still served from the cache.
    assert _get(client, paths["untouched"])[CACHE_HEADER] == "hit"
    assert _get(client, other_site_home, host=OTHER)[CACHE_HEADER] == "hit"

    # A change of the kept article itself: its own page shows the new title at once.
    revision_page = Page.objects.get(pk=old.pk).specific
    revision_page.title = "改过标题的文章"
    with django_capture_on_commit_callbacks(execute=True):
        revision_page.save_revision().publish()
    changed = _get(client, paths["old"])
    assert changed[CACHE_HEADER] == "miss" and "改过标题的文章".encode() in changed.content


def test_unpublishing_moving_and_deleting_purge(client, django_capture_on_commit_callbacks):
    column = _column()
    article = _article(column)
    path, column_path = _path(article), _path(column)
    for p in (path, column_path):
        _get(client, p)
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert _get(client, path).status_code == 404
    assert article.title.encode() not in _get(client, column_path).content

    second = _article(column)
    target = _column(slug="tzgg")
    _get(client, _path(second))
    assert _get(client, _path(second))[CACHE_HEADER] == "hit"
    old_path = _path(second)
    with django_capture_on_commit_callbacks(execute=True):
        second.move(target, pos="last-child")
    moved_away = _get(client, old_path)  # Wagtail leaves a redirect to the new place
    assert (
        moved_away.status_code == 301
        and _path(second.specific.__class__.objects.get(pk=second.pk)) in moved_away["Location"]
    )
    assert second.title.encode() in _get(client, _path(target)).content

    third = _article(column)
    _get(client, column_path)
    assert third.title.encode() in _get(client, column_path).content
    with django_capture_on_commit_callbacks(execute=True):
        third.delete()
    assert third.title.encode() not in _get(client, column_path).content


def test_a_change_of_identity_purges_that_site_only(client, django_capture_on_commit_callbacks):
    article_path = _path(_article(_column()))
    for host, path in ((PORTAL, "/"), (PORTAL, article_path), (OTHER, "/")):
        _get(client, path, host=host)
    identity = SiteIdentity.objects.get(site__hostname=PORTAL)
    with django_capture_on_commit_callbacks(execute=True):
        set_site_appearance(identity, notice="全站提示：缓存测试")
    assert _get(client, article_path)[CACHE_HEADER] == "miss"
    assert "全站提示：缓存测试".encode() in _get(client, "/").content
    assert _get(client, "/", host=OTHER)[CACHE_HEADER] == "hit"


def test_a_cache_that_fails_serves_the_page_uncached(client, monkeypatch, caplog):
    def broken():
        raise ConnectionError("cache server away")

    monkeypatch.setattr(queries, "cache", broken)
    response = _get(client)
    assert response.status_code == 200 and CACHE_HEADER not in response
    assert "页面缓存不可用" in caplog.text


def test_purge_all_drops_everything_without_flushing_the_cache(client):
    queries.cache().set("session-like", "kept")
    _get(client)
    services.purge_all(reason="测试")
    assert _get(client)[CACHE_HEADER] == "miss"
    assert queries.cache().get("session-like") == "kept"


def test_a_policy_changed_on_a_county_site_purges_the_portal_library_that_gathers_the_group(
    client, django_capture_on_commit_callbacks
):
    from huimin.policies.models import PolicyLibraryPage, PolicyPage

    portal_library = PolicyLibraryPage.objects.live().get(aggregate_group=True)
    county_site = Site.objects.exclude(pk=portal_library.get_site().pk).get(hostname=OTHER)
    policy = PolicyPage.objects.live().descendant_of(county_site.root_page).order_by("-pub_date").first()
    library_path = _path(portal_library)
    assert policy.title.encode() in _get(client, library_path).content
    unrelated = _path(_article(_column()))
    _get(client, unrelated)
    assert _get(client, library_path)[CACHE_HEADER] == "hit"

    policy.title = "县区改过标题的政策文件"
    with django_capture_on_commit_callbacks(execute=True):
        policy.save_revision().publish()
    gathered = _get(client, library_path)
    assert gathered[CACHE_HEADER] == "miss" and "县区改过标题的政策文件".encode() in gathered.content
    assert _get(client, unrelated)[CACHE_HEADER] == "hit"  # a leaf page of the portal does not show it
