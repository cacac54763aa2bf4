"""Checking identity document numbers an applicant gives, and masking them wherever they are shown."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from huimin.letters.masking import mask

from .enums import IdType

ID_CARD = re.compile(
    r"^[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]$"
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z), the last a check character.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PATTERNS = {
    IdType.PASSPORT: (re.compile(r"^[A-Z0-9]{5,17}$"), "护照号码应为5至17位字母或数字。"),
    IdType.HK_MACAO: (
        re.compile(r"^[HM][0-9]{8,10}$"),
        "港澳居民来往内地通行证号码应为H或M开头加8至10位数字。",
    ),
    IdType.TAIWAN: (re.compile(r"^[0-9]{8}([0-9]{2})?$"), "台湾居民来往大陆通行证号码应为8位或10位数字。"),
}


def normalise(number: str) -> str:
    """Upper case, no spaces, full-width digits and letters made half-width."""
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in number or "")
    return re.sub(r"\s+", "", text).upper()


def _id_card_ok(number: str) -> bool:
    if not ID_CARD.match(number):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born > timezone.localdate():  # nobody applies before being born
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17]


def _credit_code_ok(number: str) -> bool:
    if len(number) != 18 or any(c not in CREDIT_ALPHABET for c in number):
        return False
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(number[:17], CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31] == number[17]


def validate(id_type: str, number: str) -> str:
    """The number, normalised, or a ValidationError saying in Chinese what is wrong with it."""
    number = normalise(number)
    if not number:
        raise ValidationError("请填写证件号码。")
    if id_type == IdType.ID_CARD:
        if not _id_card_ok(number):
            raise ValidationError("身份证号码有误：应为18位，出生日期和最后一位校验码须正确。")
    elif id_type == IdType.CREDIT_CODE:
        if not _credit_code_ok(number):
            raise ValidationError("统一社会信用代码有误：应为18位，最后一位校验码须正确。")
    elif id_type in PATTERNS:
        pattern, message = PATTERNS[id_type]
        if not pattern.match(number):
            raise ValidationError(message)
    else:
        raise ValidationError("请选择证件类型。")
    return number


def masked_id(number: str) -> str:
    """The number as lists and exports show it: the first and last few characters only."""
    number = number or ""
    if len(number) <= 6:
        return "*" * len(number)
    keep = 4 if len(number) >= 15 else 2
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def masked_phone(phone: str) -> str:
    return mask(phone or "")


def masked_name(name: str) -> str:
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) >= 2 else name
