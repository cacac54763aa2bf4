"""The guide checker: each problem code found on a purpose-made bad guide with its deduction, nothing on a
good guide, the editable vague list, and the rules file validation."""

import json

import pytest

from huimin.guides import checker
from huimin.guides.checker import RulesError, check_guide, load_rules
from huimin.guides.models import ServiceGuidePage, VagueTerm
from huimin.guides.services import add_vague_term

from .guide_helpers import make_guide

pytestmark = pytest.mark.django_db


def _codes(guide):
    return {(p.code, p.deduction) for p in check_guide(guide)}


def test_a_complete_guide_has_no_problems(demo):
    assert check_guide(make_guide()) == []


def test_it_finds_a_missing_element_at_half_a_point_each(demo):
    guide = make_guide(steps=[], hours="")
    problems = [p for p in check_guide(guide) if p.code == "missing_element"]
    assert {p.element for p in problems} == {"办理流程", "办理时间"}
    assert all(p.deduction == 0.5 for p in problems)


def test_it_finds_materials_without_clear_format_once_per_guide_naming_each(demo):
    guide = make_guide(
        materials=[
            {"name": "营业执照", "form": "", "medium": "paper", "copies": 1},
            {"name": "章程", "copies": None},
        ]
    )
    [problem] = [p for p in check_guide(guide) if p.code == "unclear_material_format"]
    assert problem.deduction == 1
    assert "营业执照" in problem.message and "原件/复印件" in problem.message and "章程" in problem.message


def test_it_finds_vague_wording_in_material_names_and_conditions(demo):
    guide = make_guide(
        materials=[
            {"name": "根据有关法律法规规定应提交的其他材料", "form": "copy", "medium": "paper", "copies": 1}
        ],
        conditions="<p>符合有关规定的申请人。</p>",
    )
    [problem] = [p for p in check_guide(guide) if p.code == "vague_wording"]
    assert problem.deduction == 2
    assert "根据有关法律法规规定应提交的其他材料" in problem.message and "有关规定" in problem.message


def test_it_finds_a_bare_basis_named_without_content_or_link(demo):
    guide = make_guide(bases=[{"title": "《某某条例》"}, {"title": "《测试条例》", "clause": "第一条"}])
    [problem] = [p for p in check_guide(guide) if p.code == "bare_basis"]
    assert problem.deduction == 0.5 and "某某条例" in problem.message and "测试条例" not in problem.message


def test_it_finds_a_form_required_but_not_provided(demo):
    guide = make_guide(
        materials=[
            {"name": "登记申请表", "form": "original", "medium": "paper", "copies": 1, "needs_form": True}
        ]
    )
    assert _codes(guide) == {("missing_form", 1)}
    assert "登记申请表" in check_guide(guide)[0].message


@pytest.mark.parametrize("phone", ["8436799", "0527-843", "电话待定", "1381234567"])
def test_it_finds_malformed_phone_numbers(demo, phone):
    guide = make_guide(consult_phone=phone)
    [problem] = check_guide(guide)
    assert problem.code == "malformed_phone" and phone in problem.message


@pytest.mark.parametrize("phone", ["0527-84367999", "052784367999", "(0527)84367999", "13812345678", "12345"])
def test_it_accepts_landlines_mobiles_and_hotlines(demo, phone):
    assert check_guide(make_guide(consult_phone=phone)) == []


def test_an_empty_guide_saves_as_a_draft_with_every_element_missing(demo):
    """Only the page title (事项名称) is required by the page tree; every element may be empty."""
    from huimin.guides.services import upsert_guide
    from huimin.guides.tests.guide_helpers import portal_index

    guide, created = upsert_guide({"slug": "empty-guide", "title": "空白指南"}, portal_index(), publish=False)
    saved = ServiceGuidePage.objects.get(pk=guide.pk)
    assert created and not saved.live
    problems = check_guide(saved)
    assert [p.code for p in problems] == ["missing_element"] * 9
    assert {p.element for p in problems} == {
        "设定依据",
        "申请条件",
        "办理材料",
        "办理地点",
        "办理机构",
        "收费标准",
        "办理时间",
        "联系电话",
        "办理流程",
    }


def test_edits_to_the_vague_list_take_effect(demo):
    guide = make_guide(materials=[{"name": "街道证明信", "form": "original", "medium": "paper", "copies": 1}])
    assert check_guide(guide) == []
    add_vague_term("证明信")
    assert [p.code for p in check_guide(guide)] == ["vague_wording"]
    VagueTerm.objects.filter(text="证明信").delete()
    assert check_guide(guide) == []


def test_the_shipped_rules_file_is_valid_and_carries_the_seed_deductions():
    rules = load_rules()
    assert rules["deductions"]["missing_element"] == 0.5
    assert rules["deductions"]["vague_wording"] == 2
    assert rules["indicators"]["guides"] == {"name": "办事指南", "max": 8, "sample": 5}


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.pop("deductions"), "deductions"),
        (lambda d: d["deductions"].update(vague_wording=-1), "vague_wording"),
        (lambda d: d["elements"].pop("steps"), "steps"),
        (lambda d: d["indicators"]["guides"].update(sample=0), "sample"),
        (lambda d: d.update(phone_patterns=["(unclosed"]), "电话号码格式"),
    ],
)
def test_a_bad_rules_file_is_refused_with_a_clear_message(tmp_path, mutate, fragment):
    data = json.loads(checker.RULES_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RulesError, match=fragment):
        load_rules(path)


def test_a_rules_file_that_is_not_json_names_the_line(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("{\n  oops", encoding="utf-8")
    with pytest.raises(RulesError, match="第 2 行"):
        load_rules(path)
