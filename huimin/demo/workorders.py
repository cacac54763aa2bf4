"""Demo content: placeholder until this part is built."""

from __future__ import annotations

from datetime import datetime


def build_workorder_demo(spec: dict, now: datetime, admin) -> int:
    return 0
