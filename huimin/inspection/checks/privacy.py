"""Personal data published by mistake: resident ID numbers (checked against region, birth date and the
ISO 7064 MOD 11-2 check character), mainland mobile numbers, bank card numbers (Luhn) and home addresses.
Only numbers that stand alone (not part of a longer run of digits or letters) are considered; evidence masks
them. `privacy_matches` gives every place with its offsets (the content-safety engine uses it);
`privacy_in_text` makes the inspection's findings from it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

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
# A home address: a road, street, lane, village or estate with a house number, down to the flat (室, 户,
# 单元 or 楼/栋/幢 with a room) when there is no label such as 住址 before it.
# Every number the three patterns above can match lies in a run of at least 11 digits: the patterns run only
# around such runs (a page of prose has few), which keeps a megabyte of text in milliseconds.
LONG_DIGITS = re.compile(r"[0-9]{11,}[0-9Xx]?")
# Where an address can end: a road, street … word and a house number; the full pattern runs back from there.
ADDRESS_HINT = re.compile(r"(?:路|街|巷|弄|道|村|组|小区|花园|公寓|新村|家园|苑)[0-9]{1,5}(?:-[0-9]{1,5})?号")
ADDRESS_LOOKBACK = 12
ADDRESS = re.compile(
    r"[\u4e00-\u9fff]{1,12}(?:路|街|巷|弄|道|村|组|小区|花园|公寓|新村|家园|苑)"
    r"[0-9]{1,5}(?:-[0-9]{1,5})?号(?:院)?"
    r"(?P<flat>(?:[0-9A-Za-z]{1,4}(?:号楼|栋|幢|座))?(?:[0-9]{1,3}单元)?[0-9]{1,5}(?:室|户)"
    r"|[0-9]{1,3}单元|[0-9]{1,4}(?:号楼|栋|幢)[0-9]{1,5})?"
)
PERSONAL_ADDRESS_CONTEXT = re.compile(r"住址|家住|居住|住所|户籍|现住|家庭地址|住在")
ADDRESS_LABEL = re.compile(
    r"^(?:家庭住址|家庭地址|现住址|户籍地址|户籍地|家住|住址|现住|居住在|居住于|居住|住在|住所)[:：]?"
)
OFFICIAL_ADDRESS_CONTEXT = re.compile(r"联系地址|办公地址|办公地点|通讯地址|受理地点|地点|窗口|邮编|单位地址")
# How the inspection reports each kind: what, its severity and a note; and in which order.
REPORTED = {
    "id": ("居民身份证号码", Severity.DEDUCT, ""),
    "card": ("银行卡号", Severity.DEDUCT, ""),
    "mobile": ("个人手机号码", Severity.WARN, "（如为公开的工作联系电话可忽略）"),
}
REPORT_ORDER = {"id": 0, "card": 1, "mobile": 2}


def valid_id_number(number: str, today: date | None = None) -> bool:
    """Region, birth date and check character of an 18-character resident ID number. The birth date must
    be on or after 1900-01-01 and, when `today` is given (time is an argument), not after it."""
    number = number.upper()
    if len(number) != 18 or number[:2] not in PROVINCES or not number[:17].isdigit():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born < date(1900, 1, 1) or (today is not None and born > today):
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


class PrivacyMatch(NamedTuple):
    kind: str  # "id" | "card" | "mobile" | "address"
    number: str  # the number (the address text for "address"), unmasked
    start: int
    end: int
    severity: str  # "veto" (ID numbers, bank cards) | "warn" (mobiles, addresses)


def privacy_matches(text: str, *, today: date | None = None) -> list[PrivacyMatch]:
    """Every place in `text` where personal data seems published, in text order: ID numbers with a valid
    check character and bank card numbers (Luhn, issuer prefix, not in a record-number context) veto;
    mobile numbers not introduced as a contact number, and flat-level home addresses, warn."""
    found: list[PrivacyMatch] = []
    id_spans: list[tuple[int, int]] = []
    runs = [match.span() for match in LONG_DIGITS.finditer(text)]
    for match in _around(ID_NUMBER, text, runs):
        number = match.group(1).upper()
        if valid_id_number(number, today):
            id_spans.append(match.span(1))
            found.append(PrivacyMatch("id", number, *match.span(1), "veto"))
    for match in _around(CARD, text, runs):
        number, (start, end) = match.group(1), match.span(1)
        if any(start < e and s < end for s, e in id_spans) or not card_like(number) or not luhn(number):
            continue
        if NOT_CARD_CONTEXT.search(text[max(0, start - CONTEXT_BEFORE) : start]):
            continue
        found.append(PrivacyMatch("card", number, start, end, "veto"))
    for match in _around(MOBILE, text, runs):
        number, start = match.group(1), match.start(1)
        if OFFICIAL_CONTEXT.search(text[max(0, start - CONTEXT_BEFORE) : start]):
            continue  # a published contact number
        found.append(PrivacyMatch("mobile", number, start, match.end(1), "warn"))
    for match in _addresses(text):
        start, end = match.span()
        before = text[max(0, start - CONTEXT_BEFORE) : start]
        label = ADDRESS_LABEL.match(match.group(0))
        if label:
            if not match.group(0)[label.end() :].strip():
                continue
            before, start = before + label.group(0), start + label.end()
        if OFFICIAL_ADDRESS_CONTEXT.search(before):
            continue  # an office's published address
        if not (match.group("flat") or PERSONAL_ADDRESS_CONTEXT.search(before)):
            continue  # a street number alone is no home address
        found.append(PrivacyMatch("address", text[start:end], start, end, "warn"))
    found.sort(key=lambda m: (m.start, m.end))
    return found


def _around(pattern: re.Pattern, text: str, runs: list[tuple[int, int]]) -> Iterator[re.Match]:
    """The matches of `pattern` within the digit runs (the lookbehind sees before a run, and the character
    after it is inside the window for the lookahead)."""
    for start, end in runs:
        yield from pattern.finditer(text, start, min(len(text), end + 1))


def _addresses(text: str) -> Iterator[re.Match]:
    """The matches of `ADDRESS`, found from the house numbers back (as `ADDRESS.finditer` would find them)."""
    reached = 0
    for hint in ADDRESS_HINT.finditer(text):
        if hint.start() < reached:
            continue
        start = hint.start()
        while (
            start > max(reached, hint.start() - ADDRESS_LOOKBACK) and "\u4e00" <= text[start - 1] <= "\u9fff"
        ):
            start -= 1
        for begin in range(start, hint.start()):
            match = ADDRESS.match(text, begin)
            if match is not None:
                reached = match.end()
                yield match
                break


def privacy_in_text(
    text: str, url: str, homepage: bool = False, *, today: date | None = None
) -> list[Finding]:
    """Privacy findings in any text (a page's visible text, or a text attachment): one per distinct number,
    at most `MAX_PER_KIND` of a kind; addresses are left to the content-safety check."""
    findings: list[Finding] = []
    seen: dict[str, set[str]] = {"id": set(), "card": set(), "mobile": set()}
    for match in sorted(privacy_matches(text, today=today), key=lambda m: REPORT_ORDER.get(m.kind, 9)):
        numbers = seen.get(match.kind)
        if numbers is None or match.number in numbers or len(numbers) >= MAX_PER_KIND:
            continue
        numbers.add(match.number)
        what, severity, note = REPORTED[match.kind]
        evidence = f"疑似公开{what} {mask(match.number)}{note}"
        findings.append(Finding(Check.PRIVACY_LEAK, severity, url, mask(match.number), evidence, homepage))
    return findings


def privacy_leak(page: Page, site: Site) -> Iterator[Finding]:
    yield from privacy_in_text(visible_text(page), page.url, page.is_homepage, today=site.now.date())
