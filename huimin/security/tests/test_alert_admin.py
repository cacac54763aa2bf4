"""The alerts in the admin and on the 工作台: a site's administrators see and handle their own site's alerts,
another site's administrators get 404 for the screen and for every action, people without a security role
get nothing, and what people type is checked (control characters refused, long text refused, markup shown
as text)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from huimin.security import services
from huimin.security.enums import AlertKind, AlertState
from huimin.security.models import Alert
from huimin.security.wagtail_hooks import security_panel

from .factories import at, make_site, only_targets, platform_admin, security_admin, site_admin, site_editor

pytestmark = pytest.mark.django_db
T0 = at("2030-05-06 10:00")
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
XSS = "<script>alert('x')</script>"


@pytest.fixture
def scene():
    own = make_site("adm-own.localhost", port=8091, name="本单位网站")
    other = make_site("adm-other.localhost", port=8092, name="别家网站")
    own_target, other_target = only_targets(own, other)
    problem = [{"url": own_target.url + ".git/HEAD", "evidence": f"敏感文件可被公开访问：/.git/HEAD {XSS}"}]
    alert = services.observe(own_target, AlertKind.EXPOSED, problem, T0, detail=XSS)
    foreign = services.observe(
        other_target, AlertKind.UNREACHABLE, [{"url": other_target.url, "evidence": "x"}], T0
    )
    return {
        "alert": alert,
        "foreign": foreign,
        "admin": site_admin(own, "adm-own-admin"),
        "stranger": site_admin(other, "adm-other-admin"),
        "editor": site_editor(own, "adm-own-editor"),
    }


def test_a_site_admin_sees_the_alerts_of_their_own_site_only(client, scene):
    client.force_login(scene["admin"])
    page = client.get(reverse("security_alerts"), **HOST).content.decode()
    assert "本单位网站：敏感内容暴露" in page and "别家网站" not in page
    detail = client.get(reverse("security_alert", args=[scene["alert"].pk]), **HOST)
    body = detail.content.decode()
    assert detail.status_code == 200 and "确认预警" in body and "解除预警" in body
    assert XSS not in body and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_another_sites_admin_gets_404_for_the_alert_and_its_actions(client, scene):
    client.force_login(scene["stranger"])
    url = reverse("security_alert", args=[scene["alert"].pk])
    assert client.get(url, **HOST).status_code == 404
    for action in ("acknowledge", "resolve"):
        response = client.post(url, {"action": action, "note": "别人的预警"}, **HOST)
        assert response.status_code == 404
    assert Alert.objects.get(pk=scene["alert"].pk).state == AlertState.OPEN


def test_people_without_a_security_role_are_refused(client, scene):
    client.force_login(scene["editor"])
    assert client.get(reverse("security_alerts"), **HOST).status_code in (302, 403)
    assert client.get(reverse("security_alert", args=[scene["alert"].pk]), **HOST).status_code in (302, 403)
    assert security_panel(scene["editor"], T0) is None


def test_acknowledging_and_resolving_through_the_screen(client, scene):
    client.force_login(scene["admin"])
    url = reverse("security_alert", args=[scene["alert"].pk])
    response = client.post(
        url, {"action": "acknowledge", "note": "已删除 .git 目录'; DROP TABLE x;--"}, **HOST
    )
    assert response.status_code == 302
    alert = Alert.objects.get(pk=scene["alert"].pk)
    assert (
        alert.state == AlertState.ACKNOWLEDGED
        and alert.acknowledge_note == "已删除 .git 目录'; DROP TABLE x;--"
    )
    response = client.post(url, {"action": "acknowledge", "note": ""}, **HOST)
    assert response.status_code == 400 and "此预警已确认或已解除" in response.content.decode()
    response = client.post(url, {"action": "resolve", "note": ""}, **HOST)
    assert response.status_code == 400 and "请填写此项" in response.content.decode()
    response = client.post(url, {"action": "resolve", "note": "已修复并复查"}, follow=True, **HOST)
    page = response.content.decode()
    assert "已解除预警" in page and "确认安全预警" in page and "解除安全预警" in page  # the record
    assert Alert.objects.get(pk=scene["alert"].pk).state == AlertState.RESOLVED


@pytest.mark.parametrize(
    ("note", "message"),
    [("处置\x00完毕", "控制字符"), ("长" * 501, "最多 500 个字"), ("\u2028换行", "控制字符")],
)
def test_hostile_notes_are_refused_in_chinese(client, scene, note, message):
    client.force_login(scene["admin"])
    url = reverse("security_alert", args=[scene["alert"].pk])
    response = client.post(url, {"action": "acknowledge", "note": note}, **HOST)
    assert response.status_code == 400 and message in response.content.decode()
    assert Alert.objects.get(pk=scene["alert"].pk).state == AlertState.OPEN


def test_an_unknown_action_is_404(client, scene):
    client.force_login(scene["admin"])
    url = reverse("security_alert", args=[scene["alert"].pk])
    assert client.post(url, {"action": "delete"}, **HOST).status_code == 404


def test_the_platform_and_the_security_administrator_see_every_site(client, scene):
    for person in (platform_admin("adm-boss"), security_admin("adm-guard")):
        client.force_login(person)
        page = client.get(reverse("security_alerts"), **HOST).content.decode()
        assert "本单位网站：敏感内容暴露" in page and "别家网站：网站无法访问" in page


def test_the_workbench_panel_lists_the_persons_alerts(client, scene):
    panel = security_panel(scene["admin"], T0)
    labels = [row.label for row in panel.rows]
    assert labels[0] == "本单位网站：敏感内容暴露" and not any("别家网站" in label for label in labels)
    assert [(row.label, row.count) for row in panel.counts][:2] == [("待确认", 1), ("处置中", 0)]
    client.force_login(scene["admin"])
    home = client.get("/admin/", **HOST).content.decode()
    assert "安全预警" in home and "本单位网站：敏感内容暴露" in home


def test_the_service_refuses_another_sites_admin_too(scene):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.acknowledge(scene["alert"], actor=scene["stranger"], now=T0)
    with pytest.raises(PermissionDenied):
        services.resolve(scene["foreign"], actor=scene["admin"], now=T0, note="不是我的")
