"""The hourly probes raise alerts against a real HTTP server on loopback whose pages change between probes:
unreachable after N failed probes in a row and resolved when the site is back, slow, and defaced (the
homepage text replaced with no publish of that site; a change after a publish raises nothing). Each alert
sends its e-mail and opens the site's security work order, which is closed as verified when it clears."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from wagtail.models import ModelLogEntry

from huimin.inspection import services as inspection
from huimin.inspection.models import Probe
from huimin.security.enums import AlertKind, AlertState
from huimin.security.models import Alert, HomeBaseline
from huimin.workorders.enums import Closure, Source, State
from huimin.workorders.models import WorkOrder

from .factories import (
    Route,
    SiteServer,
    at,
    home_html,
    make_site,
    only_targets,
    platform_admin,
    site_admin,
    thresholds,
)

pytestmark = pytest.mark.django_db
T0 = at("2030-03-04 09:00")
HOUR = timedelta(hours=1)


@pytest.fixture
def server():
    found = SiteServer({"/": Route(home_html("宿迁测试局"))})
    yield found
    found.close()


@pytest.fixture
def watched(server):
    site = make_site("probe-a.localhost", server, name="宿迁测试局网站")
    (target,) = only_targets(site)
    return site, target


def _probe(now, capture):
    with capture(execute=True):
        return {p.target_id: p for p in inspection.probe(now)}


def _alerts(target, kind):
    return list(Alert.objects.filter(target=target, kind=kind).order_by("pk"))


def test_a_probe_records_the_answer_time_and_a_digest_of_the_visible_text(
    watched, django_capture_on_commit_callbacks
):
    _site, target = watched
    probe = _probe(T0, django_capture_on_commit_callbacks)[target.pk]
    stored = Probe.objects.get(pk=probe.pk)
    assert stored.ok and stored.ms is not None and stored.ms < 5000
    assert len(stored.digest) == 64 and "宿迁测试局工作动态第1条" in probe.text
    assert HomeBaseline.objects.get(target=target).digest == stored.digest  # the first text is the baseline


def test_an_unreachable_site_alerts_after_n_failures_and_resolves_when_back(
    watched, server, monkeypatch, django_capture_on_commit_callbacks
):
    site, target = watched
    admin = site_admin(site, "probe-a-admin")
    boss = platform_admin("probe-boss")
    thresholds(monkeypatch, consecutive_failures=2)
    _probe(T0, django_capture_on_commit_callbacks)
    server.routes["/"] = Route("<h1>维护中</h1>", status=503)
    _probe(T0 + HOUR, django_capture_on_commit_callbacks)
    assert not _alerts(target, AlertKind.UNREACHABLE)  # one failure is not yet an alert
    _probe(T0 + 2 * HOUR, django_capture_on_commit_callbacks)
    (alert,) = _alerts(target, AlertKind.UNREACHABLE)
    assert alert.state == AlertState.OPEN and alert.severity == "critical" and alert.site_id == site.pk
    assert alert.first_seen == T0 + 2 * HOUR and "HTTP 503" in alert.detail
    message = next(m for m in mail.outbox if "网站无法访问" in m.subject)
    assert set(message.to) == {admin.email, boss.email}
    assert "宿迁测试局网站" in message.subject and "连续 2 次探测首页均无法访问" in message.body
    assert f"http://127.0.0.1:8000/admin/security/alerts/{alert.pk}/" in message.body
    assert "30 分钟后仍未确认的，将升级通知平台管理员、安全管理员" in message.body
    order = WorkOrder.objects.get(site=site, finding_key=f"{Source.SECURITY}:{AlertKind.UNREACHABLE}")
    assert order.state == State.ACCEPTED and order.kind.code == "security" and order.priority == "urgent"
    assert Alert.objects.get(pk=alert.pk).work_order == order

    _probe(T0 + 3 * HOUR, django_capture_on_commit_callbacks)  # still down: the same alert, no new mail
    assert len(_alerts(target, AlertKind.UNREACHABLE)) == 1
    assert Alert.objects.get(pk=alert.pk).last_seen == T0 + 3 * HOUR
    assert sum("网站无法访问" in m.subject for m in mail.outbox) == 1

    server.routes["/"] = Route(home_html("宿迁测试局"))
    _probe(T0 + 4 * HOUR, django_capture_on_commit_callbacks)
    alert.refresh_from_db()
    assert (
        alert.state == AlertState.RESOLVED
        and alert.resolved_at == T0 + 4 * HOUR
        and alert.resolved_by is None
    )
    order.refresh_from_db()
    assert order.state == State.CLOSED and order.closure == Closure.VERIFIED
    assert any("预警解除" in m.subject for m in mail.outbox)
    actions = list(ModelLogEntry.objects.for_instance(alert).order_by("pk").values_list("action", flat=True))
    assert actions == ["huimin_security.raise", "huimin_security.resolve"]

    server.routes["/"] = Route("", status=502)  # down again later: a new alert, the order reopens
    _probe(T0 + 5 * HOUR, django_capture_on_commit_callbacks)
    _probe(T0 + 6 * HOUR, django_capture_on_commit_callbacks)
    assert [a.state for a in _alerts(target, AlertKind.UNREACHABLE)] == [AlertState.RESOLVED, AlertState.OPEN]
    order.refresh_from_db()
    assert order.state != State.CLOSED and order.reopened == 1


def test_a_slow_homepage_alerts_after_consecutive_slow_answers(
    watched, server, monkeypatch, django_capture_on_commit_callbacks
):
    _site, target = watched
    thresholds(monkeypatch, slow_ms=250, slow_consecutive=2)
    server.routes["/"] = Route(home_html("宿迁测试局"), delay=0.4)
    _probe(T0, django_capture_on_commit_callbacks)
    assert not _alerts(target, AlertKind.SLOW)
    _probe(T0 + HOUR, django_capture_on_commit_callbacks)
    (alert,) = _alerts(target, AlertKind.SLOW)
    assert alert.severity == "normal" and "连续 2 次探测首页响应超过 0.25 秒" in alert.evidence[0]["evidence"]
    assert "最近一次首页响应用时" in alert.detail
    server.routes["/"] = Route(home_html("宿迁测试局"))
    _probe(T0 + 2 * HOUR, django_capture_on_commit_callbacks)
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED


DEFACED = (
    "<html><body><h1>Hacked by 某黑客组织</h1><p>你的网站安全形同虚设！</p>"
    "<p>联系我们购买漏洞：QQ 123456</p></body></html>"
)


def test_a_homepage_replaced_without_a_publish_is_a_defacement(
    watched, server, django_capture_on_commit_callbacks
):
    site, target = watched
    site_admin(site, "probe-d-admin")
    _probe(T0, django_capture_on_commit_callbacks)
    _probe(T0 + HOUR, django_capture_on_commit_callbacks)  # unchanged: nothing happens
    server.routes["/"] = Route(DEFACED)
    _probe(T0 + 2 * HOUR, django_capture_on_commit_callbacks)
    (alert,) = _alerts(target, AlertKind.DEFACED)
    assert alert.state == AlertState.OPEN and alert.severity == "critical"
    assert (
        "期间本站没有发布页面" in alert.evidence[0]["evidence"]
        and "2030-03-04 10:00" in alert.evidence[0]["evidence"]
    )
    assert "Hacked by 某黑客组织" in alert.detail
    message = next(m for m in mail.outbox if "首页疑似被篡改" in m.subject)
    assert "首页现在显示：Hacked by 某黑客组织" in message.body
    assert WorkOrder.objects.filter(site=site, finding_key="security:defaced").exists()

    server.routes["/"] = Route(home_html("宿迁测试局"))  # restored from backup: the alert clears
    _probe(T0 + 3 * HOUR, django_capture_on_commit_callbacks)
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED


def test_a_homepage_changed_after_a_publish_of_that_site_raises_nothing(
    watched, server, django_capture_on_commit_callbacks
):
    site, target = watched
    _probe(T0, django_capture_on_commit_callbacks)
    with time_machine.travel(T0 + timedelta(minutes=40), tick=False):
        home = site.root_page.specific
        home.title = "宿迁测试局（改版）"
        home.save_revision().publish()
    server.routes["/"] = Route(home_html("全新改版的测试局首页", lines=12))
    _probe(T0 + HOUR, django_capture_on_commit_callbacks)
    assert not _alerts(target, AlertKind.DEFACED)
    baseline = HomeBaseline.objects.get(target=target)
    assert "全新改版的测试局首页" in baseline.text and baseline.taken_at == T0 + HOUR  # the new normal


def test_a_small_change_of_the_news_list_is_no_defacement(
    watched, server, django_capture_on_commit_callbacks
):
    _site, target = watched
    _probe(T0, django_capture_on_commit_callbacks)
    changed = home_html("宿迁测试局").replace("第3条：推进重点项目建设", "第3条：召开安全生产会议")
    server.routes["/"] = Route(changed)
    _probe(T0 + HOUR, django_capture_on_commit_callbacks)
    assert not _alerts(target, AlertKind.DEFACED)


def test_a_defaced_alert_resolved_by_hand_takes_the_new_text_as_the_baseline(
    watched, server, django_capture_on_commit_callbacks
):
    from huimin.security import services

    site, target = watched
    admin = site_admin(site, "probe-r-admin")
    _probe(T0, django_capture_on_commit_callbacks)
    server.routes["/"] = Route(DEFACED)
    _probe(T0 + HOUR, django_capture_on_commit_callbacks)
    (alert,) = _alerts(target, AlertKind.DEFACED)
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve(alert, actor=admin, now=T0 + 2 * HOUR, note="经核实为单位临时发布的安全宣传页")
    _probe(T0 + 3 * HOUR, django_capture_on_commit_callbacks)
    assert [a.state for a in _alerts(target, AlertKind.DEFACED)] == [AlertState.RESOLVED]
    assert "Hacked by" in HomeBaseline.objects.get(target=target).text


def test_an_external_target_is_probed_and_alerted_without_a_site(
    server, monkeypatch, django_capture_on_commit_callbacks
):
    from huimin.inspection.models import Target

    only_targets()
    target = Target.objects.create(name="市公共资源交易网", url=server.url)
    boss = platform_admin("probe-ext-boss")
    thresholds(monkeypatch, consecutive_failures=1)
    server.routes["/"] = Route("", status=500)
    _probe(T0, django_capture_on_commit_callbacks)
    (alert,) = _alerts(target, AlertKind.UNREACHABLE)
    assert alert.site is None and alert.work_order is None and alert.title == "市公共资源交易网：网站无法访问"
    assert any(boss.email in m.to for m in mail.outbox)


def test_a_failing_follower_is_logged_and_the_others_still_act(
    watched, server, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from django.test import override_settings

    _site, target = watched
    thresholds(monkeypatch, consecutive_failures=1)
    server.routes["/"] = Route("", status=500)
    followers = ["huimin.security.no_such_module.follow", "huimin.security.alerts.from_probes"]
    with override_settings(HUIMIN_PROBE_FOLLOWERS=followers):
        probes = _probe(T0, django_capture_on_commit_callbacks)
    assert not probes[target.pk].ok and Probe.objects.filter(target=target).count() == 1
    assert "Follower huimin.security.no_such_module.follow failed on the hourly probe" in caplog.text
    assert _alerts(target, AlertKind.UNREACHABLE)
