"""Admin glue of the topic designer: palettes and templates as snippets, the template views, and the
"复制为新专题" / "另存为专题模板" buttons on topic pages."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import services
from .models import TopicPage, TopicPalette, TopicTemplate
from .views import CreateFromTemplateView, SaveAsTemplateView


class TopicPaletteViewSet(SnippetViewSet):
    model = TopicPalette
    icon = "palette"
    menu_label = "专题配色"
    list_display = ["name", "primary", "on_primary", "accent", "surface", "text"]


class TopicTemplateViewSet(SnippetViewSet):
    model = TopicTemplate
    icon = "doc-full-inverse"
    menu_label = "专题模板"
    list_display = ["name", "kind", "palette"]
    list_filter = ["kind"]
    search_fields = ["name", "description"]


class TopicSnippets(SnippetViewSetGroup):
    menu_label = "专题设计"
    menu_icon = "palette"
    menu_order = 270
    items = (TopicPaletteViewSet, TopicTemplateViewSet)


register_snippet(TopicSnippets)


@hooks.register("register_admin_urls")
def register_topic_urls():
    return [
        path("topics/from-template/", CreateFromTemplateView.as_view(), name="topics_create_from_template"),
        path(
            "topics/<int:page_id>/save-as-template/",
            SaveAsTemplateView.as_view(),
            name="topics_save_as_template",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_create_from_template_menu_item():
    return MenuItem(
        "从模板新建专题", reverse("topics_create_from_template"), icon_name="doc-full-inverse", order=275
    )


def _is_topic(page) -> bool:
    return page.specific_class is not None and issubclass(page.specific_class, TopicPage)


class CopyAsNewTopicItem(PageMenuItem):
    label = "复制为新专题"
    icon_name = "copy"
    url_name = "wagtailadmin_pages:copy"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_copy()


class SaveAsTemplateItem(PageMenuItem):
    label = "另存为专题模板"
    icon_name = "doc-full-inverse"
    url_name = "topics_save_as_template"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_listing_more_buttons")
def topic_listing_more_buttons(page, user, next_url=None):
    if _is_topic(page):
        yield CopyAsNewTopicItem(page=page, priority=21)
        yield SaveAsTemplateItem(page=page, priority=22)


@hooks.register("register_page_header_buttons")
def topic_header_buttons(page, user, view_name, next_url=None):
    if _is_topic(page):
        yield CopyAsNewTopicItem(page=page, priority=31)
        yield SaveAsTemplateItem(page=page, priority=32)


@hooks.register("register_log_actions")
def register_topic_log_actions(actions):
    actions.register_action(services.SAVE_AS_TEMPLATE_ACTION, "另存为专题模板", "将专题另存为模板")
    actions.register_action(services.CREATE_FROM_TEMPLATE_ACTION, "从模板新建专题", "从专题模板新建了专题")
