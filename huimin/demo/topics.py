"""Demo content: topic pages and the three themes."""

from __future__ import annotations

from datetime import datetime


def build_topic_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo topic pages and the three themes; returns how many pages were created."""
    return 0
