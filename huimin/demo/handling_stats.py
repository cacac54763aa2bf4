"""Demo content: monthly handling statistics (办事统计) and their public page."""

from __future__ import annotations

from datetime import datetime


def build_handling_statistics_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo handling statistics; returns how many pages were created."""
    return 0
