"""The answers to an application and their grounds (data: `data/answers.json`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

DATA = Path(__file__).parent / "data" / "answers.json"


@dataclass(frozen=True)
class Ground:
    code: str
    name: str
    basis: str
    needs_referral: bool


@dataclass(frozen=True)
class Answer:
    code: str
    name: str
    row: str
    needs_ground: bool
    grounds: tuple[Ground, ...]

    def ground(self, code: str) -> Ground | None:
        return next((ground for ground in self.grounds if ground.code == code), None)


@cache
def answers() -> tuple[Answer, ...]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))["answers"]
    return tuple(
        Answer(
            row["code"],
            row["name"],
            row["row"],
            bool(row.get("needs_ground")),
            tuple(
                Ground(g["code"], g["name"], g.get("basis", ""), bool(g.get("needs_referral")))
                for g in row["grounds"]
            ),
        )
        for row in rows
    )


def by_code() -> dict[str, Answer]:
    return {answer.code: answer for answer in answers()}


def answer_choices() -> list[tuple[str, str]]:
    return [(answer.code, answer.name) for answer in answers()]


def label(answer: str, ground: str = "") -> str:
    """“不予公开：属于国家秘密”, or the answer's name alone; "" for none."""
    found = by_code().get(answer)
    if found is None:
        return ""
    detail = found.ground(ground)
    return f"{found.name}：{detail.name}" if detail else found.name


def check(answer: str, ground: str, referral: str) -> tuple[Answer, Ground | None]:
    """The answer and ground named, or a ValidationError (in Chinese, by field) when they do not fit."""
    found = by_code().get(answer)
    if found is None:
        raise ValidationError({"answer": "请选择答复类型。"})
    detail = found.ground(ground) if ground else None
    if ground and detail is None:
        raise ValidationError({"answer_ground": f"“{found.name}”没有这一具体情形。"})
    if found.needs_ground and detail is None:
        raise ValidationError({"answer_ground": f"“{found.name}”须选择具体情形和法律依据。"})
    if detail is not None and detail.needs_referral and not (referral or "").strip():
        raise ValidationError({"referral": "本机关不掌握该信息的，须告知申请人负责公开的机关及其联系方式。"})
    return found, detail
