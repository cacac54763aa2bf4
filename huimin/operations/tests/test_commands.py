"""`huimin duty-report` and `huimin responsibility-list`: their JSON contracts, the text for a person, and
refusals in Chinese for a bad month, state or site."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from importlib import import_module

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from huimin.operations import services
from huimin.operations.enums import Rotation
from huimin.sites.enums import Role

from .helpers import NOW, SH, article, column, make_site, person

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def site():
    unit, site = make_site("命令")
    reader = person(site, unit, Role.EDITOR)
    services.arrange_roster(
        site, people=[reader], start=date(2030, 3, 4), end=date(2030, 3, 8), rotation=Rotation.DAILY, now=NOW
    )
    services.record_reading(site, day=date(2030, 3, 4), pages_read=3, actor=reader, now=NOW)
    fresh = column(site.root_page, "工作动态", unit, responsible_phone="0527-84300001")
    article(fresh, NOW - timedelta(days=1))
    column(site.root_page, "通知公告", unit, type_name="通知公告")
    return site


@time_machine.travel(NOW, tick=False)
def test_duty_report_lists_the_missed_working_days(site):
    document = json.loads(_run("duty-report", "--site", site.hostname, "--month", "2030-03", "--json"))
    assert document == {
        "month": "2030-03",
        "sites": [
            {"site": site.hostname, "name": "命令测试网站", "started": "2030-03-04", "missed": ["2030-03-05"]}
        ],
    }
    text = _run("duty-report", "--site", site.hostname)
    assert "2030年3月值班读网" in text and "未记录 1 个工作日：2030-03-05" in text


@time_machine.travel(NOW, tick=False)
def test_duty_report_refuses_a_bad_month_or_site(site):
    with pytest.raises(CommandError) as refused:
        _run("duty-report", "--month", "2030-13")
    assert "格式不正确" in str(refused.value) and refused.value.returncode == 2
    with pytest.raises(CommandError) as refused:
        _run("duty-report", "--site", "<script>.localhost")
    assert "不存在" in str(refused.value)


@time_machine.travel(NOW, tick=False)
def test_responsibility_list_prints_the_columns(site):
    document = json.loads(_run("responsibility-list", "--site", site.hostname, "--json"))
    assert document["site"] == site.hostname
    by_name = {item["column"]: item for item in document["columns"]}
    assert by_name["工作动态"]["state"] == "normal" and by_name["工作动态"]["state_label"] == "正常"
    assert by_name["工作动态"]["newest"] == "2030-03-05" and by_name["工作动态"]["due"] == "2030-03-19"
    assert by_name["通知公告"]["state"] == "empty" and by_name["通知公告"]["due"] is None
    assert by_name["通知公告"]["missing"] == ["无电话", "未填内容质量要求"]
    assert set(by_name["工作动态"]) == {
        "column",
        "type",
        "unit",
        "person",
        "phone",
        "cycle_days",
        "quality_requirement",
        "newest",
        "due",
        "state",
        "state_label",
        "missing",
    }
    empty_only = json.loads(
        _run("responsibility-list", "--site", site.hostname, "--state", "empty", "--json")
    )
    assert [item["column"] for item in empty_only["columns"]] == ["通知公告"]
    text = _run("responsibility-list", "--site", site.hostname)
    assert "运维责任清单，共 2 个栏目" in text and "通知公告｜无内容" in text


def test_responsibility_list_refuses_an_unknown_state(site):
    with pytest.raises(CommandError) as refused:
        _run("responsibility-list", "--site", site.hostname, "--state", "'; DROP TABLE x; --")
    assert "没有" in str(refused.value) and refused.value.returncode == 2


def test_the_help_is_in_chinese():
    for name in ("duty-report", "responsibility-list"):
        command = import_module(f"huimin.operations.management.commands.{name}").Command()
        help_text = command.create_parser("huimin", name).format_help()
        assert "用法：" in help_text and "选项" in help_text and "--json" in help_text


def test_without_a_month_the_report_is_of_this_month_up_to_yesterday(site):
    with time_machine.travel(datetime(2030, 3, 7, 9, 0, tzinfo=SH), tick=False):
        document = json.loads(_run("duty-report", "--site", site.hostname, "--json"))
    assert document["sites"][0]["missed"] == ["2030-03-05", "2030-03-06"]
