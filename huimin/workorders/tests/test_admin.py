"""The screens of 网站工单 in the admin: the list, 提交工单 with its refusals in Chinese, an order's screen
with only the allowed steps, 修改, the files, the 督办看板, 工单类型 and 外包服务商账号, and the 工作台
panels. Another unit's people get 404 at the screen, every step and every file."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import ModelLogEntry

from huimin.core.audit import READ
from huimin.workorders import services
from huimin.workorders.enums import Action, State
from huimin.workorders.models import VendorAccount, WorkOrder
from huimin.workorders.tests.factories import (
    NOW,
    accepted,
    dispatched,
    fixed,
    png_bytes,
    png_upload,
    submitted,
    world,
)

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script>'
LIST = "/admin/workorders/"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return world()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def as_(client, user):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(user)
    return client


def _text(response) -> str:
    """The visible text of the page's main area (tags and scripts removed)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _detail(order) -> str:
    return reverse("workorders_detail", args=[order.pk])


# --- the list ---------------------------------------------------------------------------------------------


def test_the_list_shows_the_units_orders_with_levels_in_words(client, people):
    order = submitted(people, title=XSS)
    other = submitted(people, site=people.other_site, actor=people.stranger, title="乙网站的工单")
    response = as_(client, people.requester).get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert order.number in body and other.number not in body
    assert XSS not in body and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    text = _text(response)
    assert "待审核" in text and "正常" in text and "剩余 2 个工作日" in text
    for code in ("submitted", "normal", "correction", "manual"):
        assert f" {code} " not in text


def test_the_list_has_an_empty_state_and_filters(client, people):
    response = as_(client, people.requester).get(LIST)
    assert "还没有工单" in _text(response)
    submitted(people)
    response = client.get(LIST, {"level": "overdue"})
    assert "没有符合条件的工单" in _text(response) and "清除筛选" in _text(response)


def test_people_without_a_part_cannot_open_the_list(client, people):
    response = as_(client, people.idle_vendor).get(LIST)
    assert response.status_code in (302, 403)
    client.logout()
    assert client.get(LIST).status_code == 302


# --- 提交工单 ------------------------------------------------------------------------------------------


def _form(people, **overrides):
    data = {
        "site": str(people.site.pk),
        "kind": str(people.kind.pk),
        "priority": "normal",
        "title": "信息公开栏目打不开",
        "description": "点击“政府信息公开”栏目后页面空白。",
        "url": f"http://{people.site.hostname}/",
    }
    data.update(overrides)
    return data


def test_submitting_opens_an_order_and_shows_it(client, people):
    response = as_(client, people.requester).post(
        reverse("workorders_submit"), {**_form(people), "files": [png_upload()]}
    )
    order = WorkOrder.objects.get(title="信息公开栏目打不开")
    assert response.status_code == 302 and response["Location"] == _detail(order)
    assert order.requester == people.requester and order.files.count() == 1
    assert order.page_id == people.site.root_page_id
    page = client.get(_detail(order))
    assert "已提交工单" in _text(page) and "截图.png" in _text(page)


def test_the_submit_form_offers_only_the_persons_sites(client, people):
    response = as_(client, people.requester).get(reverse("workorders_submit"), {"site": people.other_site.pk})
    body = response.content.decode()
    assert "工单测试网站甲" in body and "工单测试网站乙" not in body
    response = client.post(reverse("workorders_submit"), _form(people, site=str(people.other_site.pk)))
    assert response.status_code == 400 and "请从列表中选择。" in _text(response)
    assert not WorkOrder.objects.filter(site=people.other_site).exists()


def test_submitting_with_missing_fields_says_what_is_missing(client, people):
    response = as_(client, people.requester).post(reverse("workorders_submit"), {"site": str(people.site.pk)})
    assert response.status_code == 400
    text = _text(response)
    assert "工单未能提交" in text and text.count("请填写此项。") >= 3


def test_nul_and_oversized_text_are_refused_in_chinese(client, people):
    response = as_(client, people.requester).post(
        reverse("workorders_submit"), _form(people, description="页面\x00空白", title="长" * 101)
    )
    assert response.status_code == 400
    text = _text(response)
    assert "控制字符" in text and "最多 100 个字" in text
    assert not WorkOrder.objects.filter(site=people.site).exists()


