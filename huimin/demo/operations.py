"""Demo content of the operations duties: work orders, the content-safety dictionary's use, security alerts
and the register of drills, the columns' responsibility and the duty roster. Each part is its own function
below, called in order by `build_operations_demo`; every record goes through its app's services, with times
derived from `now`. Safe to run again: each part looks for what it made first."""

from __future__ import annotations

from datetime import datetime


def build_operations_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo's operations records; returns how many records were created."""
    created = 0
    for part in (build_workorders, build_security, build_duty):
        created += part(spec, now, admin)
    return created


def build_workorders(spec: dict, now: datetime, admin) -> int:
    return 0


def build_security(spec: dict, now: datetime, admin) -> int:
    return 0


def build_duty(spec: dict, now: datetime, admin) -> int:
    return 0
