"""The guide checker: finds what the annual assessment deducts for in a service guide (办事指南).

Rules (element labels, deductions, phone patterns, indicator maxima and sample sizes) live in
data/guide_rules.json; vague wordings in the `VagueTerm` snippet (seeded from data/vague_terms.txt).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.html import strip_tags

RULES_FILE = Path(__file__).parent / "data" / "guide_rules.json"
CODES = (
    "missing_element",
    "unclear_material_format",
    "vague_wording",
    "bare_basis",
    "missing_form",
    "malformed_phone",
)
ELEMENTS = ("title", "bases", "conditions", "materials", "place", "unit", "fee", "hours", "phones", "steps")
INDICATORS = ("guides", "forms", "statistics", "integration")
PHONE_SPLIT_RE = re.compile(r"[，,；;、/\s]+")


class RulesError(ValueError):
    """The rules file is unusable; the message says what is wrong."""


@dataclass(frozen=True)
class Problem:
    code: str
    element: str
    message: str
    deduction: float


def validate_rules(data) -> dict:
    """Check the shape of a rules document; raise RulesError naming the first fault."""
    if not isinstance(data, dict):
        raise RulesError("规则文件的顶层必须是对象。")
    for key in ("elements", "deductions", "indicators", "phone_patterns"):
        if key not in data:
            raise RulesError(f"规则文件缺少“{key}”。")
    missing = [name for name in ELEMENTS if not isinstance(data["elements"].get(name), str)]
    if missing:
        raise RulesError(f"规则文件的 elements 缺少要素：{'、'.join(missing)}。")
    for code in CODES:
        value = data["deductions"].get(code)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise RulesError(f"规则文件的 deductions.{code} 必须是不小于 0 的数字。")
    for name in INDICATORS:
        indicator = data["indicators"].get(name)
        if not isinstance(indicator, dict) or not isinstance(indicator.get("max"), int | float):
            raise RulesError(f"规则文件的 indicators.{name} 须包含数字 max。")
        sample = indicator.get("sample", 1)
        if not isinstance(sample, int) or sample < 1:
            raise RulesError(f"规则文件的 indicators.{name}.sample 必须是正整数。")
    patterns = data["phone_patterns"]
    if not isinstance(patterns, list) or not patterns:
        raise RulesError("规则文件的 phone_patterns 必须是非空列表。")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise RulesError(f"规则文件的电话号码格式“{pattern}”无效：{exc}。") from exc
    return data


def load_rules(path: Path | str = RULES_FILE) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"无法读取规则文件 {path}：{exc}。") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"规则文件 {path} 不是有效的 JSON：第 {exc.lineno} 行，{exc.msg}。") from exc
    return validate_rules(data)


@lru_cache(maxsize=1)
def rules() -> dict:
    return load_rules()


def vague_terms() -> list[str]:
    from .models import VagueTerm

    # Longest first, so "根据有关法律法规规定应提交的其他材料" is named rather than its "其他材料".
    return sorted(VagueTerm.objects.values_list("text", flat=True), key=len, reverse=True)


def phone_ok(value: str, patterns: list[str]) -> bool:
    number = value.strip().replace("（", "(").replace("）", ")")
    number = re.sub(r"^\((0\d{2,3})\)", r"\1-", number)
    return any(re.fullmatch(pattern, number) for pattern in patterns)


def _text(value) -> str:
    return strip_tags(str(value or "")).strip()


def check_guide(guide) -> list[Problem]:
    """Every problem of a guide (saved or not), each with its deduction."""
    data = rules()
    label = data["elements"]
    cost = data["deductions"]
    problems: list[Problem] = []
    bases = list(guide.bases.all())
    materials = list(guide.materials.all())
    steps = list(guide.steps.all())

    present = {
        "title": bool(_text(guide.title)),
        "bases": bool(bases),
        "conditions": bool(_text(guide.conditions)),
        "materials": bool(materials),
        "place": bool(_text(guide.address)),
        "unit": bool(guide.unit_id),
        "fee": bool(guide.free_of_charge or _text(guide.fee)),
        "hours": bool(_text(guide.hours)),
        "phones": bool(_text(guide.consult_phone) or _text(guide.complaint_phone)),
        "steps": bool(steps),
    }
    for name in ELEMENTS:
        if not present[name]:
            problems.append(
                Problem("missing_element", label[name], f"缺少要素“{label[name]}”。", cost["missing_element"])
            )

    unclear = []
    for material in materials:
        lacking = [
            text
            for text, ok in (
                ("原件/复印件", material.form),
                ("纸质/电子", material.medium),
                ("份数", material.copies),
            )
            if not ok
        ]
        if lacking:
            unclear.append(f"“{material.name}”未注明{'、'.join(lacking)}")
    if unclear:
        problems.append(
            Problem(
                "unclear_material_format",
                label["materials"],
                "材料格式不明确：" + "；".join(unclear) + "。",
                cost["unclear_material_format"],
            )
        )

    texts = [(label["title"], guide.title), (label["conditions"], _text(guide.conditions))]
    texts += [(f"{label['materials']}“{m.name}”", f"{m.name} {m.note}") for m in materials]
    texts += [(label["fee"], guide.fee), (label["hours"], guide.hours), (label["place"], guide.address)]
    texts += [(label["steps"], f"{s.title} {s.description}") for s in steps]
    found = []
    for where, text in texts:
        text = text or ""
        for term in vague_terms():
            if term in text:
                found.append(f"{where}中有“{term}”")
                break
    if found:
        problems.append(
            Problem(
                "vague_wording",
                label["materials"] if all(w.startswith(label["materials"]) for w in found) else "表述",
                "存在模糊表述：" + "；".join(found) + "。",
                cost["vague_wording"],
            )
        )

    bare = [f"《{b.title}》" if not b.title.startswith("《") else b.title for b in bases if b.is_bare]
    if bare:
        problems.append(
            Problem(
                "bare_basis",
                label["bases"],
                f"设定依据{'、'.join(bare)}只有名称，未关联文件、引用条款或提供链接。",
                cost["bare_basis"],
            )
        )

    no_form = [f"“{m.name}”" for m in materials if m.needs_form and not (m.blank_form_id and m.sample_id)]
    if no_form:
        problems.append(
            Problem(
                "missing_form",
                label["materials"],
                f"材料{'、'.join(no_form)}需填写表格，但未提供空白表格和填写样表。",
                cost["missing_form"],
            )
        )

    bad_phones = []
    for field_label, value in (("咨询电话", guide.consult_phone), ("投诉电话", guide.complaint_phone)):
        for number in PHONE_SPLIT_RE.split(value or ""):
            if number and not phone_ok(number, data["phone_patterns"]):
                bad_phones.append(f"{field_label}“{number}”")
    if bad_phones:
        problems.append(
            Problem(
                "malformed_phone",
                label["phones"],
                f"电话号码格式不正确：{'、'.join(bad_phones)}（应为 0527-8xxxxxxx、手机号或 12345 类热线）。",
                cost["malformed_phone"],
            )
        )
    return problems


def total_deduction(problems: list[Problem]) -> float:
    return sum(problem.deduction for problem in problems)


def document_problems(material) -> list[str]:
    """Upload limits of a material's blank form and sample: document types and the configured size."""
    from .enums import FORM_EXTENSIONS

    limit_mb = settings.HUIMIN_GUIDE_FORM_MAX_MB
    messages = []
    for what, document in (("空白表格", material.blank_form), ("填写样表", material.sample)):
        if document is None or not document.file:
            continue
        name = document.file.name
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in FORM_EXTENSIONS:
            messages.append(
                f"材料“{material.name}”的{what}“{document.title}”不是允许的文档类型"
                f"（仅限 {'、'.join(FORM_EXTENSIONS)}）。"
            )
            continue
        try:
            size = document.file_size or document.file.size
        except OSError:
            size = 0
        if size and size > limit_mb * 1024 * 1024:
            messages.append(f"材料“{material.name}”的{what}“{document.title}”超过 {limit_mb} MB 的大小限制。")
    return messages
