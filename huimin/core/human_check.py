"""An accessible check that a form is filled in by a person (no image CAPTCHA): a small sum asked in
words, which a screen reader reads aloud and an elderly visitor answers in digits or in Chinese numerals.

The question travels in a signed, timestamped token, so no server state is kept; a token is good for
`MAX_AGE` seconds. Any form gains the check through `HumanCheckMixin`; each time the form is shown again
it carries a new question, and the visitor's other input is kept.
"""

from __future__ import annotations

import secrets
import unicodedata
from functools import cached_property

from django import forms
from django.core import signing

SALT = "huimin.human-check"
MAX_AGE = 2 * 60 * 60
DIGITS = "零一二三四五六七八九"
FIELD_TOKEN, FIELD_ANSWER = "human_token", "human_answer"


def _words(n: int) -> str:
    """0–20 in Chinese numerals."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else DIGITS[tens] + "十") + (DIGITS[ones] if ones else "")


def _number(text: str) -> int | None:
    """The visitor's answer as a number: digits (half- or full-width) or Chinese numerals up to 99."""
    text = unicodedata.normalize("NFKC", text or "").strip().rstrip("。.")
    if text.isascii() and text.isdigit() and len(text) <= 3:
        return int(text)
    text = text.replace("〇", "零").replace("两", "二")
    if text and all(c in DIGITS for c in text) and len(text) == 1:
        return DIGITS.index(text)
    if "十" in text and text.count("十") == 1:
        tens, _, ones = text.partition("十")
        if (tens == "" or tens in DIGITS[1:]) and (ones == "" or ones in DIGITS[1:]):
            return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)
    return None


class Question:
    def __init__(self, a: int, b: int, op: str):
        self.a, self.b, self.op = a, b, op

    @property
    def text(self) -> str:
        return f"{_words(self.a)}{'加' if self.op == '+' else '减'}{_words(self.b)}等于几？"

    @property
    def answer(self) -> int:
        return self.a + self.b if self.op == "+" else self.a - self.b

    @cached_property
    def token(self) -> str:
        return signing.dumps([self.a, self.b, self.op, secrets.token_hex(4)], salt=SALT, compress=False)


def new_question() -> Question:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2):
        return Question(a, b, "+")
    return Question(max(a, b), min(a, b), "-")


def read_token(token: str) -> Question | None:
    try:
        a, b, op, _ = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(a, int) and isinstance(b, int) and op in "+-" and len(op) == 1):
        return None
    return Question(a, b, op)


def verify(token: str, answer: str) -> bool:
    question = read_token(token)
    return question is not None and _number(answer) == question.answer


class HumanCheckMixin:
    """Adds the question to a form. Put it before `forms.Form` in the bases."""

    human_error = "验证问题回答不正确，请回答下面的新问题。"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        question = new_question()
        self.fields[FIELD_TOKEN] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.fields[FIELD_ANSWER] = forms.CharField(
            label=f"验证问题：{question.text}",
            required=False,
            max_length=10,
            help_text="请用数字回答，例如 8。",
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}),
        )
        self.initial[FIELD_TOKEN] = question.token
        if self.is_bound:
            # Keep what was sent for `clean`; show the new question (and an empty answer) if shown again.
            self._human = (self.data.get(FIELD_TOKEN, ""), self.data.get(FIELD_ANSWER, ""))
            self.data = self.data.copy()
            self.data[FIELD_TOKEN], self.data[FIELD_ANSWER] = question.token, ""

    def clean(self):
        cleaned = super().clean()
        token, answer = self._human
        if not answer.strip():
            self.add_error(FIELD_ANSWER, "请回答验证问题。")
        elif not verify(token, answer):
            self.add_error(FIELD_ANSWER, self.human_error)
        return cleaned
