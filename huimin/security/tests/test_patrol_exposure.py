"""The patrol raises the exposure alert against a real HTTP server on loopback: a `.git/HEAD` the crawl's
probes find, a directory listing ("Index of /"), an admin login page on a public host (not one of
HUIMIN_ADMIN_HOSTS). The next crawl that sees none of them resolves the alert and closes the work order."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from huimin.inspection import services as inspection
from huimin.inspection.crawler import Options
from huimin.security import exposure
from huimin.security.enums import AlertKind, AlertState
from huimin.security.models import Alert
from huimin.workorders.enums import Closure, State
from huimin.workorders.models import WorkOrder

from .factories import Route, SiteServer, at, home_html, make_site, only_targets, site_admin

pytestmark = pytest.mark.django_db
T0 = at("2030-03-04 02:00")
OPTIONS = Options(rate=0, timeout=3, check_external=False)
LISTING = (
    "<html><head><title>Index of /uploads</title></head>"
    "<body><h1>Index of /uploads</h1><pre>a.doc</pre></body></html>"
)
LOGIN = (
    "<html><body><form method='post'><input name='username'>"
    "<input type='PASSWORD' name='pw'></form></body></html>"
)


def _routes(exposed: bool) -> dict:
    routes = {"/": Route(home_html("宿迁巡查测试局"))}
    if exposed:
        routes["/.git/HEAD"] = Route("ref: refs/heads/master\n", headers={"Content-Type": "text/plain"})
        routes["/uploads/"] = Route(LISTING)
        routes["/admin/"] = Route("", status=302, headers={"Location": "/admin/login/?next=/admin/"})
        routes["/admin/login/?next=/admin/"] = Route(LOGIN)
    return routes


@pytest.fixture
def server():
    found = SiteServer(_routes(exposed=True))
    yield found
    found.close()


def test_the_patrol_raises_an_exposure_alert_and_the_next_clean_crawl_resolves_it(
    server, django_capture_on_commit_callbacks
):
    site = make_site("patrol-a.localhost", server, name="宿迁巡查测试局网站")
    admin = site_admin(site, "patrol-a-admin")
    (target,) = only_targets(site)
    with django_capture_on_commit_callbacks(execute=True):
        runs = inspection.patrol(T0, options=OPTIONS, force=True, ids=[target.pk])
    assert [run.target_id for run in runs] == [target.pk]
    (alert,) = Alert.objects.filter(target=target, kind=AlertKind.EXPOSED)
    evidence = {row["evidence"]: row["url"] for row in alert.evidence}
    assert evidence["敏感文件可被公开访问：/.git/HEAD"].endswith("/.git/HEAD")
    assert evidence["开放了目录浏览：/uploads/"].endswith("/uploads/")
    assert evidence["公众访问的域名上开放了管理后台登录页：/admin/"].endswith("/admin/login/?next=/admin/")
    assert len(evidence) == 3, evidence
    assert alert.severity == "high" and alert.state == AlertState.OPEN
    message = next(m for m in mail.outbox if "敏感内容暴露" in m.subject)
    assert admin.email in message.to and "/.git/HEAD" in message.body
    order = WorkOrder.objects.get(site=site, finding_key="security:exposed")
    assert len(order.findings) == 3

    server.routes.clear()
    server.routes.update(_routes(exposed=False))
    with django_capture_on_commit_callbacks(execute=True):
        inspection.patrol(T0, options=OPTIONS, force=True, ids=[target.pk])
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED
    order.refresh_from_db()
    assert order.state == State.CLOSED and order.closure == Closure.VERIFIED


def test_a_crawl_that_did_not_reach_the_site_changes_nothing(server, django_capture_on_commit_callbacks):
    site = make_site("patrol-b.localhost", server)
    (target,) = only_targets(site)
    with django_capture_on_commit_callbacks(execute=True):
        inspection.patrol(T0, options=OPTIONS, force=True, ids=[target.pk])
    assert Alert.objects.get(target=target, kind=AlertKind.EXPOSED).state == AlertState.OPEN
    server.routes.clear()  # everything answers 404 now, the homepage too
    inspection.patrol(T0, options=OPTIONS, force=True, ids=[target.pk])
    assert Alert.objects.get(target=target, kind=AlertKind.EXPOSED).state == AlertState.OPEN


def test_the_admin_belongs_on_an_admin_host(server):
    url = server.url  # http://127.0.0.1:PORT/: 127.0.0.1 is one of HUIMIN_ADMIN_HOSTS
    found = exposure.check(url, T0, timeout=3)
    assert [row["evidence"] for row in found] == ["开放了目录浏览：/uploads/"]
    with override_settings(HUIMIN_ADMIN_HOSTS=["admin.suqian.example"]):
        found = exposure.check(url, T0, timeout=3)
    assert "公众访问的域名上开放了管理后台登录页：/admin/" in [row["evidence"] for row in found]


def test_a_soft_404_and_an_ordinary_page_are_not_exposures():
    routes = {
        "/": Route(home_html("首页")),
        "/.git/HEAD": Route("<html><body>页面不存在</body></html>"),  # a soft 404: HTML with status 200
        "/uploads/": Route("<html><body><h1>上传说明</h1><p>Index of 政策文件</p></body></html>"),
        "/admin/": Route("<html><body><form><input type='text' name='q'></form></body></html>"),
    }
    server = SiteServer(routes)
    try:
        with override_settings(HUIMIN_ADMIN_HOSTS=[]):
            assert exposure.check(server.url, T0, timeout=3) == []
    finally:
        server.close()
