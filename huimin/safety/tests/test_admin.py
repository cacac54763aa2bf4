"""内容安全 in the admin: the dictionary read by every admin user, edited (with history) by platform and
security administrators only; the import screen; the text check. Hostile input shown escaped."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from huimin.safety import services
from huimin.safety.models import Term, TermCategory

pytestmark = pytest.mark.django_db
XSS = '<img src=x onerror="alert(1)">'


@pytest.fixture(autouse=True)
def _admin_host(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"


@pytest.fixture
def people():
    from huimin.sites.enums import Role
    from huimin.sites.models import OrgUnit
    from huimin.sites.services import assign_role

    users = get_user_model().objects
    admin = users.create_superuser("safety-admin-2030", password="x" * 16)
    editor = users.create_user("safety-editor-2030", password="x" * 16)
    group, _ = Group.objects.get_or_create(name="内容安全测试编辑2030")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    editor.groups.add(group)
    security = users.create_user("safety-security-2030", password="x" * 16)
    unit = OrgUnit.objects.create(name="内容安全测试单位甲二〇三〇", kind="other")
    assign_role(security, role=Role.SECURITY_ADMIN, org_unit=unit)
    return {"admin": admin, "editor": editor, "security": security}


def refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def menu(response) -> str:
    """The sidebar's menu (Wagtail sends it as JSON for its script), as text."""
    found = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.dumps(json.loads(found.group(1)), ensure_ascii=False)


