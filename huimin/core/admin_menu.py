"""An app's own admin submenu assembled from its screen modules. Each module exports `urlpatterns` (mounted
under /admin/<prefix>/) and `MENU`: its items as `MenuEntry(label, url_name, icon, order, shown)`, where
`shown(user)` says who sees it; a module may also export `viewset`. `register_submenu` registers the URLs,
the submenu and its items with Wagtail's hooks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem


class MenuEntry(NamedTuple):
    label: str
    url_name: str
    icon: str
    order: int
    shown: object  # callable(user) -> bool


class _EntryItem(MenuItem):
    def __init__(self, entry: MenuEntry):
        super().__init__(entry.label, reverse(entry.url_name), icon_name=entry.icon, order=entry.order)
        self.entry = entry

    def is_shown(self, request):
        return bool(self.entry.shown(request.user))


class _Submenu(SubmenuMenuItem):
    def __init__(self, *args, shown: Callable, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = shown

    def is_shown(self, request):
        return bool(self.shown(request.user))


def register_submenu(
    *, name: str, label: str, icon: str, order: int, prefix: str, modules: Sequence, shown: Callable
) -> None:
    hook_name = f"register_{name}_menu_item"

    @hooks.register("register_admin_urls")
    def urls():
        patterns = [pattern for module in modules for pattern in module.urlpatterns]
        return [path(f"{prefix}/", include(patterns))]

    entries = sorted((entry for module in modules for entry in module.MENU), key=lambda e: e.order)
    for entry in entries:
        hooks.register(hook_name, lambda entry=entry: _EntryItem(entry))

    @hooks.register("register_admin_menu_item")
    def menu():
        return _Submenu(
            label, Menu(register_hook_name=hook_name), name=name, icon_name=icon, order=order, shown=shown
        )

    for module in modules:
        viewset = getattr(module, "viewset", None)
        if viewset is not None:
            hooks.register("register_admin_viewset", lambda viewset=viewset: viewset)
