"""`huimin disclosure-report`: a contract. `--json` prints `report.compute`'s dict (one site) or a list of
them (every site); the text output is readable Chinese tables; a bad year or unknown host exits with status
2 and a Chinese message; `--help` is in Chinese."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from wagtail.models import Site

from huimin.conftest import DEMO_NOW, PINNED_HUIMIN
from huimin.disclosure import report
from huimin.disclosure.tests.factories import apply, at

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
TOP_KEYS = {"year", "scope", "active", "applications"}
APPLICATION_KEYS = {"new", "carried_over", "results", "results_total", "carried_forward"}


def run(*args) -> str:
    out = io.StringIO()
    call_command("disclosure-report", *args, stdout=out)
    return out.getvalue()


def test_json_for_one_site_is_the_computed_dict(demo, demo_clock):
    water = Site.objects.get(hostname="slj.localhost")
    apply(Site.objects.get(hostname="127.0.0.1"), report.site_units(water)[0], at("2025-04-07 10:00"))
    data = json.loads(run("--year", "2025", "--site", "slj.localhost", "--json"))
    assert data == report.compute(water, 2025)
    assert set(data) == TOP_KEYS and set(data["applications"]) == APPLICATION_KEYS
    assert set(data["active"]) == {"rules", "normative"}
    assert set(data["active"]["rules"]) == {"issued", "repealed", "in_force"}
    assert list(data["applications"]["new"]) == report.column_keys()
    assert data["applications"]["new"]["citizen"] >= 1
    assert list(data["applications"]["results"]) == [
        "disclose", "partial", "withhold", "unavailable", "not_processed", "other"
    ]  # fmt: skip
    assert set(data["applications"]["results"]["withhold"]["grounds"]) >= {"state_secret", "inquiry"}
    assert data["scope"]["site"] == "slj.localhost" and data["year"] == 2025


def test_json_without_a_site_lists_every_site(demo, demo_clock):
    data = json.loads(run("--year", "2025", "--json"))
    assert isinstance(data, list) and len(data) == Site.objects.count()
    order = Site.objects.order_by("-is_default_site", "hostname").values_list("hostname", flat=True)
    assert [item["scope"]["site"] for item in data] == list(order)
    assert all(set(item) == TOP_KEYS for item in data)


def test_text_output_is_chinese_tables(demo, demo_clock):
    text = run("--year", "2025", "--site", "slj.localhost:8000")
    assert text.startswith("宿迁市水利局2025年政府信息公开工作年度报告（平台数据）")
    assert "【第二十条第（一）项】" in text and "【收到和处理政府信息公开申请情况】" in text
    figures = report.compute(Site.objects.get(hostname="slj.localhost"), 2025)["applications"]
    new_line = next(line for line in text.splitlines() if line.startswith("一、本年新收"))
    assert new_line.split()[1:] == [str(figures["new"][key]) for key in report.column_keys()]
    assert "1.属于国家秘密" in text and "（七）总计" in text


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--year", "2027"], "2026 年之间"),
        (["--year", "2007"], "2008 年"),
        (["--year", "二〇二五"], "四位数字"),
        ([], "--year"),
        (["--year", "2025", "--site", "nowhere.localhost"], "没有主机名为“nowhere.localhost”的网站"),
        (["--year", "2025", "--site", "slj.localhost:99"], "没有主机名"),
    ],
)
def test_bad_input_is_refused_with_status_2_in_chinese(demo, demo_clock, args, words):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert refused.value.returncode == 2 and words in str(refused.value)


def test_the_command_line_prints_only_the_chinese_message_and_exits_2():
    done = subprocess.run(
        [sys.executable, "-c", PINNED_HUIMIN, DEMO_NOW.isoformat(), "disclosure-report", "--year", "1999"],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "huimin.settings.test"},
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "年度应在 2008 年（《政府信息公开条例》施行）至 2026 年之间。"


def test_help_is_chinese():
    command = load_command_class("huimin.disclosure", "disclosure-report")
    text = command.create_parser("huimin", "disclosure-report").format_help()
    assert text.startswith("用法：huimin disclosure-report")
    for words in ("报告年度", "网站的主机名", "以 JSON 输出", "显示本帮助并退出", "选项"):
        assert words in text
    for english in ("show this help", "usage:", "Verbosity level", "options:"):
        assert english not in text
