"""A questionnaire's questions as plain values, read from the page's StreamField, and what follows from them:
which questions a set of answers shows (conditions), how an answer reads, and the statistics of the answers.

Answers are stored by question key (the block's id): single choice as the option's text, multiple choice as
a list of option texts, scale as an integer, free text as a string. Options are offered to the public by
number ("1", "2", …) and stored as text, so a tampered number is refused by the form and a stored answer
stays readable whatever the editors do to the order of the options.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .enums import QuestionKind


@dataclass(frozen=True)
class Condition:
    number: int  # the earlier question's number
    answer: str  # the option that shows the question


@dataclass(frozen=True)
class Question:
    number: int
    key: str
    kind: QuestionKind
    text: str
    help_text: str = ""
    required: bool = True
    choices: tuple[str, ...] = ()
    max_choices: int | None = None
    scale_max: int = 5
    low_label: str = ""
    high_label: str = ""
    max_length: int = 500
    multiline: bool = True
    condition: Condition | None = None

    @property
    def field_name(self) -> str:
        return f"q{self.number}"

    @property
    def kind_label(self) -> str:
        return QuestionKind(self.kind).label

    @property
    def scale_values(self) -> list[int]:
        return list(range(1, self.scale_max + 1))

    def scale_label(self, value: int) -> str:
        if value == 1 and self.low_label:
            return f"{value}分（{self.low_label}）"
        if value == self.scale_max and self.high_label:
            return f"{value}分（{self.high_label}）"
        return f"{value}分"

    def condition_text(self) -> str:
        if self.condition is None:
            return ""
        return f"第 {self.condition.number} 题选择“{self.condition.answer}”时回答本题。"

    def display(self, answer) -> str:
        """An answer as people read it ("" when there is none)."""
        if answer in (None, "", []):
            return ""
        if self.kind == QuestionKind.MULTIPLE:
            return "；".join(str(item) for item in answer) if isinstance(answer, list) else str(answer)
        if self.kind == QuestionKind.SCALE:
            try:
                return self.scale_label(int(answer))
            except (TypeError, ValueError):
                return str(answer)
        return str(answer)


def questions_of(page) -> list[Question]:
    """The page's questions, numbered from 1 in the order the editors put them."""
    found = []
    for number, child in enumerate(page.questions, start=1):
        value = child.value
        ref, answer = value.get("show_if_question"), (value.get("show_if_answer") or "").strip()
        common = {
            "number": number,
            "key": child.id or f"n{number}",
            "kind": QuestionKind(child.block_type),
            "text": value.get("question") or "",
            "help_text": value.get("help_text") or "",
            "required": bool(value.get("required")),
            "condition": Condition(int(ref), answer) if ref and answer and ref < number else None,
        }
        if child.block_type in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            common["choices"] = tuple(str(c).strip() for c in value.get("choices") or [] if str(c).strip())
            common["max_choices"] = value.get("max_choices") or None
        elif child.block_type == QuestionKind.SCALE:
            common.update(
                scale_max=int(value.get("scale_max") or 5),
                low_label=value.get("low_label") or "",
                high_label=value.get("high_label") or "",
            )
        else:
            common.update(
                max_length=int(value.get("max_length") or 500), multiline=bool(value.get("multiline"))
            )
        found.append(Question(**common))
    return found


def _chosen(question: Question, answer) -> set[str]:
    if question.kind == QuestionKind.MULTIPLE and isinstance(answer, list):
        return {str(item) for item in answer}
    return {str(answer)} if answer not in (None, "") else set()


def visible(questions: list[Question], answers: dict) -> set[str]:
    """The keys of the questions shown with these answers (by key): a question with a condition shows when
    the earlier question is itself shown and its answer includes the option named."""
    by_number = {q.number: q for q in questions}
    shown: set[str] = set()
    for question in questions:
        condition = question.condition
        if condition is None:
            shown.add(question.key)
            continue
        source = by_number.get(condition.number)
        if (
            source is not None
            and source.key in shown
            and condition.answer in _chosen(source, answers.get(source.key))
        ):
            shown.add(question.key)
    return shown


# --- statistics ------------------------------------------------------------------------------------------


def percent(count: int, total: int) -> str:
    """A share as a percentage with one decimal ("42.9"), "0" of nothing."""
    if not total:
        return "0"
    text = f"{(Decimal(count) * 100 / Decimal(total)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class Tally:
    label: str
    count: int
    share: str  # percentage of the question's respondents


@dataclass
class QuestionStatistics:
    question: Question
    answered: int = 0  # respondents who answered this question
    tallies: list[Tally] = field(default_factory=list)
    mean: str = ""  # scale questions: the mean score, two decimals


