"""Importing a terms list: `services.import_terms` and `huimin safety-import`, all or nothing, with hostile
files (GBK, broken lines, too big, control characters, SQL-ish and markup text), and who may edit."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import ModelLogEntry

from huimin.safety import engine, services
from huimin.safety.dictionary import TermsFileError
from huimin.safety.models import Term, TermCategory

pytestmark = pytest.mark.django_db

GOOD = "\n".join(
    [
        "词条\t正确写法\t类别\t处理方式\t备注",
        "导入测试甲二〇三〇\t导入测试乙\t常见错别字\t提醒确认\t测试",
        "导入测试丙二〇三〇\t\t涉诈\tveto\t",
        "再接再励\t再接再厉\t常见错别字\t禁止发布\t改为禁止发布",  # an existing term, changed
        "按步就班\t按部就班\t常见错别字\twarn\t",  # an existing term, unchanged
    ]
)


def reader():
    user = get_user_model().objects.create_user("safety-reader-2030", password="x" * 16)
    group, _ = Group.objects.get_or_create(name="内容安全测试只读2030")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user.groups.add(group)
    return user


def test_an_import_adds_updates_and_reports_and_writes_the_audit_log():
    report = services.import_terms(GOOD.encode("utf-8"), filename="词表.tsv")
    assert (report.added, report.updated, report.unchanged) == (
        ["导入测试甲二〇三〇", "导入测试丙二〇三〇"],
        ["再接再励"],
        ["按步就班"],
    )
    assert report.summary() == "共 4 条：已新增 2 条，已更新 1 条，1 条无变化。"
    added = Term.objects.get(term="导入测试丙二〇三〇")
    assert (added.kind, added.severity, added.category.name) == ("harmful", "veto", "涉诈")
    assert Term.objects.get(term="再接再励").severity == "veto"
    entry = ModelLogEntry.objects.filter(action=services.IMPORT, object_id=str(added.pk)).get()
    assert (
        entry.data["file"] == "词表.tsv"
        and entry.data["status"] == "新增"
        and entry.data["word"] == added.term
    )
    changed = ModelLogEntry.objects.filter(action=services.IMPORT, data__status="更新").get()
    assert "处理方式：“提醒确认”→“禁止发布”" in changed.data["changed"]
    assert [h.term for h in engine.check_text("这是导入测试丙二〇三〇")] == ["导入测试丙二〇三〇"]


def test_a_gbk_file_and_the_old_format_import():
    data = "导入测试丁二〇三〇\t导入测试戊\tveto\n".encode("gbk")
    report = services.import_terms(data)
    term = Term.objects.get(term="导入测试丁二〇三〇")
    assert report.added == [term.term] and (term.severity, term.category.name) == ("veto", "其他表述")


def test_the_same_term_written_another_way_updates_the_existing_one():
    services.import_terms("再 接 再 励\t再接再厉\t常见错别字\t禁止发布".encode())
    assert Term.objects.filter(key="再接再励").count() == 1
    assert Term.objects.get(key="再接再励").term == "再接再励"  # the wording stays as it was


def test_a_dry_run_changes_nothing():
    report = services.import_terms(GOOD.encode("utf-8"), dry_run=True)
    assert report.dry_run and len(report.added) == 2 and report.summary().startswith("共 4 条：将新增 2 条")
    assert not Term.objects.filter(term__startswith="导入测试").exists()
    assert not ModelLogEntry.objects.filter(action=services.IMPORT).exists()


def test_a_file_with_one_bad_line_imports_nothing():
    data = (GOOD + "\n坏\t\n另一条二〇三〇\t\t没有的类别\n").encode("utf-8")
    with pytest.raises(TermsFileError) as caught:
        services.import_terms(data)
    assert [e.split("：")[0] for e in caught.value.errors] == ["第 6 行", "第 7 行"]
    assert not Term.objects.filter(term__startswith="导入测试").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a" * (6 * 1024 * 1024), "过大"),
        (b"", "空的"),
        (b"   \n", "空的"),
        (b"# only a comment\n", "没有词条"),
        (bytes(range(256)) * 50, "编码"),
        ("导入\x00测试\t\n".encode(), "控制字符"),
    ],
)
def test_hostile_files_are_refused_with_a_chinese_reason(data, message):
    with pytest.raises(TermsFileError, match=message):
        services.import_terms(data)


def test_sql_and_markup_are_stored_verbatim():
    data = "'; DROP TABLE huimin_safety_term; --\t\t其他表述\n<script>alert(1)</script>\t安全\t其他表述\n"
    services.import_terms(data.encode())
    assert Term.objects.filter(term="'; DROP TABLE huimin_safety_term; --").exists()
    assert Term.objects.get(term="<script>alert(1)</script>").suggestion == "安全"


def test_only_platform_and_security_administrators_may_edit():
    from huimin.sites.enums import Role
    from huimin.sites.models import OrgUnit
    from huimin.sites.services import assign_role

    someone = reader()
    category = TermCategory.objects.get(name="其他表述")
    with pytest.raises(PermissionDenied, match="平台管理员和安全管理员"):
        services.import_terms(GOOD.encode(), actor=someone)
    with pytest.raises(PermissionDenied):
        services.add_term(services.TermData("权限测试二〇三〇", category), actor=someone)
    assert not services.may_edit_dictionary(someone) and services.may_read_dictionary(someone)

    unit = OrgUnit.objects.create(name="内容安全测试单位二〇三〇", kind="other")
    security = get_user_model().objects.create_user("safety-secadmin-2030", password="x" * 16)
    assign_role(security, role=Role.SECURITY_ADMIN, org_unit=unit)
    assert services.may_edit_dictionary(security)
    term = services.add_term(services.TermData("权限测试二〇三〇", category), actor=security)
    entry = ModelLogEntry.objects.get(action=services.ADD, object_id=str(term.pk))
    assert entry.user_id == security.pk and entry.data["word"] == "权限测试二〇三〇"


def test_the_service_refuses_duplicates_short_terms_and_same_right_form():
    category = TermCategory.objects.get(name="常见错别字")
    with pytest.raises(Exception, match="已有相同的词条"):
        services.add_term(services.TermData("再接再勵", category))  # traditional form of an existing one
    with pytest.raises(Exception, match="过短"):
        services.add_term(services.TermData(" 好 ", category))
    with pytest.raises(Exception, match="与词条相同"):
        services.add_term(services.TermData("测试相同二〇三〇", category, suggestion="测试 相同二〇三〇"))


def test_the_command_imports_reports_as_json_and_refuses_bad_files(tmp_path, capsys):
    good = tmp_path / "words.tsv"
    good.write_bytes(GOOD.encode("gb18030"))
    call_command("safety-import", str(good), "--dry-run", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] and (report["added"], report["updated"], report["unchanged"]) == (2, 1, 1)
    assert not Term.objects.filter(term__startswith="导入测试").exists()
    call_command("safety-import", str(good))
    assert capsys.readouterr().out.strip() == "导入完成：共 4 条：已新增 2 条，已更新 1 条，1 条无变化。"
    assert Term.objects.filter(term__startswith="导入测试").count() == 2

    big = tmp_path / "big.tsv"
    big.write_bytes(b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(CommandError, match="过大"):
        call_command("safety-import", str(big))
    broken = tmp_path / "broken.tsv"
    broken.write_text("好\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 1 行"):
        call_command("safety-import", str(broken))
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("safety-import", str(tmp_path / "missing.tsv"))
