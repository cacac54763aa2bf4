"""`huimin surveys-report`: the yearly count per site against its target and the activities whose feedback
is awaited, overdue or late, as text or JSON; an unknown site is refused in Chinese."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from .factories import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_demo_time(demo):
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_json_report_gives_counts_targets_and_missed_feedback():
    out = StringIO()
    call_command("surveys-report", "--json", stdout=out)
    data = json.loads(out.getvalue())
    sites = {row["site"]: row for row in data["sites"]}
    assert data["since"] == "2025-11-02"
    assert (sites["sucheng.localhost"]["count"], sites["sucheng.localhost"]["target"]) == (2, 6)
    [overdue] = sites["sucheng.localhost"]["activities"]
    assert (
        overdue["status"] == "overdue" and overdue["published"] is None and overdue["url"].endswith("/sqfw/")
    )
    assert [a["status"] for a in sites["shuyang.localhost"]["activities"]] == ["late"]
    assert [a["status"] for a in sites["127.0.0.1"]["activities"]] == ["awaiting"]


def test_the_text_report_for_one_site():
    out = StringIO()
    call_command("surveys-report", "--site", "sucheng.localhost", stdout=out)
    text = out.getvalue()
    assert "2 次，目标 6 次，尚差 4 次" in text and "超期未反馈" in text and "127.0.0.1" not in text


@pytest.mark.parametrize("hostname", ["no.such.host", "bad\x00host"])
def test_an_unknown_site_is_refused_in_chinese(hostname):
    with pytest.raises(CommandError, match="不存在"):
        call_command("surveys-report", "--site", hostname, stdout=StringIO())
