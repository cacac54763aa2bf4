"""Demo content: service guides and handling statistics."""

from __future__ import annotations

from datetime import datetime


def build_service_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo service guides and handling statistics; returns how many pages were created."""
    return 0
