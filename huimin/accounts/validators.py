"""What a citizen types to sign up and sign in, checked and put in one canonical form.

- Mainland mobile numbers (11 digits, 13–19 first), typed with spaces, dashes, full-width digits or +86.
- E-mail addresses, kept in lower case so that one mailbox is one account.
- The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character alphabet
  (digits and capital letters without I, O, Z, S, V); characters 3–8 are the administrative division code;
  the last is a check character: with weights 3^i mod 31 on the first 17, it is the character whose value is
  (31 − sum mod 31) mod 31.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .enums import CodeChannel

MOBILE_RE = re.compile(r"\A1[3-9][0-9]{9}\Z")
MAX_EMAIL = 254
LONGEST_INPUT = 320  # anything longer is refused before any further work

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
CREDIT_SHAPE = re.compile(rf"\A[{CREDIT_ALPHABET}]{{2}}[0-9]{{6}}[{CREDIT_ALPHABET}]{{10}}\Z")

BAD_ADDRESS = "请输入 11 位中国大陆手机号码，或有效的电子邮箱地址。"
BAD_MOBILE = "请输入 11 位中国大陆手机号码（以 13 至 19 开头）。"
BAD_EMAIL = "请输入有效的电子邮箱地址，例如 name@example.com。"
BAD_CREDIT_LENGTH = "统一社会信用代码应为 18 位，请核对营业执照或登记证书。"
BAD_CREDIT_CHARACTERS = (
    "统一社会信用代码只含数字和大写字母（不含 I、O、Z、S、V），第 3 至 8 位为行政区划代码，请核对。"
)
BAD_CREDIT_CHECK = "统一社会信用代码的校验位不正确，请逐位核对营业执照或登记证书上的代码。"
CONTROL_CHARACTERS = "含有不可见的控制字符，请删除后重新填写。"


def _clean(value: str) -> str:
    """Full-width forms folded (NFKC: a Chinese input method's １３８ becomes 138), outer spaces removed."""
    if not isinstance(value, str):
        return ""
    if len(value) > LONGEST_INPUT:
        raise ValidationError("内容过长，请核对后重新填写。", code="too_long")
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise ValidationError(CONTROL_CHARACTERS, code="control")
    return unicodedata.normalize("NFKC", value).strip()


def normalize_mobile(value: str) -> str | None:
    """The 11 digits of a mainland mobile number, or None when `value` is not one."""
    text = re.sub(r"[\s\-()]", "", _clean(value))
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            text = text[len(prefix) :]
            break
    return text if MOBILE_RE.match(text) else None


def validate_mobile(value: str) -> str:
    number = normalize_mobile(value)
    if number is None:
        raise ValidationError(BAD_MOBILE, code="mobile")
    return number


def normalize_email(value: str) -> str | None:
    text = _clean(value)
    if not text or len(text) > MAX_EMAIL or "@" not in text:
        return None
    try:
        validate_email(text)
    except ValidationError:
        return None
    return text.lower()


def parse_address(value: str) -> tuple[str, str]:
    """(channel, address) for a mobile number or an e-mail address typed in one field."""
    text = _clean(value)
    if "@" in text:
        email = normalize_email(text)
        if email is None:
            raise ValidationError(BAD_EMAIL, code="email")
        return CodeChannel.EMAIL, email
    number = normalize_mobile(text)
    if number is None:
        raise ValidationError(BAD_ADDRESS, code="address")
    return CodeChannel.SMS, number


def mask(address: str) -> str:
    """A mobile number or e-mail address with its middle hidden, for screens and logs."""
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:2]}***@{domain}"
    if len(address) >= 7:
        return f"{address[:3]}****{address[-4:]}"
    return "***"


def credit_check_character(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """The code in capitals without spaces, or a ValidationError saying in Chinese what is wrong with it."""
    code = re.sub(r"[\s\-]", "", _clean(value)).upper()
    if len(code) != 18:
        raise ValidationError(BAD_CREDIT_LENGTH, code="credit_length")
    if not CREDIT_SHAPE.match(code):
        raise ValidationError(BAD_CREDIT_CHARACTERS, code="credit_characters")
    if credit_check_character(code[:17]) != code[17]:
        raise ValidationError(BAD_CREDIT_CHECK, code="credit_check")
    return code
