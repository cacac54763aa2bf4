"""Demo content of the operations duties: work orders (demo/workorders.py), security alerts and the register
of drills (demo/security.py), the columns' responsibility and the duty roster (demo/duty.py), called in that
order. Every record goes through its app's services, with times derived from `now`; each part is safe to run
again (it looks for what it made first)."""

from __future__ import annotations

from datetime import datetime

from .duty import build_duty_demo
from .security import build_security_demo
from .workorders import build_workorder_demo


def build_operations_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo's operations records; returns how many records were created."""
    return sum(
        part(spec, now, admin) for part in (build_workorder_demo, build_security_demo, build_duty_demo)
    )
