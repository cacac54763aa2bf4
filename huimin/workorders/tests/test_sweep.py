"""Reminders (`huimin workorders-sweep`): one e-mail per order and level (临期, 超期, 超期升级), to the
assignee, or before dispatch to the site's 站点管理员 and the platform team; never twice; an event and an
audit entry for each; a reopened order is reminded again."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from huimin.sites.enums import Role
from huimin.sites.models import Membership, SiteIdentity
from huimin.workdays.working_time import add_working_time
from huimin.workorders import deadlines, notify, reminders, services
from huimin.workorders.enums import Action, Assignee, Source, State
from huimin.workorders.models import WorkOrder

from .test_findings import T0, make_site


@pytest.fixture(autouse=True)
def _only_this_tests_orders(db):
    """Orders already in the database (the demo's, when it was built here) are set aside: reminded to the last
    level, so the sweep sees only what the test makes."""
    from huimin.workorders.models import WorkOrder

    WorkOrder.objects.update(reminded_level="escalated")


pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)
PLATFORM, SITE_ADMIN, FIXER = "wo-platform@example.cn", "wo-siteadmin@example.cn", "wo-fixer@example.cn"


@pytest.fixture
def people():
    users = get_user_model()
    site = make_site("wo-sweep.localhost")
    unit = SiteIdentity.objects.get(site=site).org_unit
    platform = users.objects.create_superuser("wo-sweep-platform", email=PLATFORM, password=None)
    admin = users.objects.create_user("wo-sweep-siteadmin", email=SITE_ADMIN, password=None)
    Membership.objects.create(user=admin, org_unit=unit, site=site, role=Role.SITE_ADMIN)
    fixer = users.objects.create_user("wo-sweep-fixer", email=FIXER, password=None, first_name="修复人")
    return {"site": site, "platform": platform, "site_admin": admin, "fixer": fixer}


def open_order(site, now=T0, problem="broken_link") -> WorkOrder:
    return services.sync_findings(
        site,
        source=Source.PATROL,
        problem=problem,
        kind_code="correction",
        title="错误链接",
        findings=[{"url": "http://wo-sweep.localhost/", "evidence": "HTTP 404"}],
        now=now,
    )


def sweep_at(moment, capture) -> dict:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        out = StringIO()
        call_command("workorders-sweep", "--json", stdout=out)
    return json.loads(out.getvalue())


def escalation_time(order: WorkOrder):
    return add_working_time(deadlines.schedule(), order.due_at, deadlines.limit(order)).due


def test_each_level_is_announced_once_before_dispatch_to_site_admins_and_platform(
    people, django_capture_on_commit_callbacks
):
    order = open_order(people["site"])
    assert order.state == State.ACCEPTED and order.warn_at < order.due_at
    assert sweep_at(order.warn_at - MINUTE, django_capture_on_commit_callbacks) == {
        "warning": 0, "overdue": 0, "escalated": 0,
    }  # fmt: skip
    assert mail.outbox == []

    assert sweep_at(order.warn_at, django_capture_on_commit_callbacks)["warning"] == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"【网站工单临期】{order.number} 错误链接"
    assert {PLATFORM, SITE_ADMIN} <= set(message.to) and FIXER not in message.to
    assert order.number in message.body and "工单测试网站" in message.body
    assert f"http://127.0.0.1:8000/admin/workorders/{order.pk}/" in message.body
    assert f"办理期限：{notify.local_time(order.due_at)}" in message.body
    order.refresh_from_db()
    assert order.reminded_level == "warning"
    event = order.events.get(action=Action.REMIND)
    assert "临期" in event.note and event.actor_label == "系统"
    entry = ModelLogEntry.objects.filter(action="huimin_workorders.remind", object_id=str(order.pk)).get()
    assert entry.data["number"] == order.number

    # The same moment again, and later within the same level: nothing more.
    assert sweep_at(order.warn_at, django_capture_on_commit_callbacks)["warning"] == 0
    assert sweep_at(order.due_at - MINUTE, django_capture_on_commit_callbacks)["warning"] == 0
    assert len(mail.outbox) == 1

    assert sweep_at(order.due_at + MINUTE, django_capture_on_commit_callbacks)["overdue"] == 1
    assert sweep_at(order.due_at + 2 * MINUTE, django_capture_on_commit_callbacks)["overdue"] == 0
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("【网站工单超期】")

    late = escalation_time(order)
    assert (
        sweep_at(late, django_capture_on_commit_callbacks)["escalated"] == 0
    )  # not more than a whole limit yet
    assert sweep_at(late + MINUTE, django_capture_on_commit_callbacks)["escalated"] == 1
    assert sweep_at(late + 2 * MINUTE, django_capture_on_commit_callbacks) == {
        "warning": 0, "overdue": 0, "escalated": 0,
    }  # fmt: skip
    assert len(mail.outbox) == 3
    escalation = mail.outbox[2]
    assert escalation.subject.startswith("【网站工单超期升级】") and PLATFORM in escalation.to
    assert SITE_ADMIN not in escalation.to
    assert order.events.filter(action=Action.REMIND).count() == 3


def test_a_dispatched_order_reminds_its_assignee_only(people, django_capture_on_commit_callbacks):
    order = open_order(people["site"])
    WorkOrder.objects.filter(pk=order.pk).update(
        state=State.DISPATCHED, assignee=people["fixer"], assignee_kind=Assignee.PLATFORM, dispatched_at=T0
    )
    assert sweep_at(order.due_at + MINUTE, django_capture_on_commit_callbacks)["overdue"] == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [FIXER]
    assert "承办人：修复人" in mail.outbox[0].body
    order.refresh_from_db()
    assert order.reminded_level == "overdue"  # straight to overdue: the warning is not sent after it
    assert sweep_at(order.due_at + 2 * MINUTE, django_capture_on_commit_callbacks)["warning"] == 0


def test_an_assignee_without_an_address_falls_back_to_site_admins(people, django_capture_on_commit_callbacks):
    order = open_order(people["site"])
    people["fixer"].email = ""
    people["fixer"].save()
    WorkOrder.objects.filter(pk=order.pk).update(state=State.IN_PROGRESS, assignee=people["fixer"])
    sweep_at(order.warn_at, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and SITE_ADMIN in mail.outbox[0].to


def test_orders_whose_clock_stopped_are_not_reminded(people, django_capture_on_commit_callbacks):
    fixed = open_order(people["site"], problem="broken_link")
    closed = open_order(people["site"], problem="column_empty")
    WorkOrder.objects.filter(pk=fixed.pk).update(state=State.FIXED, fixed_at=T0)
    services.sync_findings(
        people["site"], source=Source.PATROL, problem="column_empty", kind_code="correction",
        title="空白栏目", findings=[], now=T0 + MINUTE,
    )  # fmt: skip
    closed.refresh_from_db()
    assert closed.state == State.CLOSED
    assert sweep_at(fixed.due_at + MINUTE, django_capture_on_commit_callbacks)["overdue"] == 0
    assert mail.outbox == []


def test_a_reopened_order_is_reminded_again(people, django_capture_on_commit_callbacks):
    order = open_order(people["site"])
    sweep_at(order.due_at + MINUTE, django_capture_on_commit_callbacks)
    later = order.due_at + timedelta(hours=1)
    services.sync_findings(
        people["site"], source=Source.PATROL, problem="broken_link", kind_code="correction",
        title="错误链接", findings=[], now=later,
    )  # fmt: skip
    reopened = open_order(people["site"], now=later + MINUTE)
    assert reopened.pk == order.pk and reopened.reopened == 1 and reopened.reminded_level == ""
    assert sweep_at(reopened.warn_at, django_capture_on_commit_callbacks)["warning"] == 1
    assert len(mail.outbox) == 2


def test_a_reminder_already_sent_by_another_sweep_is_not_sent_again(
    people, django_capture_on_commit_callbacks
):
    """The sweep decides on the locked row: what another sweep sent meanwhile counts."""
    order = open_order(people["site"])
    with django_capture_on_commit_callbacks(execute=True):
        reminders.remind(order, "warning", order.warn_at)
    assert len(mail.outbox) == 1
    assert sweep_at(order.warn_at + MINUTE, django_capture_on_commit_callbacks)["warning"] == 0
    assert len(mail.outbox) == 1


def test_the_sweep_says_in_chinese_when_there_is_nothing_to_do(people):
    with time_machine.travel(T0, tick=False):
        out = StringIO()
        call_command("workorders-sweep", stdout=out)
    assert out.getvalue().strip() == "网站工单：没有需要提醒的工单。"


def test_the_sweeps_text_output_counts_the_levels(people, django_capture_on_commit_callbacks):
    order = open_order(people["site"])
    with (
        time_machine.travel(order.due_at + MINUTE, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        out = StringIO()
        call_command("workorders-sweep", stdout=out)
    assert "超期 1 件" in out.getvalue()


def test_an_unknown_level_is_refused(people):
    with pytest.raises(ValueError):
        reminders.remind(open_order(people["site"]), "<script>", T0)
