"""Personal data in published letters is masked: mobile and landline numbers, ID card numbers, bank cards,
e-mail addresses, house numbers in addresses, map coordinates (as other channels append them: "（位置：…）"),
and the writer's own name wherever it appears."""

from __future__ import annotations

import re

ID_CARD = re.compile(
    r"(?<![0-9])([1-9][0-9]{5})(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{2}[0-9]{3}([0-9Xx])(?![0-9])"
)
BANK_CARD = re.compile(r"(?<![0-9])[0-9]{12,15}([0-9]{4})(?![0-9])")
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
LANDLINE = re.compile(r"(?<![0-9])(0[0-9]{2,3})[-－ ]?[0-9]{7,8}(?![0-9])")
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
COORDINATES = re.compile(r"（位置：[^）]*）")
HOUSE_NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十百零]+(?=\s*(?:号楼|号|栋|幢|单元|室|楼|层|弄|组))")


def mask(text: str, *, names: tuple[str, ...] = ()) -> str:
    """The text as it may be published."""
    if not text:
        return text
    text = COORDINATES.sub("（位置：已隐去）", text)
    text = ID_CARD.sub(lambda m: f"{m.group(1)}********{'*' * 3}{m.group(2)}", text)
    text = BANK_CARD.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(1), text)
    text = MOBILE.sub(r"\1****\2", text)
    text = LANDLINE.sub(lambda m: f"{m.group(1)}-********", text)
    text = EMAIL.sub(r"\1***@\2", text)
    text = HOUSE_NUMBER.sub(lambda m: "*" * len(m.group(0)), text)
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            text = text.replace(name, name[0] + "*" * (len(name) - 1))
    return text
