"""Every step of a work order through its service, every refusal, across units: submit → review (accept,
return, merge) → dispatch → start → fix → confirm or reopen; 修改 before dispatch recorded field by field;
withdrawal; files; the audit log entry of each step; hostile input refused with Chinese messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from wagtail.models import ModelLogEntry

from huimin.workorders import deadlines, services
from huimin.workorders.enums import Action, Assignee, Closure, Level, Priority, Source, State
from huimin.workorders.models import WorkOrder, WorkOrderFile, WorkOrderKind
from huimin.workorders.services import WorkOrderError
from huimin.workorders.tests.factories import (
    NOW,
    accepted,
    at,
    dispatched,
    fixed,
    png_upload,
    submitted,
    world,
)

pytestmark = pytest.mark.django_db
XSS = '<script>alert("工单")</script><img src=x onerror=alert(1)>'
SQLISH = "'; DROP TABLE huimin_workorders_workorder; --"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return world()


def _actions(order) -> list[str]:
    return list(order.events.values_list("action", flat=True))


def _entries(order):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(WorkOrder), object_id=str(order.pk)
    )


def _logged(order) -> list[str]:
    return list(
        _entries(order)
        .filter(action__startswith="huimin_workorders.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- submit ----------------------------------------------------------------------------------------------


def test_it_submits_an_order_for_the_requesters_unit_with_its_time_limit(people):
    order = submitted(people, priority=Priority.NORMAL, uploads=[png_upload()])
    assert order.state == State.SUBMITTED and order.source == Source.MANUAL
    assert order.unit == people.unit and order.site == people.site and order.requester == people.requester
    assert order.number == "GD20300304-0001"
    assert order.clock_from == NOW
    # 内容更正, 一般: 14 working hours from Monday 10:00 (8:30-12:00, 14:00-17:30) → Wednesday 10:00.
    assert order.due_at == at("2030-03-06 10:00")
    assert order.warn_at == at("2030-03-05 16:12")  # 80 %: 11.2 working hours
    assert deadlines.level(order, NOW) == Level.NORMAL
    stored = order.files.get()
    assert stored.role == WorkOrderFile.Role.REQUEST and stored.kind == "png" and stored.name == "截图.png"
    assert stored.file.storage.exists(stored.file.name)
    assert _actions(order) == [Action.SUBMIT]
    assert _logged(order) == ["huimin_workorders.submit"]
    entry = _entries(order).get()
    assert entry.user_id == people.requester.pk and entry.data["status"] == "待审核"
    assert entry.data["number"] == order.number


def test_numbers_count_per_day(people):
    first = submitted(people)
    second = submitted(people)
    next_day = submitted(people, now=NOW + timedelta(days=1))
    assert (first.number, second.number) == ("GD20300304-0001", "GD20300304-0002")
    assert next_day.number == "GD20300305-0001"


def test_a_platform_admin_submits_for_any_site_in_the_sites_own_unit(people):
    order = submitted(people, site=people.other_site, actor=people.platform)
    assert order.unit == people.other_unit and order.requester == people.platform


@pytest.mark.parametrize("who", ["stranger", "nobody", "vendor"])
def test_people_without_a_role_on_the_site_cannot_submit(people, who):
    with pytest.raises(PermissionDenied, match="没有岗位"):
        submitted(people, actor=getattr(people, who))


def test_the_page_is_found_from_the_url_of_the_site(people):
    order = submitted(people, url=f"http://{people.site.hostname}/")
    assert order.page_id == people.site.root_page_id
    elsewhere = submitted(people, url="https://www.example.com/")
    assert elsewhere.page is None and elsewhere.url == "https://www.example.com/"
    path_only = submitted(people, url="/")
    assert path_only.page_id == people.site.root_page_id


def test_missing_fields_are_refused_field_by_field(people):
    with pytest.raises(ValidationError) as refused:
        submitted(people, title="  ", description="", priority="", kind="no-such-kind")
    errors = refused.value.message_dict
    assert errors["title"] == ["请填写标题。"] and errors["description"] == ["请填写问题描述。"]
    assert errors["priority"] == ["请选择紧急程度。"] and errors["kind"] == ["请选择工单类型。"]


def test_control_characters_oversized_text_and_bad_urls_are_refused_in_chinese(people):
    with pytest.raises(ValidationError) as refused:
        submitted(
            people,
            title="x" * 101,
            description="网页\x00有错",
            url="javascript:alert(1)",
        )
    errors = refused.value.message_dict
    assert errors["title"] == ["标题最多 100 个字（现有 101 个字）。"]
    assert "控制字符" in errors["description"][0]
    assert "http://" in errors["url"][0]


def test_hostile_text_is_stored_verbatim(people):
    order = submitted(people, title=XSS[:100], description=SQLISH)
    order.refresh_from_db()
    assert order.title == XSS[:100] and order.description == SQLISH


def test_a_retired_kind_cannot_be_chosen(people):
    retired = WorkOrderKind.objects.create(
        code="wo-retired",
        name="停用类型",
        urgent_hours=1,
        high_hours=2,
        normal_hours=3,
        low_hours=4,
        active=False,
    )
    with pytest.raises(ValidationError, match="已停用"):
        submitted(people, kind=retired)


def test_uploads_are_checked_like_letters_attachments(people):
    big = SimpleUploadedFile(
        "大文件.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    gbk = SimpleUploadedFile("说明.docx", "网站首页有错别字".encode("gbk"), content_type="application/msword")
    with pytest.raises(ValidationError) as refused:
        submitted(people, uploads=[big, gbk])
    messages = refused.value.message_dict["uploads"]
    assert any("超过" in message and "MB" in message for message in messages)
    assert any("内容与其类型不符" in message for message in messages)


@override_settings(HUIMIN_LETTER_ATTACHMENT_MAX_FILES=2)
def test_too_many_files_are_refused(people):
    with pytest.raises(ValidationError, match="最多 2 个"):
        submitted(people, uploads=[png_upload(), png_upload(), png_upload()])


# --- 修改 ------------------------------------------------------------------------------------------------


def test_the_requester_edits_before_dispatch_and_each_change_is_recorded(people):
    order = submitted(people)
    later = NOW + timedelta(hours=1)
    order = services.edit(
        order,
        people.requester,
        changes={"title": "首页通知公告错别字（已核实）", "priority": Priority.URGENT, "kind": people.kind},
        uploads=[png_upload("补充截图.png")],
        now=later,
    )
    event = order.events.get(action=Action.EDIT)
    assert set(event.changes) == {"标题", "紧急程度"}
    assert event.changes["紧急程度"] == ["一般", "紧急"]
    assert event.changes["标题"][0].startswith("测试工单")
    assert event.changes["标题"][1] == "首页通知公告错别字（已核实）"
    assert "补充截图.png" in event.note
    assert order.files.count() == 1
    # 紧急 内容更正: 2 working hours from the submission (the clock does not restart), Monday 12:00.
    assert order.state == State.SUBMITTED and order.due_at == at("2030-03-04 12:00")
    entry = _entries(order).get(action="huimin_workorders.edit")
    assert entry.data["changed"]["紧急程度"] == ["一般", "紧急"]


def test_a_colleague_of_the_unit_may_edit_but_another_unit_may_not(people):
    order = submitted(people)
    services.edit(order, people.colleague, changes={"description": "补充：第三条也有错。"}, now=NOW)
    for outsider in (people.stranger, people.other_admin, people.vendor, people.nobody):
        with pytest.raises(PermissionDenied):
            services.edit(order, outsider, changes={"title": "改掉"}, now=NOW)


def test_editing_without_a_change_is_refused(people):
    order = submitted(people)
    with pytest.raises(WorkOrderError, match="没有修改任何内容"):
        services.edit(order, people.requester, changes={"title": order.title}, now=NOW)


def test_fields_beyond_the_editable_ones_cannot_be_changed(people):
    order = submitted(people)
    with pytest.raises(ValidationError, match="不能修改"):
        services.edit(order, people.requester, changes={"state": State.CLOSED}, now=NOW)


def test_edits_are_validated_like_submissions(people):
    order = submitted(people)
    with pytest.raises(ValidationError) as refused:
        services.edit(order, people.requester, changes={"title": "", "description": "a\x00b"}, now=NOW)
    assert set(refused.value.message_dict) == {"title", "description"}


def test_no_edit_after_dispatch(people):
    order = dispatched(people)
    with pytest.raises(WorkOrderError, match="派发后不能再修改"):
        services.edit(order, people.requester, changes={"title": "新标题"}, now=NOW)


def test_editing_a_returned_order_submits_it_again_with_a_fresh_clock(people):
    order = submitted(people)
    order = services.return_order(order, people.site_admin, reason="请写明哪一条通知。", now=NOW)
    assert order.state == State.RETURNED and order.return_reason == "请写明哪一条通知。"
    assert deadlines.level(order, NOW + timedelta(days=30)) == Level.NORMAL  # returned: the clock stops
    resubmitted_at = at("2030-03-05 09:00")
    order = services.edit(
        order, people.requester, changes={"description": "第二条通知“宿千市”。"}, now=resubmitted_at
    )
    assert order.state == State.SUBMITTED and order.clock_from == resubmitted_at
    assert order.return_reason == ""
    assert order.due_at == at("2030-03-07 09:00")
    event = order.events.get(action=Action.EDIT)
    assert (event.from_state, event.to_state) == (State.RETURNED, State.SUBMITTED)
    assert "重新提交审核" in event.note


def test_orders_from_findings_cannot_be_edited(people):
    order = _from_findings(people)
    with pytest.raises(WorkOrderError, match="自动生成"):
        services.edit(order, people.site_admin, changes={"title": "x"}, now=NOW)


# --- review ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["site_admin", "platform"])
def test_the_sites_administrator_or_the_platform_accepts(people, who):
    order = services.accept(submitted(people), getattr(people, who), now=NOW)
    assert order.state == State.ACCEPTED and order.reviewed_by == getattr(people, who)
    assert order.reviewed_at == NOW
    assert _logged(order) == ["huimin_workorders.submit", "huimin_workorders.accept"]


@pytest.mark.parametrize("who", ["requester", "colleague", "leader", "other_admin", "stranger", "vendor"])
def test_nobody_else_reviews(people, who):
    order = submitted(people)
    actor = getattr(people, who)
    for step in (
        lambda: services.accept(order, actor, now=NOW),
        lambda: services.return_order(order, actor, reason="不对", now=NOW),
        lambda: services.merge(order, actor, duplicate_of=submitted(people), now=NOW),
    ):
        with pytest.raises(PermissionDenied, match="站点管理员或平台管理员"):
            step()


def test_review_only_from_submitted(people):
    order = accepted(people)
    with pytest.raises(WorkOrderError, match="待派发"):
        services.accept(order, people.site_admin, now=NOW)
    with pytest.raises(WorkOrderError):
        services.return_order(order, people.site_admin, reason="x", now=NOW)


def test_a_return_needs_a_reason(people):
    with pytest.raises(ValidationError) as refused:
        services.return_order(submitted(people), people.site_admin, reason=" ", now=NOW)
    assert refused.value.message_dict == {"reason": ["请填写理由。"]}


def test_merge_closes_a_duplicate_into_an_open_order_of_the_same_site(people):
    target = accepted(people)
    order = services.merge(submitted(people), people.site_admin, duplicate_of=target, now=NOW)
    assert order.state == State.MERGED and order.duplicate_of == target and order.closed_at == NOW
    assert target.events.filter(action=Action.MERGE).exists()
    assert order.number in target.events.get(action=Action.MERGE).note


def test_merge_refusals(people):
    order = submitted(people)
    elsewhere = submitted(people, site=people.other_site, actor=people.stranger)
    closed = services.withdraw(submitted(people), people.requester, reason="提交错了", now=NOW)
    cases = ((order, "自身"), (elsewhere, "同一网站"), (closed, "已撤销"))
    for target, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.merge(order, people.site_admin, duplicate_of=target, now=NOW)


# --- dispatch, start, fix --------------------------------------------------------------------------------


def test_the_platform_dispatches_to_itself_or_to_a_vendor_and_may_dispatch_again(people):
    order = services.dispatch(
        accepted(people), people.platform, assignee_kind=Assignee.VENDOR, assignee=people.vendor, now=NOW
    )
    assert order.state == State.DISPATCHED and order.assignee == people.vendor and order.dispatched_at == NOW
    assert "外包服务商" in order.events.get(action=Action.DISPATCH).note
    order = services.start(order, people.vendor, now=NOW)
    order = services.dispatch(
        order, people.platform, assignee_kind=Assignee.PLATFORM, assignee=people.platform2, now=NOW
    )
    assert order.state == State.DISPATCHED and order.assignee == people.platform2 and order.started_at is None
    assert "改派" in order.events.filter(action=Action.DISPATCH).last().note


@pytest.mark.parametrize("who", ["site_admin", "requester", "vendor", "other_admin"])
def test_only_platform_admins_dispatch(people, who):
    with pytest.raises(PermissionDenied, match="平台管理员"):
        services.dispatch(
            accepted(people),
            getattr(people, who),
            assignee_kind=Assignee.PLATFORM,
            assignee=people.platform,
            now=NOW,
        )


def test_dispatch_refuses_anyone_but_a_platform_admin_or_an_active_vendor(people):
    order = accepted(people)
    cases = (
        (Assignee.PLATFORM, people.site_admin, "须是平台管理员"),
        (Assignee.PLATFORM, people.vendor, "须是平台管理员"),
        (Assignee.VENDOR, people.idle_vendor, "不是可派发"),
        (Assignee.VENDOR, people.platform, "不是可派发"),
        ("somebody", people.platform, "请选择承办方"),
        (Assignee.PLATFORM, None, "请选择承办人"),
    )
    for kind, assignee, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.dispatch(order, people.platform, assignee_kind=kind, assignee=assignee, now=NOW)


def test_dispatch_needs_an_accepted_order_and_a_new_hand(people):
    with pytest.raises(WorkOrderError, match="待审核"):
        services.dispatch(
            submitted(people),
            people.platform,
            assignee_kind=Assignee.PLATFORM,
            assignee=people.platform,
            now=NOW,
        )
    order = dispatched(people)
    with pytest.raises(WorkOrderError, match="已派发给该承办人"):
        services.dispatch(
            order, people.platform, assignee_kind=Assignee.PLATFORM, assignee=people.platform, now=NOW
        )


def test_only_the_assignee_starts_and_fixes(people):
    order = dispatched(people, to_vendor=True)
    for outsider in (people.platform, people.requester, people.site_admin, people.idle_vendor):
        with pytest.raises(PermissionDenied, match="承办人"):
            services.start(order, outsider, now=NOW)
        with pytest.raises(PermissionDenied, match="承办人"):
            services.fix(order, outsider, note="好了", now=NOW)
    order = services.start(order, people.vendor, now=NOW)
    assert order.state == State.IN_PROGRESS and order.started_at == NOW
    with pytest.raises(WorkOrderError, match="处理中"):
        services.start(order, people.vendor, now=NOW)


def test_fixing_needs_a_note_and_keeps_the_evidence(people):
    order = dispatched(people)
    with pytest.raises(ValidationError) as refused:
        services.fix(order, people.platform, note="", now=NOW)
    assert refused.value.message_dict == {"note": ["请填写处理情况。"]}
    later = NOW + timedelta(hours=2)
    order = services.fix(
        order, people.platform, note="已更正。", uploads=[png_upload("更正后.png")], now=later
    )
    assert order.state == State.FIXED and order.fixed_at == later and order.fix_note == "已更正。"
    assert order.started_at == later  # fixed straight from 已派发
    assert order.files.get().role == WorkOrderFile.Role.FIX
    # Fixed: the clock stops, whatever the time.
    assert deadlines.level(order, later + timedelta(days=60)) == Level.NORMAL


def test_the_clock_levels_follow_the_time_limit(people):
    order = dispatched(people)
    assert deadlines.level(order, at("2030-03-05 16:11")) == Level.NORMAL
    assert deadlines.level(order, at("2030-03-05 16:12")) == Level.WARNING
    assert deadlines.level(order, at("2030-03-06 10:01")) == Level.OVERDUE


# --- confirm, reopen, withdraw -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["requester", "colleague"])
def test_the_requesters_side_confirms(people, who):
    order = services.confirm(fixed(people), getattr(people, who), now=NOW)
    assert order.state == State.CLOSED and order.closure == Closure.CONFIRMED and order.closed_at == NOW


@pytest.mark.parametrize("who", ["platform", "stranger", "other_admin", "vendor"])
def test_others_do_not_confirm_or_reopen_a_manual_order(people, who):
    order = fixed(people)
    with pytest.raises(PermissionDenied, match="提交人或同单位"):
        services.confirm(order, getattr(people, who), now=NOW)
    with pytest.raises(PermissionDenied, match="提交人或同单位"):
        services.reopen(order, getattr(people, who), reason="没改好", now=NOW)


def test_confirm_only_when_fixed(people):
    with pytest.raises(WorkOrderError, match="已派发"):
        services.confirm(dispatched(people), people.requester, now=NOW)


def test_reopening_sends_it_back_to_the_assignee_with_a_fresh_clock(people):
    order = fixed(people, to_vendor=True)
    with pytest.raises(ValidationError):
        services.reopen(order, people.requester, reason="", now=NOW)
    again = at("2030-03-05 09:00")
    order = services.reopen(order, people.requester, reason="第三条仍未更正。", now=again)
    assert order.state == State.DISPATCHED and order.assignee == people.vendor
    assert order.reopened == 1 and order.fixed_at is None and order.clock_from == again
    assert order.due_at == at("2030-03-07 09:00")
    assert order.events.last().note == "第三条仍未更正。"
    order = services.fix(order, people.vendor, note="全部更正。", now=again)
    order = services.confirm(order, people.requester, now=again)
    assert order.state == State.CLOSED
    assert _actions(order) == [
        Action.SUBMIT,
        Action.ACCEPT,
        Action.DISPATCH,
        Action.FIX,
        Action.REOPEN,
        Action.FIX,
        Action.CONFIRM,
    ]
    assert _logged(order) == [f"huimin_workorders.{action}" for action in _actions(order)]


def test_the_requester_withdraws_before_dispatch_only(people):
    order = services.withdraw(submitted(people), people.requester, reason="问题已自行解决。", now=NOW)
    assert order.state == State.WITHDRAWN and order.closed_at == NOW
    with pytest.raises(WorkOrderError, match="派发后不能撤销"):
        services.withdraw(dispatched(people), people.requester, reason="不需要了", now=NOW)
    with pytest.raises(PermissionDenied):
        services.withdraw(submitted(people), people.stranger, reason="不需要了", now=NOW)
    with pytest.raises(ValidationError):
        services.withdraw(submitted(people), people.requester, reason="", now=NOW)


# --- orders from findings ------------------------------------------------------------------------------


def _from_findings(people, findings=None):
    return services.sync_findings(
        people.site,
        source=Source.PATROL,
        problem="broken_link",
        kind_code="correction",
        title="错误链接",
        findings=findings or [{"url": f"http://{people.site.hostname}/a/", "evidence": "404"}],
        now=NOW,
    )


def test_orders_from_findings_are_confirmed_and_withdrawn_by_the_sites_reviewers(people):
    order = _from_findings(people)
    assert order.state == State.ACCEPTED and order.requester is None and order.unit == people.unit
    order = services.dispatch(
        order, people.platform, assignee_kind=Assignee.PLATFORM, assignee=people.platform, now=NOW
    )
    order = services.fix(order, people.platform, note="链接已修正。", now=NOW)
    with pytest.raises(PermissionDenied, match="站点管理员或平台管理员"):
        services.confirm(order, people.requester, now=NOW)
    order = services.reopen(order, people.site_admin, reason="还有一处。", now=NOW)
    with pytest.raises(PermissionDenied, match="站点管理员或平台管理员"):
        services.withdraw(order, people.colleague, reason="不管了", now=NOW)
    order = services.withdraw(order, people.site_admin, reason="该页面已下线，无需处理。", now=NOW)
    assert order.state == State.WITHDRAWN


def test_a_merged_order_from_findings_stays_closed_when_the_problem_is_seen_again(people):
    keep = _from_findings(people)
    other = services.sync_findings(
        people.site,
        source=Source.PATROL,
        problem="dark_link",
        kind_code="security",
        title="暗链",
        findings=[{"url": f"http://{people.site.hostname}/", "evidence": "隐藏链接"}],
        now=NOW,
    )
    services.merge(other, people.site_admin, duplicate_of=keep, now=NOW)
    again = services.sync_findings(
        people.site,
        source=Source.PATROL,
        problem="dark_link",
        kind_code="security",
        title="暗链",
        findings=[{"url": f"http://{people.site.hostname}/b/", "evidence": "隐藏链接"}],
        now=NOW + timedelta(days=1),
    )
    assert again.state == State.MERGED and again.reopened == 0
    assert again.findings[0]["url"].endswith("/b/")


# --- files -------------------------------------------------------------------------------------------------


def test_files_are_added_by_the_requesters_side_and_evidence_by_the_assignee(people):
    order = dispatched(people, to_vendor=True)
    services.add_files(order, people.colleague, [png_upload("又一处.png")], now=NOW)
    services.add_files(order, people.vendor, [png_upload("处理中.png")], role=WorkOrderFile.Role.FIX, now=NOW)
    assert sorted(order.files.values_list("role", flat=True)) == ["fix", "request"]
    assert order.events.filter(action=Action.ATTACH).count() == 2
    with pytest.raises(PermissionDenied):
        services.add_files(order, people.stranger, [png_upload()], now=NOW)
    with pytest.raises(PermissionDenied, match="承办人"):
        services.add_files(order, people.requester, [png_upload()], role=WorkOrderFile.Role.FIX, now=NOW)
    with pytest.raises(ValidationError, match="请选择要上传的文件"):
        services.add_files(order, people.requester, [], now=NOW)


def test_a_failed_step_leaves_no_file_behind(people, monkeypatch):
    storage = WorkOrderFile._meta.get_field("file").storage
    before = _stored_names(storage)

    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(services, "_event", broken)
    with pytest.raises(RuntimeError):
        submitted(people, uploads=[png_upload()])
    assert _stored_names(storage) == before
    assert not WorkOrder.objects.filter(site=people.site).exists()  # and no order either


def _stored_names(storage) -> set[str]:
    names = set()
    folders = [""]
    while folders:
        folder = folders.pop()
        subfolders, files = storage.listdir(folder)
        names |= {f"{folder}/{name}" for name in files}
        folders += [f"{folder}/{sub}".lstrip("/") for sub in subfolders]
    return names


# --- vendor accounts ---------------------------------------------------------------------------------------


def test_a_vendor_account_opens_the_admin_while_active(people):
    assert people.vendor.has_perm("wagtailadmin.access_admin")
    from django.contrib.auth import get_user_model

    idle = get_user_model().objects.get(pk=people.idle_vendor.pk)
    assert not idle.has_perm("wagtailadmin.access_admin")
    with pytest.raises(PermissionDenied):
        services.save_vendor_account(people.vendor.vendor_account, people.site_admin)
