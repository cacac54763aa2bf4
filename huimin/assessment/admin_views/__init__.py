"""The admin screens of 年度考核, one module per concept. Each module exports `urlpatterns` (mounted under
/admin/assessment/ by wagtail_hooks) and `MENU`: the items it adds to the 年度考核 menu, as
`MenuEntry(label, url_name, icon, order, shown)` where `shown(user)` says who sees it."""

from typing import NamedTuple


class MenuEntry(NamedTuple):
    label: str
    url_name: str
    icon: str
    order: int
    shown: object  # callable(user) -> bool
