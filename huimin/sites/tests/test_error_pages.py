"""Branded error pages: 404, 403 and 500 in Chinese inside the site's chrome (header, search box, navigation,
footer, a way home); "site not found" for an unknown host; the bare page when the chrome itself fails; and
the development server showing them too, Django's debug pages only when DEBUG=1 is asked for."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from huimin.core import views

from .html import soup

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
PORTAL = {"HTTP_HOST": "127.0.0.1:8000"}


def _chrome(page):
    assert page.select_one("header form[role=search] input[name=q]") is not None, "no header search box"
    assert page.select_one("nav.main-nav") is not None, "no main navigation"
    assert page.select_one("footer .footer-links") is not None, "no footer"
    assert page.select_one('main a[href="/"]').get_text() == "返回首页"
    assert page.html["lang"] == "zh-CN"


@pytest.mark.parametrize("host", ["127.0.0.1", "slj.localhost"])
def test_a_missing_page_is_answered_in_the_sites_chrome(demo, host):
    response = Client().get("/no-such-page/<script>/", HTTP_HOST=f"{host}:8000")
    assert response.status_code == 404
    page = soup(response.content)
    _chrome(page)
    assert page.h1.get_text() == "您访问的页面不存在"
    assert page.title.get_text().startswith("页面不存在")
    assert page.select_one(".breadcrumbs") is None
    assert b"<script>/" not in response.content


def test_a_missing_page_below_a_tool_and_a_missing_article(demo):
    for path in ("/zcwj/no-such-article/", "/hudong/liuyan/no-such-step/"):
        response = Client().get(path, **PORTAL)
        assert response.status_code == 404
        _chrome(soup(response.content))


def test_an_unknown_host_gets_site_not_found_with_the_groups_sites(demo):
    response = Client().get("/", HTTP_HOST="nowhere.example")
    assert response.status_code == 404
    page = soup(response.content)
    assert page.h1.get_text() == "您访问的网站不存在"
    links = {a.get_text(): a["href"] for a in page.select("main a")}
    assert links["宿迁市人民政府"] == "http://127.0.0.1:8000/"
    assert links["宿迁市水利局"] == "http://slj.localhost:8000/"
    assert page.select_one("nav.main-nav") is None, "no site's navigation on a host that is no site"
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_403_is_branded_and_csrf_failure_says_what_to_do(demo):
    request = RequestFactory().get("/hudong/liuyan/", **PORTAL)
    request.COOKIES = {}
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    forbidden = soup(views.permission_denied(request).content)
    _chrome(forbidden)
    assert forbidden.h1.get_text() == "没有访问权限"
    csrf = soup(views.csrf_failure(request).content)
    _chrome(csrf)
    assert csrf.h1.get_text() == "页面已过期，请重新提交"


def test_a_posted_form_without_its_token_gets_the_branded_csrf_page(demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/hudong/liuyan/", {"title": "x"}, **PORTAL)
    assert response.status_code == 403
    assert soup(response.content).h1.get_text() == "页面已过期，请重新提交"


def test_500_is_branded_when_the_chrome_can_be_had(demo):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/zcwj/", **PORTAL)
    request.user = AnonymousUser()
    response = views.server_error(request)
    assert response.status_code == 500
    page = soup(response.content)
    _chrome(page)
    assert page.h1.get_text() == "服务暂时不可用"


@pytest.mark.parametrize("handler", ["server_error", "page_not_found", "permission_denied"])
def test_when_the_chrome_fails_the_bare_page_is_shown_not_a_second_error(demo, monkeypatch, handler):
    from huimin.sites import chrome, queries

    def broken(site):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(queries, "main_navigation", broken)
    monkeypatch.setattr(chrome, "_current", None)  # nothing kept: the chrome is built again, and fails
    request = RequestFactory().get("/zcwj/", **PORTAL)
    response = getattr(views, handler)(request)
    page = soup(response.content)
    assert page.select_one("nav.main-nav") is None
    assert page.h1.get_text() in ("服务暂时不可用", "您访问的页面不存在", "没有访问权限")
    assert page.select_one('a[href="/"]').get_text() == "返回首页"


def test_an_exception_in_a_view_gives_the_branded_500(demo, monkeypatch):
    from huimin.sites import views as site_views

    def boom(site):
        raise RuntimeError("boom")

    monkeypatch.setattr(site_views.queries, "site_map", boom)
    client = Client(raise_request_exception=False)
    response = client.get("/wzdt/", **PORTAL)
    assert response.status_code == 500
    page = soup(response.content)
    assert page.h1.get_text() == "服务暂时不可用"
    assert page.select_one("header form[role=search]") is not None


def _dev_settings(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "HUIMIN_SERVE_MEDIA")}
    environment.update(DJANGO_SETTINGS_MODULE="huimin.settings.dev", **env)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.HUIMIN_SERVE_MEDIA)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_the_development_server_shows_the_branded_pages_unless_debug_pages_are_asked_for():
    assert _dev_settings() == ["False", "True"]  # branded pages, media still served
    assert _dev_settings(DEBUG="1") == ["True", "True"]
    assert _dev_settings(HUIMIN_SERVE_MEDIA="0") == ["False", "False"]
    makefile = (ROOT / "Makefile").read_text()
    assert "runserver --insecure" in makefile  # static files are served with DEBUG off
