"""Mainland mobile numbers, e-mail addresses and the unified social credit code (GB 32100-2015), as typed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from huimin.accounts import validators
from huimin.accounts.enums import CodeChannel

# Codes as printed on real licences, often given as examples of the standard.
REAL_CODES = ["91350100M000100Y43", "91110000600037341L"]
# Made up for the tests and the demo, with their check characters computed: a company, an institution.
MADE_UP = ["91321300MA1N0DEM01", "91321300MA1N0B7K2Y", "12100000MB0T7A4X1X", "11320000014000125A"]


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 13812345678",
        "8613812345678",
        "0086 138 1234 5678",
        "１３８１２３４５６７８",
        " 13812345678 ",
    ],
)
def test_a_mobile_number_is_read_however_it_is_typed(typed):
    assert validators.normalize_mobile(typed) == "13812345678"


@pytest.mark.parametrize(
    "typed", ["12812345678", "1381234567", "138123456789", "23812345678", "1381234567a", "", "+1 13812345678"]
)
def test_other_numbers_are_not_mainland_mobile_numbers(typed):
    assert validators.normalize_mobile(typed) is None
    with pytest.raises(ValidationError, match="11 位中国大陆手机号码"):
        validators.validate_mobile(typed)


def test_an_address_is_a_mobile_number_or_an_email_address_in_lower_case():
    assert validators.parse_address("139 0000 0001") == (CodeChannel.SMS, "13900000001")
    assert validators.parse_address(" Wang.Li@Example.ORG ") == (CodeChannel.EMAIL, "wang.li@example.org")
    with pytest.raises(ValidationError, match="有效的电子邮箱地址"):
        validators.parse_address("wang@")
    with pytest.raises(ValidationError, match="手机号码，或有效的电子邮箱地址"):
        validators.parse_address("wang")


@pytest.mark.parametrize("typed", ["1390000\x000001", "a\x00@example.org", "x" * 400, "1390000\u00000001"])
def test_control_characters_and_oversized_input_are_refused(typed):
    with pytest.raises(ValidationError):
        validators.parse_address(typed)


def test_addresses_are_masked_for_screens_and_logs():
    assert validators.mask("13900000001") == "139****0001"
    assert validators.mask("wang.li@example.org") == "wa***@example.org"


@pytest.mark.parametrize("code", REAL_CODES + MADE_UP)
def test_valid_credit_codes_pass_their_checksum(code):
    assert validators.validate_credit_code(code) == code
    assert validators.validate_credit_code(f" {code.lower()[:9]} {code.lower()[9:]} ") == code


@pytest.mark.parametrize("code", REAL_CODES + MADE_UP)
def test_changing_any_character_breaks_the_checksum(code):
    for position in range(18):
        for replacement in "0A":
            if code[position] == replacement or (2 <= position <= 7 and not replacement.isdigit()):
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(ValidationError):
                validators.validate_credit_code(changed)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9135010M000100Y43", "应为 18 位"),
        ("91350100M000100Y431", "应为 18 位"),
        ("91350100M000100I43", "不含 I、O、Z、S、V"),
        ("9135O100M000100Y43", "行政区划代码"),
        ("91350100M000100Y44", "校验位不正确"),
        ("<script>alert(1)</script>", "应为 18 位"),
        ("' OR 1=1 --        ", "应为 18 位"),
    ],
)
def test_a_bad_credit_code_is_refused_with_a_chinese_sentence(code, message):
    with pytest.raises(ValidationError, match=message):
        validators.validate_credit_code(code)


def test_the_check_character_follows_the_standard():
    assert validators.CREDIT_WEIGHTS[:5] == (1, 3, 9, 27, 19)
    assert validators.credit_check_character("91350100M000100Y4") == "3"
