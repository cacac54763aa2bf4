"""Personal data published by mistake: resident ID numbers (checked against region, birth date and the
ISO 7064 MOD 11-2 check character), mainland mobile numbers and bank card numbers (Luhn). Only numbers that
stand alone (not part of a longer run of digits or letters) are considered; evidence masks them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..document import Finding, Page, Site
from ..enums import Check, Severity
from .common import visible_text

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9]{9})(?![0-9])")
CARD = re.compile(r"(?<![0-9.])([0-9]{13,19})(?![0-9.])")
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
}  # fmt: skip
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
OFFICIAL_CONTEXT = re.compile(r"电话|联系|热线|手机|咨询")
NOT_CARD_CONTEXT = re.compile(r"备案|公网安备|标识码|信用代码|编号|文号|订单|流水号")
CONTEXT_BEFORE = 20
MAX_PER_KIND = 20


def valid_id_number(number: str) -> bool:
    number = number.upper()
    if len(number) != 18 or number[:2] not in PROVINCES or not number[:17].isdigit():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17]


def luhn(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def card_like(number: str) -> bool:
    """Issuer prefix and length of the cards seen in China: UnionPay 62 (16–19), Visa 4 (16, 19),
    Mastercard 51–55 (16), American Express 34/37 (15), JCB 35 (16)."""
    size = len(number)
    return (
        (number.startswith("62") and 16 <= size <= 19)
        or (number.startswith("4") and size in (16, 19))
        or (number[:2] in ("51", "52", "53", "54", "55") and size == 16)
        or (number[:2] in ("34", "37") and size == 15)
        or (number.startswith("35") and size == 16)
    )


def mask(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def privacy_in_text(text: str, url: str, homepage: bool = False) -> list[Finding]:
    """Privacy findings in any text (a page's visible text, or a text attachment)."""
    findings: list[Finding] = []

    def report(seen: set[str], number: str, what: str, severity=Severity.DEDUCT, note: str = "") -> None:
        """One finding per distinct number, at most `MAX_PER_KIND` of a kind."""
        if number not in seen and len(seen) < MAX_PER_KIND:
            seen.add(number)
            evidence = f"疑似公开{what} {mask(number)}{note}"
            findings.append(Finding(Check.PRIVACY_LEAK, severity, url, mask(number), evidence, homepage))

    ids: set[str] = set()
    id_spans: list[tuple[int, int]] = []
    for match in ID_NUMBER.finditer(text):
        number = match.group(1).upper()
        if valid_id_number(number):
            id_spans.append(match.span(1))
            report(ids, number, "居民身份证号码")
    cards: set[str] = set()
    for match in CARD.finditer(text):
        number, (start, end) = match.group(1), match.span(1)
        if any(start < e and s < end for s, e in id_spans) or not card_like(number) or not luhn(number):
            continue
        if NOT_CARD_CONTEXT.search(text[max(0, start - CONTEXT_BEFORE) : start]):
            continue
        report(cards, number, "银行卡号")
    mobiles: set[str] = set()
    for match in MOBILE.finditer(text):
        number, start = match.group(1), match.start(1)
        if OFFICIAL_CONTEXT.search(text[max(0, start - CONTEXT_BEFORE) : start]):
            continue  # a published contact number
        report(mobiles, number, "个人手机号码", Severity.WARN, "（如为公开的工作联系电话可忽略）")
    return findings


def privacy_leak(page: Page, site: Site) -> Iterator[Finding]:
    yield from privacy_in_text(visible_text(page), page.url, page.is_homepage)
