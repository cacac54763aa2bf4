"""Reads of 网站工单: who may use the screens, and which orders a person sees."""

from __future__ import annotations


def uses_workorders(user) -> bool:
    """Anyone with a role on a site, the platform team, and vendor accounts."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.memberships.exists() or hasattr(user, "vendor_account")
