"""Demo content: online interviews."""

from __future__ import annotations

from datetime import datetime


def build_interview_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo online interviews; returns how many pages were created."""
    return 0
