"""Admin glue of precise push: the reach of a page (a button in the page editor's header, for those who may
edit the page) and 推送记录 (a menu item for the platform team)."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem

from . import admin_views
from .signals import PUSHED_MODELS


@hooks.register("register_admin_urls")
def register_push_urls():
    return [
        path(
            "subscriptions/reach/<int:page_id>/", admin_views.ReachView.as_view(), name="subscriptions_reach"
        ),
        path("subscriptions/log/", admin_views.PushLogView.as_view(), name="subscriptions_log"),
    ]


class PushLogMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see_log(request.user)


@hooks.register("register_admin_menu_item")
def register_push_log_menu_item():
    return PushLogMenuItem("推送记录", reverse("subscriptions_log"), icon_name="mail", order=285)


class ReachItem(PageMenuItem):
    label = "推送范围（订阅用户数）"
    icon_name = "mail"
    url_name = "subscriptions_reach"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


def _is_pushed(page) -> bool:
    model = page.specific_class
    return model is not None and model.__name__ in PUSHED_MODELS


@hooks.register("register_page_header_buttons")
def reach_header_button(page, user, view_name, next_url=None):
    if _is_pushed(page):
        yield ReachItem(page=page, priority=40)
