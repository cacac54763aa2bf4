"""The admin screens of 年度考核, one module per concept, each exporting `urlpatterns` and `MENU`
(see huimin.core.admin_menu)."""

from huimin.core.admin_menu import MenuEntry

__all__ = ["MenuEntry"]