def form_data(**overrides) -> dict:
    category = TermCategory.objects.get(name="其他表述")
    data = {
        "term": "后台测试错词二〇三〇",
        "suggestion": "后台测试正词",
        "category": category.pk,
        "severity": "veto",
        "note": "",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_an_editor_reads_the_dictionary_but_cannot_edit_it(client, people):
    client.force_login(people["editor"])
    page = client.get(reverse("safety_terms"), {"q": "台湾总统"})
    html = page.content.decode()
    assert page.status_code == 200 and "台湾地区领导人" in html and "禁止发布" in html
    assert "添加词条" not in html and "平台管理员和安全管理员维护" in html
    term = Term.objects.get(term="台湾总统")
    detail = client.get(reverse("safety_term", args=[term.pk]))
    assert detail.status_code == 200 and "<form" not in detail.content.decode().split("修改记录")[0]
    # refused: Wagtail's admin answers a refusal with a redirect to the dashboard and a message
    assert refused(client.get(reverse("safety_term_add")))
    assert refused(client.post(reverse("safety_term_add"), form_data()))
    assert refused(
        client.post(reverse("safety_term", args=[term.pk]), form_data(term="台湾总统", severity="warn"))
    )
    assert refused(client.get(reverse("safety_import")))
    upload = SimpleUploadedFile("w.tsv", "编辑导入二〇三〇\t\n".encode())
    assert refused(client.post(reverse("safety_import"), {"file": upload}))
    assert not Term.objects.filter(term__contains="二〇三〇").exists()
    assert Term.objects.get(pk=term.pk).severity == "veto"


def test_anonymous_people_are_sent_to_the_login(client):
    response = client.get(reverse("safety_terms"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["admin", "security"])
def test_administrators_add_and_change_a_term_with_history(client, people, who):
    client.force_login(people[who])
    response = client.post(reverse("safety_term_add"), form_data())
    term = Term.objects.get(term="后台测试错词二〇三〇")
    assert response.status_code == 302 and response["Location"] == reverse("safety_term", args=[term.pk])
    assert (term.kind, term.severity, term.suggestion, term.active) == (
        "expression",
        "veto",
        "后台测试正词",
        True,
    )
    changed = form_data(severity="warn", suggestion="后台测试新正词")
    del changed["active"]
    assert client.post(reverse("safety_term", args=[term.pk]), changed).status_code == 302
    term.refresh_from_db()
    assert (term.severity, term.suggestion, term.active) == ("warn", "后台测试新正词", False)
    html = client.get(reverse("safety_term", args=[term.pk])).content.decode()
    history = html.split("修改记录")[1]
    assert "修改词条" in history and "添加词条" in history
    assert "处理方式：“禁止发布”→“提醒确认”" in history and "启用：“是”→“否”" in history
    assert people[who].get_username() in history


def test_refusals_come_back_on_the_form_in_chinese(client, people):
    client.force_login(people["admin"])
    response = client.post(
        reverse("safety_term_add"),
        form_data(term="再接再勵", category=TermCategory.objects.get(name="常见错别字").pk),
    )
    assert response.status_code == 400 and "词典中已有相同的词条“再接再励”" in response.content.decode()
    response = client.post(reverse("safety_term_add"), form_data(term="x" * 101))
    assert response.status_code == 400 and "内容过长" in response.content.decode()
    response = client.post(reverse("safety_term_add"), form_data(term="错\x00词测试"))
    assert response.status_code == 400 and "控制字符" in response.content.decode()
    response = client.post(reverse("safety_term_add"), {"term": "", "category": "", "severity": ""})
    html = response.content.decode()
    assert response.status_code == 400 and html.count("请填写此项。") >= 3


def test_markup_in_a_term_is_shown_escaped(client, people):
    category = TermCategory.objects.get(name="其他表述")
    term = services.add_term(services.TermData(XSS, category, suggestion=XSS + "!", note=XSS))
    client.force_login(people["editor"])
    for url in (reverse("safety_terms") + "?q=onerror", reverse("safety_term", args=[term.pk])):
        html = client.get(url).content.decode()
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html, url
        assert XSS not in html, html[html.find(XSS) - 300 : html.find(XSS) + 50]


def test_the_import_screen_reports_and_lists_bad_lines(client, people):
    client.force_login(people["security"])
    good = "后台导入甲二〇三〇\t后台导入乙\t常见错别字\t提醒确认\n再接再励\t再接再厉\t常见错别字\twarn\n"
    response = client.post(
        reverse("safety_import"),
        {"file": SimpleUploadedFile("词表.txt", good.encode("gbk")), "dry_run": "on"},
    )
    assert response.status_code == 200 and "将新增 1 条" in response.content.decode()
    assert not Term.objects.filter(term="后台导入甲二〇三〇").exists()
    response = client.post(reverse("safety_import"), {"file": SimpleUploadedFile("词表.txt", good.encode())})
    assert (
        "已新增 1 条" in response.content.decode() and Term.objects.filter(term="后台导入甲二〇三〇").exists()
    )
    bad = f"{XSS}\t\t没有的类别\n好\t\n"
    response = client.post(reverse("safety_import"), {"file": SimpleUploadedFile("bad.txt", bad.encode())})
    html = response.content.decode()
    assert (
        response.status_code == 400 and "第 1 行" in html and "第 2 行" in html and "未导入任何内容" in html
    )
    big = SimpleUploadedFile("big.txt", b"a" * (6 * 1024 * 1024))
    response = client.post(reverse("safety_import"), {"file": big})
    assert response.status_code == 400 and "过大" in response.content.decode()
    assert client.post(reverse("safety_import"), {}).status_code == 400


def test_the_text_check_marks_the_places(client, people):
    client.force_login(people["editor"])
    text = f"<p>热烈庆祝中華人民共合國成立</p><p>{XSS}再接再励</p>"
    response = client.post(reverse("safety_check"), {"text": text})
    html = response.content.decode()
    assert response.status_code == 200 and "禁止发布 1 处，提醒确认 1 处" in html
    assert "庆祝【中华人民共合国】成立" in html and "“再接再励”应为“再接再厉”" in html and XSS not in html
    clean = client.post(reverse("safety_check"), {"text": "宿迁市人民政府"})
    assert "未发现问题。" in clean.content.decode()
    too_long = client.post(reverse("safety_check"), {"text": "字" * 200_001})
    assert too_long.status_code == 400 and "内容过长" in too_long.content.decode()


def test_the_menu_shows_editing_entries_to_administrators_only(client, people):
    client.force_login(people["editor"])
    shown = menu(client.get(reverse("safety_terms")))
    assert "内容安全" in shown and "文字检查" in shown and "导入词表" not in shown and "添加词条" not in shown
    client.force_login(people["security"])
    shown = menu(client.get(reverse("safety_terms")))
    assert "导入词表" in shown and "添加词条" in shown
