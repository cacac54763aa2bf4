"""Demo content of the citizens' side: accounts (demo/accounts.py), their subscriptions and what was pushed to
them (demo/subscriptions.py), and the reading histories behind 为您推荐 (demo/profiles.py), called in that
order. Every record goes through its app's services, with times derived from `now`; each part is safe to run
again (it looks for what it made first)."""

from __future__ import annotations

from datetime import datetime

from .accounts import build_accounts_demo
from .profiles import build_profiles_demo
from .subscriptions import build_subscriptions_demo


def build_citizen_demo(spec: dict, now: datetime, admin) -> int:
    """Add the demo's citizen records; returns how many records were created."""
    return sum(
        part(spec, now, admin)
        for part in (build_accounts_demo, build_subscriptions_demo, build_profiles_demo)
    )
