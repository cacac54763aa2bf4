"""The accessible human check: questions in words, answers in digits or Chinese numerals, signed tokens."""

import pytest
from django.core import signing

from huimin.core import human_check


@pytest.mark.parametrize(
    ("text", "number"),
    [("8", 8), ("８", 8), (" 12 ", 12), ("八", 8), ("十", 10), ("十二", 12), ("二十", 20), ("两", 2),
     ("零", 0), ("〇", 0), ("", None), ("八八", None), ("<script>", None), ("1e3", None), ("十十", None)],
)  # fmt: skip
def test_it_reads_answers_in_digits_and_chinese_numerals(text, number):
    assert human_check._number(text) == number


def test_every_question_is_a_small_sum_with_a_non_negative_answer():
    for _ in range(200):
        question = human_check.new_question()
        assert 0 <= question.answer <= 18
        assert human_check.verify(question.token, str(question.answer))
        assert not human_check.verify(question.token, str(question.answer + 1))


def test_a_tampered_or_stale_token_is_refused():
    question = human_check.new_question()
    forged = signing.dumps([1, 1, "+", "x"], salt="another-salt")
    assert not human_check.verify(forged, "2")
    assert not human_check.verify(question.token[:-2] + "xx", str(question.answer))
    assert human_check.read_token("") is None and human_check.read_token("a" * 5000) is None


def test_a_token_expires(time_machine):
    time_machine.move_to("2026-11-23 09:00 +0800", tick=False)
    question = human_check.new_question()
    token = question.token
    time_machine.move_to("2026-11-23 10:59 +0800", tick=False)
    assert human_check.verify(token, str(question.answer))
    time_machine.move_to("2026-11-23 11:01 +0800", tick=False)
    assert not human_check.verify(token, str(question.answer))
