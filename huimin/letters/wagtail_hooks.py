from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .models import ReplyTemplate, RoutingRule, TimeLimitRule
from .queries import dispatch_sites, own_units


class LettersMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.is_superuser or bool(dispatch_sites(user)) or bool(own_units(user))


@hooks.register("register_admin_urls")
def register_letter_urls():
    return [
        path("letters/", admin_views.InboxView.as_view(), name="letters_inbox"),
        path("letters/<int:pk>/", admin_views.LetterView.as_view(), name="letters_letter"),
        path("letters/outbox/", admin_views.OutboxView.as_view(), name="letters_outbox"),
        path(
            "letters/<int:pk>/fujian/<int:attachment_pk>/",
            admin_views.attachment,
            name="letters_attachment",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_letters_menu_item():
    return LettersMenuItem("留言办理", reverse("letters_inbox"), icon_name="mail", order=240)


class ReplyTemplateViewSet(ModelViewSet):
    model = ReplyTemplate
    icon = "openquote"
    menu_label = "常用答复口径"
    add_to_admin_menu = True
    menu_order = 241
    list_display = ["title", "unit"]
    form_fields = ["unit", "title", "text"]


class TimeLimitRuleViewSet(ModelViewSet):
    model = TimeLimitRule
    icon = "time"
    menu_label = "留言办理时限"
    add_to_settings_menu = True
    list_display = ["kind", "dispatch_hours", "accept_hours", "reply_days", "simple_reply_days"]
    form_fields = ["kind", "dispatch_hours", "accept_hours", "reply_days", "simple_reply_days"]


@hooks.register("register_admin_viewset")
def register_reply_templates():
    return ReplyTemplateViewSet("reply-templates")


@hooks.register("register_admin_viewset")
def register_time_limits():
    return TimeLimitRuleViewSet("letter-time-limits")


class RoutingRuleViewSet(ModelViewSet):
    model = RoutingRule
    icon = "redirect"
    menu_label = "留言分办规则"
    add_to_settings_menu = True
    list_display = ["name", "kind", "chosen_unit", "unit", "priority", "active"]
    list_filter = ["active", "kind"]
    form_fields = ["name", "kind", "chosen_unit", "keywords", "unit", "priority", "active"]


@hooks.register("register_admin_viewset")
def register_routing_rules():
    return RoutingRuleViewSet("letter-routing-rules")
