"""What each app holds about an account, for 我的数据: exported as JSON, erased with the
account.

Every app that keeps personal data about an account registers one `Holder` in its AppConfig.ready(): its name
(the key in the export), a function giving a JSON-ready value for an account, and a function erasing what may
be erased, returning a sentence saying what it kept and why (the law keeps some records: letters are public
records of the government's work, and 依申请公开 applications are archived), or "" when it kept nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Holder:
    name: str
    label: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], str]


HOLDERS: dict[str, Holder] = {}


def register(holder: Holder) -> None:
    HOLDERS[holder.name] = holder


def holders() -> list[Holder]:
    return list(HOLDERS.values())
