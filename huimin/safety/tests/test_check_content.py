"""`huimin check-content PATH|- [--json]`: a contract — the JSON shape, offsets in the normalised text, the
exit status (0 clean or warnings only, 1 a veto finding, 2 bad input) and Chinese lines without --json."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from huimin.safety.engine import normalise

pytestmark = pytest.mark.django_db
VALID_ID = "321202198506120030"


def run(*args, stdin: bytes | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = 0
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        call_command("check-content", *args, stdout=out)
    except SystemExit as exit_:
        code = exit_.code
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue()


def test_json_findings_with_offsets_in_the_normalised_text(tmp_path):
    text = f"热烈庆祝中華人民共合國\u200b成立。再接再励！联系人王五，身份证 {VALID_ID}。"
    file = tmp_path / "a.txt"
    file.write_text(text, encoding="utf-8")
    code, out = run(str(file), "--json")
    document = json.loads(out)
    assert list(document) == ["findings"]
    findings = document["findings"]
    assert all(list(f) == ["check", "severity", "term", "suggestion", "start", "end"] for f in findings)
    assert [(f["check"], f["severity"], f["term"], f["suggestion"]) for f in findings] == [
        ("expression", "veto", "中华人民共合国", "中华人民共和国"),
        ("expression", "warn", "再接再励", "再接再厉"),
        ("privacy", "veto", "321***********0030", ""),
    ]
    normalised = normalise(text)
    assert normalised[findings[0]["start"] : findings[0]["end"]] == "中华人民共合国"
    assert normalised[findings[1]["start"] : findings[1]["end"]] == "再接再励"
    assert code == 1


def test_warnings_only_exit_0_and_a_clean_text_says_so(tmp_path):
    file = tmp_path / "b.txt"
    file.write_text("我们要再接再励。", encoding="utf-8")
    code, out = run(str(file))
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("1. [提醒确认] 错误表述·常见错别字：“再接再励”应为“再接再厉”")
    assert lines[0].endswith("【再接再励】。") and lines[-1] == "共 1 处：禁止发布 0 处，提醒确认 1 处。"
    file.write_text("宿迁市人民政府办公室。", encoding="utf-8")
    assert run(str(file)) == (0, "未发现问题。\n")
    assert json.loads(run(str(file), "--json")[1]) == {"findings": []}


def test_html_by_suffix_or_content_and_gbk_files(tmp_path):
    html = (
        '<!DOCTYPE html><html><head><meta charset="gbk"><title>通知</title>'
        "<script>var a='台湾总统';</script></head><body><p>台湾总统选举</p>"
        '<img alt="再接再励" src="x.png"></body></html>'
    )
    page = tmp_path / "page.bin"
    page.write_bytes(html.encode("gbk"))
    code, out = run(str(page), "--json")
    assert code == 1
    assert [f["term"] for f in json.loads(out)["findings"]] == ["台湾总统", "再接再励"]  # not the script's
    text = tmp_path / "gbk.txt"
    text.write_bytes("各单位要再接再励。".encode("gbk"))
    assert [f["term"] for f in json.loads(run(str(text), "--json")[1])["findings"]] == ["再接再励"]


def test_standard_input(tmp_path):
    code, out = run("-", "--json", stdin="中华民国".encode())
    assert code == 1 and json.loads(out)["findings"][0]["term"] == "中华民国"


@pytest.mark.parametrize("case", ["missing", "big", "binary", "directory"])
def test_bad_input_exits_2_with_a_chinese_message(tmp_path, case):
    path = {
        "missing": tmp_path / "nope.txt",
        "big": tmp_path / "big.txt",
        "binary": tmp_path / "b.bin",
        "directory": tmp_path,
    }[case]
    if case == "big":
        with path.open("wb") as file:
            file.truncate(20 * 1024 * 1024 + 1)
    if case == "binary":
        path.write_bytes(bytes(range(256)) * 100)
    with pytest.raises(CommandError) as caught:
        call_command("check-content", str(path))
    assert caught.value.returncode == 2
    assert {"missing": "文件不存在", "big": "过大", "binary": "编码", "directory": "文件不存在"}[case] in str(
        caught.value
    )


def test_the_real_command_line_exit_codes():
    """The installed `huimin` command: statuses as a shell sees them (its own database or none: the shipped
    list serves)."""
    huimin = str(Path(sys.executable).with_name("huimin"))
    veto = subprocess.run(
        [huimin, "check-content", "-", "--json"], input="台湾总统".encode(), capture_output=True
    )
    assert veto.returncode == 1 and json.loads(veto.stdout)["findings"][0]["suggestion"] == "台湾地区领导人"
    clean = subprocess.run([huimin, "check-content", "-"], input="你好".encode(), capture_output=True)
    assert clean.returncode == 0 and clean.stdout.decode().strip() == "未发现问题。"
    missing = subprocess.run([huimin, "check-content", "/nonexistent/x.txt"], capture_output=True)
    assert missing.returncode == 2 and "文件不存在" in missing.stderr.decode()
