"""The crawler against a real HTTP server on loopback: every planted fault found with the right id, clean
links left alone, and nothing a hostile site sends stops the crawl."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from huimin.inspection.crawler import Options, inspect_site, normalise
from huimin.inspection.document import Site
from huimin.inspection.scoring import score
from huimin.inspection.tests.server import Route, SiteServer, gzip_bomb

LINKS_ONLY = {"page_checks": lambda page, site: []}  # the page checks have their own tests
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
GBK_PAGE = (
    '<html><head><meta charset="gb2312"><title>通知</title></head>'
    "<body><p>关于做好冬季供暖工作的通知</p></body></html>"
)


def page(*links: str, extra: str = "") -> str:
    anchors = "".join(f'<a href="{href}">链接{n}</a>' for n, href in enumerate(links))
    return f'<html lang="zh-CN"><head><title>页面</title></head><body>{anchors}{extra}</body></html>'


@pytest.fixture
def site():
    routes = {
        "/": Route(
            page(
                "/a.html",
                "/missing.html",
                "/gbk.html",
                "/loop1",
                "/secret",
                "/login-required",
                "/accounts/login/?next=/",
                "/error500",
                "/slow",
                "/bomb",
                "/big",
                "/file.pdf",
                "/blocked",
                extra='<img src="/img/ok.png" alt="图"><img src="/img/gone.png" alt="坏图">',
            )
        ),
        "/a.html": Route(page("/", "/b.html", "/calendar?d=1")),
        "/b.html": Route(
            page("/a.html", "javascript:void(0)", "mailto:x@example.com", "http://[::1", "#top")
        ),
        "/gbk.html": Route(GBK_PAGE.encode("gbk"), headers={"Content-Type": "text/html"}),
        "/loop1": Route(status=302, headers={"Location": "/loop2"}),
        "/loop2": Route(status=302, headers={"Location": "/loop1"}),
        "/secret": Route("forbidden", 403),
        "/login-required": Route(status=302, headers={"Location": "/user/login?next=/x"}),
        "/user/login?next=/x": Route(page()),
        # A login link that goes through a login service and back to the form: it is what it says.
        "/accounts/login/?next=/": Route(
            status=302, headers={"Location": "/accounts/login/?next=/&direct=1"}
        ),
        "/accounts/login/?next=/&direct=1": Route(page("/mode?next=/accounts/login/?next=/%26direct=1")),
        # On the login page, a switch of display mode that comes back to it: not a link behind a login.
        "/mode?next=/accounts/login/?next=/%26direct=1": Route(
            status=302, headers={"Location": "/accounts/login/?next=/&direct=1"}
        ),
        "/error500": Route("oops", 500),
        "/slow": Route(page(), delay=3),
        "/bomb": Route(gzip_bomb(50), headers={"Content-Encoding": "gzip"}),
        "/big": Route(b"<html><body>" + b"x" * (3 * 1024 * 1024), headers={"Content-Type": "text/html"}),
        "/file.pdf": Route(b"%PDF-1.4", headers={"Content-Type": "application/pdf"}),
        "/img/ok.png": Route(b"\x89PNG", headers={"Content-Type": "image/png"}),
        "/blocked": Route("<html><body>您的访问请求可能对网站造成安全威胁，已被拦截</body></html>"),
        "/robots.txt": Route("User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}),
    }
    # An endless calendar: every page links to the next day.
    for day in range(1, 400):
        routes[f"/calendar?d={day}"] = Route(page(f"/calendar?d={day + 1}", "/private/hidden.html"))
    server = SiteServer(routes)
    yield server
    server.close()


def _crawl(server, **options):
    defaults = {"rate": 0, "timeout": 1.5, "max_pages": 60, "max_bytes": 1024 * 1024, "check_external": False}
    return inspect_site(Site(server.url, NOW), Options(**{**defaults, **options}), **LINKS_ONLY)


def _by_target(crawl, check):
    return {
        f.target.removeprefix(crawl.site.start_url.rstrip("/")): f for f in crawl.findings if f.check == check
    }


def test_every_planted_fault_is_found_with_its_id_and_nothing_else(site):
    crawl = _crawl(site)
    broken = _by_target(crawl, "broken_link")
    assert set(broken) == {"/missing.html", "/img/gone.png", "/error500", "/slow"}
    assert broken["/missing.html"].evidence == "HTTP 404" and broken["/missing.html"].homepage
    assert broken["/slow"].evidence == "请求超时" and broken["/error500"].evidence == "HTTP 500"
    caution = _by_target(crawl, "link_caution")
    assert set(caution) == {"/loop1", "/secret", "/login-required", "/blocked"}
    assert (
        caution["/loop1"].evidence == "重定向循环"
        and caution["/login-required"].evidence == "链接跳转到登录页面"
    )
    assert not [f for f in crawl.findings if f.check == "unreachable"]


def test_a_redirect_to_a_page_already_known_does_not_crawl_it_twice():
    routes = {
        "/": Route(page("/column/", "/switch?next=/column/", "/short")),
        "/switch": Route(status=302, headers={"Location": "/column/"}),
        "/short": Route(status=301, headers={"Location": "/other/"}),
        "/column/": Route(page("/")),
        "/other/": Route(page("/", "/other/")),
    }
    server = SiteServer(routes)
    try:
        crawl = _crawl(server)
    finally:
        server.close()
    assert crawl.pages_crawled == 3  # the home page, /column/ once, /other/ through /short
    assert server.hits.get("/column/") == 1 and server.hits.get("/other/") == 1


def test_robots_txt_and_the_page_limit_bound_an_endless_space(site):
    crawl = _crawl(site, max_pages=30)
    assert crawl.pages_crawled <= 30
    assert "/private/hidden.html" not in site.hits
    everything = _crawl(site, max_pages=30, robots=False)
    assert everything.pages_crawled <= 30


def test_bombs_and_huge_pages_are_read_only_up_to_the_limit(site):
    crawl = _crawl(site)
    assert crawl.pages_crawled >= 5 and site.hits.get("/bomb") == 1 and site.hits.get("/big") == 1


def test_an_unreachable_site_still_gets_a_report():
    server = SiteServer({})
    url = server.url
    server.close()
    crawl = inspect_site(Site(url, NOW), Options(rate=0, timeout=1), **LINKS_ONLY)
    assert [f.check for f in crawl.findings] == ["unreachable"] and crawl.pages_crawled == 0
    assert "无法连接" in crawl.findings[0].evidence


def test_a_start_page_answering_500_is_unreachable():
    server = SiteServer({"/": Route("down", 503)})
    try:
        crawl = inspect_site(Site(server.url, NOW), Options(rate=0, timeout=1), **LINKS_ONLY)
    finally:
        server.close()
    assert [f.check for f in crawl.findings] == ["unreachable"] and "HTTP 503" in crawl.findings[0].evidence


@pytest.mark.parametrize("status", [403, 404, 401])
def test_a_start_page_refusing_the_patrol_is_a_veto_and_never_a_full_score(status):
    server = SiteServer({"/": Route("<html><body>Forbidden</body></html>", status)})
    try:
        crawl = inspect_site(Site(server.url, NOW), Options(rate=0, timeout=1), **LINKS_ONLY)
    finally:
        server.close()
    assert [f.check for f in crawl.findings] == ["unreachable"]
    assert crawl.findings[0].severity == "veto" and crawl.findings[0].homepage
    assert crawl.findings[0].evidence == f"站点无法访问：首页返回 HTTP {status}"
    result = score(crawl.findings)
    assert result["vetoed"] and result["total"] == 0


def test_exposed_files_and_plain_http_are_insecure():
    server = SiteServer({
        "/": Route(page()),
        "/.git/HEAD": Route("ref: refs/heads/master\n", headers={"Content-Type": "text/plain"}),
        "/db.sql": Route("<html>soft 404</html>"),  # an HTML page answering 200 is not a dump
    })  # fmt: skip
    try:
        crawl = inspect_site(Site(server.url, NOW), Options(rate=0, timeout=1), **LINKS_ONLY)
    finally:
        server.close()
    insecure = [f for f in crawl.findings if f.check == "insecure"]
    assert any(f.target.endswith("/.git/HEAD") and f.severity == "deduct" for f in insecure)
    assert not any("db.sql" in f.target for f in insecure)
    assert any(f.evidence == "网站未提供 HTTPS 访问" for f in insecure)


def test_the_rate_limit_spaces_requests_to_one_host(site):
    import time

    began = time.monotonic()
    _crawl(site, rate=20, max_pages=8)
    assert time.monotonic() - began >= 8 / 20 * 0.9


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "not a url", "http://", "https://host:99999/", "x" * 3000]
)
def test_what_cannot_be_crawled_is_refused_before_starting(url):
    assert normalise(url) is None
