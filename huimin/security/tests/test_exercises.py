"""The register of 应急演练 and 渗透测试: a site's administrator records one with its files for their own site
only, what they type is checked (markup shown as text, SQL-ish text kept as typed, control characters and
oversized text refused, a file whose content is not its kind refused), another site's administrator gets
404 for the entry and its files, and a quarter without one is warned about (the rule is data)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from huimin.security import queries, rules, services
from huimin.security.models import Exercise, ExerciseFile
from huimin.security.wagtail_hooks import security_panel

from .factories import at, make_site, platform_admin, site_admin

pytestmark = pytest.mark.django_db
T0 = at("2030-03-20 10:00")  # the third month of 2030's first quarter
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XSS = "<img src=x onerror=alert(1)>演练"


@pytest.fixture(autouse=True)
def clock():
    """The screens read the clock (and a session signed in at another time would have timed out)."""
    with time_machine.travel(T0, tick=True):
        yield


@pytest.fixture
def scene():
    own = make_site("ex-own.localhost", port=8095, name="演练本站")
    other = make_site("ex-other.localhost", port=8096, name="演练他站")
    return {
        "own": own,
        "other": other,
        "admin": site_admin(own, "ex-admin"),
        "stranger": site_admin(other, "ex-x"),
    }


def _post(client, site, **changes):
    data = {
        "site": str(site.pk),
        "kind": "drill",
        "held_on": "2030-03-18",
        "title_text": "2030年第一季度网站被篡改应急演练",
        "organiser": "市大数据中心",
        "scope": "模拟首页被篡改，检验发现、处置、恢复流程。",
        "findings": "备份恢复用时较长。",
        "fixes": "已改为每日增量备份。",
        "uploads": [SimpleUploadedFile("演练报告.pdf", PDF, content_type="application/pdf")],
    }
    data.update(changes)
    return client.post(reverse("security_exercise_new"), data, **HOST)


def test_a_site_admin_records_a_drill_with_its_report(client, scene):
    client.force_login(scene["admin"])
    form = client.get(reverse("security_exercise_new"), **HOST).content.decode()
    assert "演练本站" in form and "演练他站" not in form
    response = _post(client, scene["own"])
    exercise = Exercise.objects.get(site=scene["own"])
    assert response.status_code == 302 and response["Location"] == reverse(
        "security_exercise", args=[exercise.pk]
    )
    assert (
        exercise.kind == "drill"
        and exercise.held_on == date(2030, 3, 18)
        and exercise.recorded_by == scene["admin"]
    )
    (stored,) = exercise.files.all()
    assert stored.name == "演练报告.pdf" and stored.kind == "pdf" and stored.size == len(PDF)
    download = client.get(reverse("security_exercise_file", args=[exercise.pk, stored.pk]), **HOST)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    entry = ModelLogEntry.objects.for_instance(exercise).get(action="huimin_security.record_exercise")
    assert entry.data["kind"] == "应急演练" and entry.data["site"] == "演练本站" and entry.data["count"] == 1
    more = SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("security_exercise", args=[exercise.pk]), {"uploads": [more]}, **HOST)
    assert response.status_code == 302 and exercise.files.count() == 2


def test_markup_is_shown_as_text_and_sql_ish_text_is_kept_as_typed(client, scene):
    client.force_login(scene["admin"])
    sql = "1'; DROP TABLE huimin_security_exercise; --"
    assert _post(client, scene["own"], title_text=XSS, scope=sql, uploads=[]).status_code == 302
    exercise = Exercise.objects.get(site=scene["own"])
    assert exercise.title == XSS and exercise.scope == sql
    for url in (reverse("security_exercises"), reverse("security_exercise", args=[exercise.pk])):
        page = client.get(url, **HOST).content.decode()
        assert XSS not in page and "&lt;img src=x onerror=alert(1)&gt;演练" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title_text": "演练\x00名称"}, "控制字符"),
        ({"scope": "范" * 3001}, "最多 3000 个字"),
        ({"title_text": "", "scope": ""}, "请填写此项"),
        ({"held_on": "2030-04-01"}, "开展日期不能晚于今天"),
        ({"held_on": "2030-13-45"}, "格式不正确"),
        ({"kind": "party"}, "请从列表中选择"),
        (
            {"uploads": [SimpleUploadedFile("报告.pdf", "这是GBK编码的文本，不是PDF".encode("gbk"))]},
            "内容与其类型不符",
        ),
        ({"uploads": [SimpleUploadedFile("setup.exe", b"MZ\x90\x00")]}, "不支持“.exe”类型的附件"),
    ],
)
def test_hostile_input_is_refused_in_chinese(client, scene, changes, message):
    client.force_login(scene["admin"])
    response = _post(client, scene["own"], **changes)
    assert response.status_code == 400 and message in response.content.decode()
    assert (
        not Exercise.objects.filter(site=scene["own"]).exists()
        and not ExerciseFile.objects.filter(exercise__site=scene["own"]).exists()
    )


def test_nobody_records_for_a_site_they_do_not_manage(client, scene):
    client.force_login(scene["admin"])
    response = _post(client, scene["other"])  # the other site's id, typed into the form by hand
    assert response.status_code == 400 and "请选择网站" in response.content.decode()
    assert not Exercise.objects.filter(site__in=[scene["own"], scene["other"]]).exists()


def test_another_sites_admin_gets_404_for_the_entry_and_its_files(client, scene):
    client.force_login(scene["admin"])
    _post(client, scene["own"])
    exercise = Exercise.objects.get(site=scene["own"])
    stored = exercise.files.get()
    client = Client()  # the stranger's own browser
    client.force_login(scene["stranger"])
    assert client.get(reverse("security_exercise", args=[exercise.pk]), **HOST).status_code == 404
    assert (
        client.get(reverse("security_exercise_file", args=[exercise.pk, stored.pk]), **HOST).status_code
        == 404
    )
    more = SimpleUploadedFile("x.pdf", PDF)
    assert (
        client.post(reverse("security_exercise", args=[exercise.pk]), {"uploads": [more]}, **HOST).status_code
        == 404
    )
    assert (
        "2030年第一季度网站被篡改应急演练"
        not in client.get(reverse("security_exercises"), **HOST).content.decode()
    )


def _record(site, kind, day):
    return services.record_exercise(
        services.ExerciseData(site=site, kind=kind, held_on=day, title=f"{kind}{day}", scope="范围"),
        actor=None,
        now=T0,
    )


def test_quarters_without_a_drill_or_a_test_are_listed(scene):
    own = scene["own"]
    _record(own, "drill", date(2029, 11, 5))
    _record(own, "pentest", date(2029, 5, 20))
    gaps = [(g.label, g.current) for g in queries.exercise_gaps([own], T0)]
    assert gaps == [("2030年第1季度", True), ("2029年第3季度", False), ("2029年第1季度", False)]
    assert [g.label for g in queries.exercise_gaps([own], at("2030-02-10 10:00"))] == [
        "2029年第3季度",
        "2029年第1季度",
    ]
    _record(own, "pentest", date(2030, 3, 1))
    assert not [g for g in queries.exercise_gaps([own], T0) if g.current]
    text = queries.exercise_gaps([own], T0)[0].text
    assert text == "演练本站：2029年第3季度未开展应急演练或渗透测试"


def test_quarters_before_the_site_opened_are_not_listed(scene):
    from wagtail.models import Page

    Page.objects.filter(pk=scene["own"].root_page_id).update(first_published_at=at("2029-10-15 09:00"))
    scene["own"].root_page.refresh_from_db()
    assert [g.label for g in queries.exercise_gaps([scene["own"]], T0)] == ["2030年第1季度", "2029年第4季度"]


def test_with_the_each_rule_both_kinds_are_needed(scene, monkeypatch):
    monkeypatch.setattr(rules, "exercise_rules", lambda: replace(rules.ExerciseRules("each", 3, 1)))
    _record(scene["own"], "drill", date(2029, 11, 5))
    gaps = queries.exercise_gaps([scene["own"]], T0)
    assert [(g.label, g.missing) for g in gaps] == [
        ("2030年第1季度", ["应急演练", "渗透测试"]),
        ("2029年第4季度", ["渗透测试"]),
    ]


def test_the_list_and_the_workbench_warn_of_the_gaps(client, scene):
    client.force_login(scene["admin"])
    page = client.get(reverse("security_exercises"), **HOST).content.decode()
    assert "尚未开展的季度" in page and "演练本站：本季度（2030年第1季度）尚未开展应急演练或渗透测试" in page
    assert "演练他站" not in page
    panel = security_panel(scene["admin"], T0)
    assert "演练本站：本季度（2030年第1季度）尚未开展应急演练或渗透测试" in [row.label for row in panel.rows]
    boss = security_panel(platform_admin("ex-boss"), T0)
    assert any("演练他站" in row.label for row in boss.rows)
