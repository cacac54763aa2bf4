"""`huimin disclosure-sweep`: applications whose correction did not come by its date are taken as given up,
the others are left alone; the unit is reminded once when an application comes near its time limit and once
when it passes it; running it again changes and sends nothing. Output in Chinese, or JSON."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import ModelLogEntry, Site

from huimin.disclosure import services
from huimin.disclosure.enums import Level, State
from huimin.disclosure.models import Application
from huimin.disclosure.tests.factories import apply, at
from huimin.sites.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def water(demo):
    """The water bureau's site and unit, with no other application in the database (this test's
    transaction removes the demo's, so every count below is this test's own)."""
    Application.objects.all().delete()
    return {
        "site": Site.objects.get(hostname="slj.localhost"),
        "unit": OrgUnit.objects.get(name="宿迁市水利局"),
        "handler": get_user_model().objects.get(username="slj-handler"),
    }


def sweep(when: str, *args) -> str:
    out = StringIO()
    with time_machine.travel(at(when), tick=False):
        call_command("disclosure-sweep", *args, stdout=out)
    return out.getvalue().strip()


def sweep_json(when: str) -> dict:
    return json.loads(sweep(when, "--json"))


def test_only_overdue_corrections_are_abandoned_and_only_once(water):
    short, long_, running = (apply(water["site"], water["unit"], at("2026-11-02 10:00"))[0] for _ in range(3))
    services.ask_correction(short, "请写明文号。", actor=water["handler"], days=2, now=at("2026-11-03 10:00"))
    services.ask_correction(
        long_, "请写明文号。", actor=water["handler"], days=15, now=at("2026-11-03 10:00")
    )
    short.refresh_from_db()
    assert str(short.correction_due) == "2026-11-05"

    assert sweep_json("2026-11-05 17:00") == {"abandoned": 0, "reminded": 0}  # its last day: still open
    assert sweep_json("2026-11-06 09:00") == {"abandoned": 1, "reminded": 0}
    assert sweep_json("2026-11-06 09:05") == {"abandoned": 0, "reminded": 0}  # idempotent
    states = dict(Application.objects.values_list("pk", "state"))
    assert states == {short.pk: State.ABANDONED, long_.pk: State.CORRECTION, running.pk: State.SUBMITTED}
    short.refresh_from_db()
    assert short.answer == "other" and short.answer_ground == "no_correction"
    assert short.events.filter(action="abandon").count() == 1


def test_reminders_once_per_level(water, django_capture_on_commit_callbacks):
    application = apply(water["site"], water["unit"], at("2026-11-02 10:00"))[0]  # due 2026-11-30
    application.refresh_from_db()
    assert str(application.due_on) == "2026-11-30"

    assert sweep_json("2026-11-20 10:00") == {"abandoned": 0, "reminded": 0}  # 6 working days left
    with django_capture_on_commit_callbacks(execute=True):
        line = sweep("2026-11-23 10:00")  # 5 left: near
    assert "已提醒 1 件临期或超期的申请" in line and line.startswith("依申请公开：")
    assert sweep_json("2026-11-24 10:00") == {"abandoned": 0, "reminded": 0}
    application.refresh_from_db()
    assert application.reminded_level == Level.WARNING

    assert sweep_json("2026-11-30 16:00") == {"abandoned": 0, "reminded": 0}  # the last day: still near
    assert sweep_json("2026-12-01 09:00") == {"abandoned": 0, "reminded": 1}  # late
    assert sweep_json("2026-12-02 09:00") == {"abandoned": 0, "reminded": 0}
    application.refresh_from_db()
    assert application.reminded_level == Level.OVERDUE
    entries = ModelLogEntry.objects.filter(action="huimin_disclosure.remind", object_id=str(application.pk))
    assert sorted(entry.data["status"] for entry in entries) == [Level.OVERDUE, Level.WARNING]


def test_an_application_in_correction_or_answered_is_never_reminded(water):
    paused = apply(water["site"], water["unit"], at("2026-11-02 10:00"))[0]
    services.ask_correction(
        paused, "请写明文号。", actor=water["handler"], days=30, now=at("2026-11-03 10:00")
    )
    assert sweep_json("2026-12-10 10:00") == {"abandoned": 0, "reminded": 0}


def test_the_line_says_when_there_is_nothing_to_do_and_help_is_chinese(water, capsys):
    assert sweep("2026-11-02 10:00") == "依申请公开：没有逾期未补正的申请，也没有需要提醒的申请。"
    with pytest.raises(SystemExit):
        call_command("disclosure-sweep", "--help")
    text = capsys.readouterr().out
    assert "逾期未补正的申请视为放弃" in text and "显示本帮助并退出" in text and "以 JSON 输出结果" in text
    assert "show this help" not in text
