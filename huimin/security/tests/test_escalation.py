"""Alerts nobody acknowledges escalate at the times of data/thresholds.json (the clock pinned), first to the
platform administrators and security administrators, then again; an acknowledged alert escalates no more.
`huimin security-sweep` does it, safely again and again."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from huimin.security import services
from huimin.security.enums import ACTIVE_STATES, AlertKind, AlertState
from huimin.security.models import Alert

from .factories import at, make_site, only_targets, platform_admin, security_admin, site_admin

pytestmark = pytest.mark.django_db
T0 = at("2030-05-06 23:10")
PROBLEM = [{"url": "http://esc.localhost/", "evidence": "连续 2 次探测首页均无法访问"}]


@pytest.fixture
def raised(django_capture_on_commit_callbacks):
    # Only this test's alert is open (the demo's, when the demo was built in this database, are set aside).
    Alert.objects.filter(state__in=ACTIVE_STATES).update(state=AlertState.RESOLVED)
    site = make_site("esc-a.localhost", port=8081, name="宿迁升级测试网站")
    (target,) = only_targets(site)
    people = {
        "admin": site_admin(site, "esc-admin"),
        "boss": platform_admin("esc-boss"),
        "guard": security_admin("esc-guard"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        alert = services.observe(target, AlertKind.UNREACHABLE, PROBLEM, T0)
    mail.outbox.clear()
    return alert, people


def _sweep(now, capture):
    with capture(execute=True):
        return services.escalate_due(now)


def test_an_unanswered_alert_escalates_step_by_step(raised, django_capture_on_commit_callbacks):
    alert, people = raised
    assert _sweep(T0 + timedelta(minutes=29), django_capture_on_commit_callbacks) == []
    assert mail.outbox == []
    (first,) = _sweep(T0 + timedelta(minutes=30), django_capture_on_commit_callbacks)
    assert (
        first.pk == alert.pk
        and first.escalation_level == 1
        and first.escalated_at == T0 + timedelta(minutes=30)
    )
    (message,) = mail.outbox
    assert set(message.to) == {people["boss"].email, people["guard"].email}
    assert message.subject == "【安全预警升级·第 1 次】宿迁升级测试网站：网站无法访问"
    assert "此安全预警发出已 30 分钟，仍无人确认" in message.body and "120 分钟后仍未确认的" in message.body
    assert _sweep(T0 + timedelta(minutes=60), django_capture_on_commit_callbacks) == []  # once per step
    (second,) = _sweep(T0 + timedelta(minutes=121), django_capture_on_commit_callbacks)
    assert second.escalation_level == 2 and len(mail.outbox) == 2
    assert _sweep(T0 + timedelta(days=3), django_capture_on_commit_callbacks) == []  # no step left


def test_several_steps_due_at_once_make_one_escalation(raised, django_capture_on_commit_callbacks):
    (done,) = _sweep(T0 + timedelta(hours=5), django_capture_on_commit_callbacks)
    assert done.escalation_level == 2 and len(mail.outbox) == 1


def test_an_acknowledged_alert_escalates_no_more(raised, django_capture_on_commit_callbacks):
    alert, people = raised
    services.acknowledge(alert, actor=people["admin"], now=T0 + timedelta(minutes=10), note="已联系机房")
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED and alert.acknowledged_by == people["admin"]
    assert _sweep(T0 + timedelta(hours=5), django_capture_on_commit_callbacks) == []
    assert mail.outbox == []


def test_the_sweep_command_reports_what_it_escalated(raised, django_capture_on_commit_callbacks):
    alert, _people = raised
    out = StringIO()
    with (
        time_machine.travel(T0 + timedelta(minutes=45), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("security-sweep", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "escalated": [{"id": alert.pk, "title": "宿迁升级测试网站：网站无法访问", "level": 1}]
    }
    out = StringIO()
    with time_machine.travel(T0 + timedelta(minutes=46), tick=False):
        call_command("security-sweep", stdout=out)
    assert out.getvalue().strip() == "安全预警：没有需要升级的预警。"
    assert Alert.objects.get(pk=alert.pk).escalation_level == 1


def test_the_sweep_task_escalates_as_the_command_does(raised, django_capture_on_commit_callbacks):
    from huimin.security.tasks import sweep_task

    with (
        time_machine.travel(T0 + timedelta(minutes=31), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = sweep_task.enqueue()
    assert result.return_value == 1 and Alert.objects.get(pk=raised[0].pk).escalation_level == 1
