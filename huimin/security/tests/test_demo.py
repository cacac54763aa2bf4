"""The demo's 安全预警: an alert of each kind in each state, scans that changed, the register with two
quarters left empty; a second build adds nothing; every screen answers in Chinese without raw codes, as
the platform administrator and as a county's site administrator (who sees only their own site)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from huimin.core.tests.admin_text import first_detail_link, visible_text
from huimin.security.enums import AlertKind, AlertState, CheckStatus
from huimin.security.models import Alert, Exercise, ScanResult

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
CODES = set(AlertKind.values) | set(AlertState.values) | set(CheckStatus.values) | {"drill", "pentest"}
CODES |= {"critical", "high", "medium", "low", "huimin_security"}


def test_the_demo_has_alerts_of_every_kind_scans_and_the_register(demo):
    states = {a.kind: a.state for a in Alert.objects.filter(site__hostname__endswith=".localhost")}
    assert states[AlertKind.EXPOSED] == AlertState.OPEN
    assert states[AlertKind.UNREACHABLE] == AlertState.ACKNOWLEDGED
    assert states[AlertKind.DEFACED] == AlertState.RESOLVED
    assert states[AlertKind.SLOW] == AlertState.OPEN
    exposed = Alert.objects.get(site__hostname="shuyang.localhost", kind=AlertKind.EXPOSED)
    assert exposed.escalation_level == 2 and exposed.work_order is not None
    assert ScanResult.objects.filter(site__hostname="jyj.localhost").count() >= 2
    assert Exercise.objects.filter(site__hostname="127.0.0.1").count() >= 4


def test_a_second_build_adds_nothing(demo):
    from huimin.conftest import DEMO_NOW
    from huimin.demo.builder import load_spec
    from huimin.demo.security import build_security_demo

    assert build_security_demo(load_spec(), DEMO_NOW, None) == 0


def _raw(text: str) -> set[str]:
    return {code for code in CODES if re.search(rf"(?<![\w./-]){re.escape(code)}(?![\w/-])", text)}


@pytest.mark.parametrize("username", ["admin", "shuyang-siteadmin"])
def test_every_screen_answers_in_chinese(demo, demo_clock, client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))
    found = {}
    for name in ("security_alerts", "security_exercises", "security_scans", "security_exercise_new"):
        url = reverse(name)
        response = client.get(url, **HOST)
        assert response.status_code == 200, url
        html = response.content.decode()
        pages = [(url, html)]
        deeper = first_detail_link(html, url)
        if deeper:
            detail = client.get(deeper, **HOST)
            assert detail.status_code == 200, deeper
            pages.append((deeper, detail.content.decode()))
        for where, page in pages:
            codes = _raw(visible_text(page))
            if codes:
                found[where] = sorted(codes)
    assert found == {}
    if username == "shuyang-siteadmin":
        text = visible_text(client.get(reverse("security_alerts") + "?state=all", **HOST).content.decode())
        assert "敏感内容暴露" in text and "宿城" not in text
