"""`huimin workorders-sweep` and `huimin workorders-sync` as commands and as tasks: Chinese help, the JSON
contract of each, and the tasks doing the same work."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command, load_command_class

from huimin.workorders import tasks
from huimin.workorders.models import WorkOrder

from .test_findings import T0, make_site


@pytest.fixture(autouse=True)
def _only_this_tests_orders(db):
    """Orders already in the database (the demo's, when it was built here) are set aside: reminded to the last
    level, so the sweep sees only what the test makes."""
    from huimin.workorders.models import WorkOrder

    WorkOrder.objects.update(reminded_level="escalated")


pytestmark = pytest.mark.django_db
SWEEP_KEYS = {"warning", "overdue", "escalated"}
SYNC_KEYS = {"sites", "guides", "opened", "updated", "reopened", "closed"}


@pytest.mark.parametrize("name", ["workorders-sweep", "workorders-sync"])
def test_the_help_is_chinese(name):
    command = load_command_class("huimin.workorders", name)
    text = command.create_parser("huimin", name).format_help()
    assert text.startswith("用法：huimin " + name)
    assert "--json" in text and "以 JSON 输出结果" in text
    words = set(re.findall(r"[A-Za-z]{4,}", text.split("选项", 1)[0]))
    assert words <= {"huimin", "workorders", "sweep", "sync", "json", "version", "verbosity", "settings",
                     "SETTINGS", "pythonpath", "PYTHONPATH", "traceback", "color", "force", "skip", "checks",
                     "site"}  # fmt: skip


def test_the_sweeps_json_contract():
    with time_machine.travel(T0, tick=False):
        out = StringIO()
        call_command("workorders-sweep", "--json", stdout=out)
    assert set(json.loads(out.getvalue())) == SWEEP_KEYS


def test_the_syncs_json_contract_over_every_site():
    make_site("wo-commands.localhost")
    with time_machine.travel(T0, tick=False):
        out = StringIO()
        call_command("workorders-sync", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) == SYNC_KEYS and summary["sites"] >= 1


def test_the_tasks_do_the_same_work():
    site = make_site("wo-tasks.localhost")
    with time_machine.travel(T0, tick=False):
        result = tasks.sync_guides_task.enqueue("wo-tasks.localhost")
        assert result.return_value == {
            "sites": 1,
            "guides": 0,
            "opened": 0,
            "updated": 0,
            "reopened": 0,
            "closed": 0,
        }
        assert tasks.sweep_task.enqueue().return_value == {}
    assert not WorkOrder.objects.filter(site=site).exists()