def test_hostile_files_are_refused(client, people):
    big = SimpleUploadedFile("大.png", png_bytes() + b"\0" * (10 * 1024 * 1024), content_type="image/png")
    gbk = SimpleUploadedFile("说明.docx", "页面空白".encode("gbk"), content_type="application/msword")
    response = as_(client, people.requester).post(
        reverse("workorders_submit"), {**_form(people), "files": [big, gbk]}
    )
    assert response.status_code == 400
    text = _text(response)
    assert "超过" in text and "内容与其类型不符" in text
    assert not WorkOrder.objects.filter(site=people.site).exists()


def test_sql_like_text_is_stored_as_typed(client, people):
    title = "'; DROP TABLE huimin_workorders_workorder; --"
    as_(client, people.requester).post(reverse("workorders_submit"), _form(people, title=title))
    assert WorkOrder.objects.filter(title=title).exists()


def test_people_without_a_site_role_cannot_submit(client, people):
    response = as_(client, people.vendor).get(reverse("workorders_submit"))
    assert response.status_code in (302, 403)


# --- an order's screen ------------------------------------------------------------------------------------


def test_the_site_admin_sees_the_review_forms_and_accepts(client, people):
    order = submitted(people, uploads=[png_upload()])
    response = as_(client, people.site_admin).get(_detail(order))
    assert response.status_code == 200
    body = response.content.decode()
    for action in ("accept", "return", "merge"):
        assert f'id="action-{action}"' in body
    assert 'id="action-dispatch"' not in body
    response = client.post(_detail(order), {"action": "accept"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.ACCEPTED


def test_a_step_the_person_may_not_take_is_refused_on_its_form(client, people):
    order = submitted(people)
    response = as_(client, people.requester).post(_detail(order), {"action": "accept"})
    assert response.status_code == 403
    assert "只有该网站的站点管理员或平台管理员可以审核工单" in _text(response)
    assert client.post(_detail(order), {"action": "no-such-step"}).status_code == 404


def test_a_return_without_a_reason_stays_on_the_screen(client, people):
    order = submitted(people)
    response = as_(client, people.site_admin).post(_detail(order), {"action": "return", "reason": ""})
    assert response.status_code == 400 and "“退回”未能办理" in _text(response)
    response = client.post(_detail(order), {"action": "return", "reason": "请写明是哪一条通知。"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.RETURNED


def test_merging_needs_a_number_of_an_order_the_person_can_see(client, people):
    order = submitted(people)
    target = accepted(people)
    elsewhere = submitted(people, site=people.other_site, actor=people.stranger)
    as_(client, people.site_admin)
    response = client.post(_detail(order), {"action": "merge", "number": elsewhere.number})
    assert response.status_code == 400 and f"没有找到编号为“{elsewhere.number}”的工单" in _text(response)
    response = client.post(_detail(order), {"action": "merge", "number": target.number.lower()})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.MERGED and order.duplicate_of == target


def test_the_platform_dispatches_from_the_screen(client, people):
    order = accepted(people)
    as_(client, people.platform)
    page = client.get(_detail(order)).content.decode()
    assert (
        f'value="vendor:{people.vendor.pk}"' in page and f'value="vendor:{people.idle_vendor.pk}"' not in page
    )
    response = client.post(
        _detail(order), {"action": "dispatch", "assignee": f"platform:{people.site_admin.pk}"}
    )
    assert response.status_code == 400 and "请从列表中选择。" in _text(response)
    response = client.post(_detail(order), {"action": "dispatch", "assignee": f"vendor:{people.vendor.pk}"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.DISPATCHED and order.assignee == people.vendor


def test_the_vendor_starts_fixes_with_evidence_and_the_requester_confirms(client, people):
    order = dispatched(people, to_vendor=True)
    as_(client, people.vendor)
    assert client.post(_detail(order), {"action": "start"}).status_code == 302
    response = client.post(_detail(order), {"action": "fix", "note": "", "files": [png_upload("完成.png")]})
    assert response.status_code == 400 and "请填写此项。" in _text(response)
    response = client.post(
        _detail(order), {"action": "fix", "note": "已修复栏目。", "files": [png_upload("完成.png")]}
    )
    assert response.status_code == 302
    as_(client, people.requester)
    page = _text(client.get(_detail(order)))
    assert "已修复栏目。" in page and "完成.png" in page and "确认办结" in page
    assert client.post(_detail(order), {"action": "confirm"}).status_code == 302
    order.refresh_from_db()
    assert order.state == State.CLOSED


def test_the_history_shows_each_step_and_each_change(client, people):
    order = submitted(people)
    services.edit(order, people.requester, changes={"title": "新的标题"}, now=NOW)
    text = _text(as_(client, people.requester).get(_detail(order)))
    assert "提交工单" in text and "修改工单" in text
    assert "标题：由“测试工单" in text and "改为“新的标题”" in text


def test_an_order_from_findings_shows_its_findings_safely(client, people):
    order = services.sync_findings(
        people.site,
        source="patrol",
        problem="broken_link",
        kind_code="correction",
        title="错误链接",
        findings=[
            {"url": "javascript:alert(1)", "evidence": XSS, "severity": "deduct"},
            {"url": f"http://{people.site.hostname}/a/", "evidence": "404", "severity": "weird"},
        ],
        now=NOW,
    )
    response = as_(client, people.site_admin).get(_detail(order))
    body = response.content.decode()
    assert 'href="javascript:' not in body and XSS not in body
    text = _text(response)
    assert "问题明细" in text and "扣分" in text and "日常巡查" in text and "weird" not in text


# --- 修改 ------------------------------------------------------------------------------------------------


def test_the_requester_edits_on_the_edit_screen(client, people):
    order = submitted(people)
    url = reverse("workorders_edit", args=[order.pk])
    page = as_(client, people.requester).get(url)
    assert page.status_code == 200 and order.title in page.content.decode()
    data = {
        "kind": str(order.kind_id),
        "priority": "urgent",
        "title": order.title,
        "description": order.description,
        "url": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.priority == "urgent"
    assert order.events.get(action=Action.EDIT).changes == {"紧急程度": ["一般", "紧急"]}
    response = client.post(url, data)
    assert response.status_code == 400 and "没有修改任何内容" in _text(response)


def test_no_edit_screen_after_dispatch_or_for_others(client, people):
    order = dispatched(people)
    url = reverse("workorders_edit", args=[order.pk])
    response = as_(client, people.requester).get(url)
    assert response.status_code == 302 and response["Location"] == _detail(order)
    fresh = submitted(people)
    response = as_(client, people.platform).get(reverse("workorders_edit", args=[fresh.pk]))
    assert response.status_code in (302, 403)  # the platform reviews, it does not change a unit's order


# --- another unit: 404 everywhere ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["stranger", "other_admin", "vendor"])
def test_another_units_people_get_404_on_screen_steps_and_files(client, people, who):
    order = submitted(people, uploads=[png_upload()])
    stored = order.files.get()
    as_(client, getattr(people, who))
    assert client.get(_detail(order)).status_code == 404
    for action in ("accept", "return", "withdraw", "attach", "merge"):
        assert client.post(_detail(order), {"action": action, "reason": "x"}).status_code == 404
    assert client.get(reverse("workorders_edit", args=[order.pk])).status_code == 404
    assert client.post(reverse("workorders_edit", args=[order.pk]), {"title": "x"}).status_code == 404
    assert client.get(reverse("workorders_file", args=[order.pk, stored.pk])).status_code == 404
    order.refresh_from_db()
    assert order.state == State.SUBMITTED


def test_a_file_downloads_for_the_unit_and_the_read_is_recorded(client, people):
    order = submitted(people, uploads=[png_upload()])
    stored = order.files.get()
    response = as_(client, people.colleague).get(reverse("workorders_file", args=[order.pk, stored.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()
    entry = ModelLogEntry.objects.get(
        action=READ, content_type=ContentType.objects.get_for_model(WorkOrder), object_id=str(order.pk)
    )
    assert entry.user_id == people.colleague.pk and entry.data["file"] == stored.pk
    other = submitted(people, uploads=[png_upload()])
    wrong = reverse("workorders_file", args=[order.pk, other.files.get().pk])
    assert client.get(wrong).status_code == 404


# --- the board, the kinds, the vendors -------------------------------------------------------------------


def test_the_board_is_the_platforms(client, people):
    submitted(people, priority="urgent", now=NOW - timedelta(days=3))  # due last Friday
    response = as_(client, people.platform).get(reverse("workorders_board"))
    assert response.status_code == 200
    text = _text(response)
    assert "已超期" in text and "各单位未办结工单" in text and people.unit.name in text
    response = as_(client, people.site_admin).get(reverse("workorders_board"))
    assert response.status_code in (302, 403)


def test_the_kinds_and_their_time_limits_are_the_platforms_to_edit(client, people):
    response = as_(client, people.platform).get(reverse("workorder_kinds:index"))
    assert response.status_code == 200 and "内容更正" in response.content.decode()
    edit = reverse("workorder_kinds:edit", args=[people.kind.pk])
    assert client.get(edit).status_code == 200
    assert as_(client, people.site_admin).get(edit).status_code in (302, 403)


def test_a_vendor_account_made_on_the_screen_may_open_the_admin(client, people):
    user = get_user_model().objects.create_user("wo-new-vendor", password="x-Long-Password-1")
    response = as_(client, people.platform).post(
        reverse("workorder_vendors:add"),
        {"user": str(user.pk), "company": "宿迁某网络公司", "phone": "0527-80000000", "active": "on"},
    )
    assert response.status_code == 302, _text(response)
    assert VendorAccount.objects.get(user=user).company == "宿迁某网络公司"
    user = get_user_model().objects.get(pk=user.pk)
    assert user.has_perm("wagtailadmin.access_admin")
    assert as_(client, people.site_admin).get(reverse("workorder_vendors:add")).status_code in (302, 403)


# --- 工作台 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "heading"),
    [
        ("requester", "本单位工单"),
        ("site_admin", "待审核工单"),
        ("vendor", "待处理工单"),
        ("platform", "工单督办"),
    ],
)
def test_each_person_has_their_workbench_panel(client, people, who, heading):
    dispatched(people, to_vendor=True)
    submitted(people)
    fixed(people)
    response = as_(client, getattr(people, who)).get("/admin/")
    assert response.status_code == 200
    assert heading in _text(response)


def _menu(response) -> str:
    """The sidebar's menu (Wagtail sends it as JSON for its script), as text."""
    found = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.dumps(json.loads(found.group(1)), ensure_ascii=False)


def test_the_menu_offers_the_screens_by_role(client, people):
    menu = _menu(as_(client, people.requester).get(LIST))
    assert (
        "网站工单" in menu and "提交工单" in menu and "工单类型与时限" not in menu and "督办看板" not in menu
    )
    menu = _menu(as_(client, people.platform).get(LIST))
    assert "督办看板" in menu and "工单类型与时限" in menu and "外包服务商账号" in menu
    menu = _menu(as_(client, people.vendor).get(LIST))
    assert "工单列表" in menu and "提交工单" not in menu


def _kind_data(kind, **overrides):
    data = {
        "name": kind.name,
        "code": kind.code,
        "description": kind.description,
        "urgent_hours": str(kind.urgent_hours),
        "high_hours": str(kind.high_hours),
        "normal_hours": str(kind.normal_hours),
        "low_hours": str(kind.low_hours),
        "sort_order": str(kind.sort_order),
        "active": "on",
    }
    data.update(overrides)
    return data


def test_a_kinds_time_limits_must_be_positive_and_its_code_stays(client, people):
    edit = reverse("workorder_kinds:edit", args=[people.kind.pk])
    as_(client, people.platform)
    response = client.post(edit, _kind_data(people.kind, normal_hours="-1"))
    assert response.status_code == 200 and "办理时限须大于 0。" in _text(response)
    response = client.post(edit, _kind_data(people.kind, normal_hours="10.5", code="renamed"))
    assert response.status_code == 302
    people.kind.refresh_from_db()
    assert people.kind.normal_hours == 10.5 and people.kind.code == "correction"


def test_hostile_names_of_kinds_and_vendors_are_shown_escaped(client, people):
    as_(client, people.platform)
    response = client.post(
        reverse("workorder_kinds:add"),
        _kind_data(people.kind, name=XSS[:30], code="wo-hostile", description="'; DROP TABLE x; --"),
    )
    assert response.status_code == 302
    body = client.get(reverse("workorder_kinds:index")).content.decode()
    assert XSS[:30] not in body and "&lt;script&gt;" in body
    user = get_user_model().objects.create_user("wo-hostile-vendor", password="x-Long-Password-1")
    client.post(reverse("workorder_vendors:add"), {"user": str(user.pk), "company": XSS, "active": "on"})
    order = accepted(people)
    body = client.get(_detail(order)).content.decode()
    assert XSS not in body and "外包服务商：&lt;script&gt;" in body