def statistics(questions: list[Question], answer_sets: Iterable[dict]) -> list[QuestionStatistics]:
    """Per question: how many answered it and, for choice and scale questions, the count and share of each
    option (multiple choice: shares of the respondents, so they may add up to more than 100%)."""
    stats = {q.key: QuestionStatistics(q) for q in questions}
    counts: dict[str, dict[str, int]] = {q.key: {} for q in questions}
    totals: dict[str, int] = {q.key: 0 for q in questions}
    for answers in answer_sets:
        for question in questions:
            answer = answers.get(question.key)
            if answer in (None, "", []):
                continue
            stats[question.key].answered += 1
            if question.kind == QuestionKind.TEXT:
                continue
            for item in _chosen(question, answer):
                counts[question.key][item] = counts[question.key].get(item, 0) + 1
            if question.kind == QuestionKind.SCALE:
                with suppress(TypeError, ValueError):
                    totals[question.key] += int(answer)
    for question in questions:
        entry, found = stats[question.key], counts[question.key]
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            labels = list(question.choices) + sorted(set(found) - set(question.choices))
            entry.tallies = [
                Tally(label, found.get(label, 0), percent(found.get(label, 0), entry.answered))
                for label in labels
            ]
        elif question.kind == QuestionKind.SCALE:
            entry.tallies = [
                Tally(
                    question.scale_label(value),
                    found.get(str(value), 0),
                    percent(found.get(str(value), 0), entry.answered),
                )
                for value in question.scale_values
            ]
            if entry.answered:
                mean = Decimal(totals[question.key]) / Decimal(entry.answered)
                entry.mean = f"{mean.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return [stats[q.key] for q in questions]


# --- checking answers ------------------------------------------------------------------------------------

REQUIRED_MESSAGES = {
    QuestionKind.SINGLE: "请选择一项。",
    QuestionKind.MULTIPLE: "请至少选择一项。",
    QuestionKind.SCALE: "请选择一个分数。",
    QuestionKind.TEXT: "请填写此题。",
}
NOT_AN_OPTION = "请从所给选项中选择。"
CONTROL_CHARACTERS = "含有不可见的控制字符，请删除后重新填写。"


def _check_one(question: Question, value, max_text: int):
    """(the value to keep, None) or (None, the problem in Chinese)."""
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value not in question.choices:
            return None, NOT_AN_OPTION
        return value, None
    if kind == QuestionKind.MULTIPLE:
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) and item in question.choices for item in items):
            return None, NOT_AN_OPTION
        chosen = [choice for choice in question.choices if choice in items]  # the options' order, once each
        if question.max_choices and len(chosen) > question.max_choices:
            return None, f"最多选择 {question.max_choices} 项（您选了 {len(chosen)} 项）。"
        return chosen, None
    if kind == QuestionKind.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            return None, NOT_AN_OPTION
        if (
            isinstance(value, bool)
            or str(value).strip() != str(number)
            or number not in question.scale_values
        ):
            return None, NOT_AN_OPTION
        return number, None
    if not isinstance(value, str):
        return None, "格式不正确。"
    if "\x00" in value:
        return None, CONTROL_CHARACTERS
    text = value.strip()
    limit = min(question.max_length, max_text)
    if len(text) > limit:
        return None, f"最多 {limit} 个字（现在 {len(text)} 字）。"
    return text, None


def check_answers(questions: list[Question], answers: dict, *, max_text: int) -> tuple[dict, dict[str, str]]:
    """(the answers to keep, problems by field name). Kept: the answers of the questions these answers show,
    each checked against its question; answers to hidden or unknown questions are dropped. A problem: a
    required question shown and left unanswered, or an answer its question does not allow."""
    shown = visible(questions, answers)
    kept: dict = {}
    problems: dict[str, str] = {}
    for question in questions:
        if question.key not in shown:
            continue
        value = answers.get(question.key)
        if isinstance(value, str) and question.kind != QuestionKind.TEXT:
            value = value.strip()
        if value in (None, "", []) or (
            question.kind == QuestionKind.TEXT and isinstance(value, str) and not value.strip()
        ):
            if question.required:
                problems[question.field_name] = REQUIRED_MESSAGES[question.kind]
            continue
        clean, problem = _check_one(question, value, max_text)
        if problem:
            problems[question.field_name] = problem
        else:
            kept[question.key] = clean
    # Conditions are judged on what is kept: a condition's source answer refused means its question hides.
    if not problems:
        shown_kept = visible(questions, kept)
        kept = {key: value for key, value in kept.items() if key in shown_kept}
    return kept, problems
