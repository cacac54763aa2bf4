"""The rules are data: the shipped files load, and a file that breaks a rule is refused with a Chinese
message naming the file and the entry (as the commands then say it)."""

from __future__ import annotations

import json

import pytest

from huimin.security import rules


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    for name in ("thresholds.json", "exposure.json", "scan.json", "known_bad.json", "exercises.json"):
        (tmp_path / name).write_text((rules.DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(rules, "DATA_DIR", tmp_path)
    rules.reload()
    yield tmp_path
    rules.reload()


def _edit(folder, name, change):
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    change(data)
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rules.reload()


def test_the_shipped_rules_load():
    rules.reload()
    found = rules.thresholds()
    assert found.consecutive_failures >= 1 and [s.after_minutes for s in found.escalation] == [30, 120]
    assert {k.product for k in rules.known_bad()} >= {
        "WordPress",
        "Discuz!",
        "DedeCMS",
        "PHPCMS",
        "jQuery",
        "IIS",
    }
    assert "/uploads/" in rules.exposure().listing_paths and rules.exercise_rules().requirement == "any"
    assert [h.code for h in rules.scan_rules().headers] == ["csp", "nosniff", "frame", "referrer", "hsts"]


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "thresholds.json",
            lambda d: d["unreachable"].update(consecutive_failures=0),
            "unreachable.consecutive_failures",
        ),
        ("thresholds.json", lambda d: d["slow"].update(milliseconds="快"), "slow.milliseconds"),
        ("thresholds.json", lambda d: d["defaced"].update(min_similarity=1.5), "defaced.min_similarity"),
        ("thresholds.json", lambda d: d["exposed"].update(severity="致命"), "exposed 的 severity"),
        ("thresholds.json", lambda d: d.update(notify=["everyone"]), "notify 应为受众列表"),
        ("thresholds.json", lambda d: d["escalation"].reverse(), "应逐项增大"),
        ("thresholds.json", lambda d: d.pop("slow"), "缺少或写错了"),
        ("exposure.json", lambda d: d.update(admin_paths=["admin/"]), "以 / 开头的路径列表"),
        ("known_bad.json", lambda d: d["products"][0].update(pattern="(unclosed"), "不是有效的正则表达式"),
        ("known_bad.json", lambda d: d["products"][0].update(where="cookie"), "where 不是"),
        ("known_bad.json", lambda d: d["products"][0].update(below="新版"), "below 应为版本号"),
        ("scan.json", lambda d: d["tls"].update(min_version="TLSv9"), "tls.min_version"),
        ("exercises.json", lambda d: d.update(requirement="sometimes"), "requirement 应为 any 或 each"),
        ("exercises.json", lambda d: d.update(warn_from_month=4), "warn_from_month"),
    ],
)
def test_a_broken_rule_is_refused_in_chinese(data_dir, name, change, message):
    _edit(data_dir, name, change)
    loader = {
        "thresholds.json": rules.thresholds,
        "exposure.json": rules.exposure,
        "known_bad.json": rules.known_bad,
        "scan.json": rules.scan_rules,
        "exercises.json": rules.exercise_rules,
    }[name]
    with pytest.raises(rules.RulesError, match=message) as error:
        loader()
    assert name in str(error.value)


def test_a_file_that_is_not_json_is_refused(data_dir):
    (data_dir / "thresholds.json").write_bytes("{“不是 JSON”".encode("gbk"))
    rules.reload()
    with pytest.raises(rules.RulesError, match=r"无法读取规则文件 thresholds\.json"):
        rules.thresholds()


@pytest.mark.django_db
def test_the_commands_speak_chinese(data_dir, capsys):
    from django.core.management import CommandError, call_command

    _edit(data_dir, "thresholds.json", lambda d: d["slow"].update(consecutive=0))
    with pytest.raises(CommandError, match=r"slow\.consecutive"):
        call_command("security-sweep")
    for name in ("security-sweep", "security-scan"):
        with pytest.raises(SystemExit):
            call_command(name, "--help")
        text = capsys.readouterr().out
        assert "用法：" in text and "选项" in text and "--json" in text
