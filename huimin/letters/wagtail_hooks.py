from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSet

from huimin.core.dashboard import Row, WorkbenchPanel

from . import admin_views
from .enums import OPEN_STATES, State
from .models import Letter, ReplyTemplate, RoutingRule, TimeLimitRule
from .queries import dispatch_sites, inbox, own_units


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
    list_display = ["name", "kind", "chosen_unit", "unit", "priority", BooleanColumn("active", label="启用")]
    list_filter = ["active", "kind"]
    form_fields = ["name", "kind", "chosen_unit", "keywords", "unit", "priority", "active"]


@hooks.register("register_admin_viewset")
def register_routing_rules():
    return RoutingRuleViewSet("letter-routing-rules")


# --- 工作台: letters waiting for me and overdue ---------------------------------------------------------

UNIT_STATES = (State.DISPATCHED, State.ACCEPTED, State.AWAITING_INFO, State.REPLIED)
URGENT_ROWS = 6


def letters_panel(user, now=None) -> WorkbenchPanel | None:
    """待办留言: a unit's letters by state, and for dispatchers (site administrators, the platform) their
    sites' letters to dispatch; overdue and about-to-be-late counts; the most urgent letters first."""
    now = now or timezone.now()
    units, sites = own_units(user), dispatch_sites(user)
    dispatcher = sites is None or bool(sites)
    if not units and not dispatcher:
        return None
    base = reverse("letters_inbox")
    counts, mine = [], Letter.objects.none()
    if units:
        mine = inbox(user)
        by_state = dict.fromkeys(UNIT_STATES, 0)
        for state in mine.values_list("state", flat=True):
            by_state[state] = by_state.get(state, 0) + 1
        counts += [
            Row(State(state).label, n, url=f"{base}?view=inbox&state={state}")
            for state, n in by_state.items()
        ]
    if dispatcher:
        scope = Letter.objects.all() if sites is None else Letter.objects.filter(site_id__in=sites)
        waiting = scope.filter(state__in=(State.SUBMITTED, State.RETURNED)).count()
        counts.append(Row("待分办", waiting, url=f"{base}?view=board"))
        mine = mine | scope.filter(state__in=OPEN_STATES) if units else scope.filter(state__in=OPEN_STATES)
    open_letters = mine.filter(due_at__isnull=False)
    overdue = open_letters.filter(due_at__lt=now)
    warning = open_letters.filter(warn_at__lte=now, due_at__gte=now)
    counts += [
        Row("已超期", overdue.count(), url=f"{base}?view={'board' if dispatcher else 'inbox'}", alert=True),
        Row("临期", warning.count(), url=f"{base}?view={'board' if dispatcher else 'inbox'}", alert=True),
    ]
    urgent = (
        mine.filter(Q(due_at__lt=now) | Q(warn_at__lte=now))
        .select_related("unit")
        .order_by("due_at")[:URGENT_ROWS]
    )
    rows = [
        Row(
            letter.title,
            url=reverse("letters_letter", args=[letter.pk]),
            note=f"{letter.get_state_display()}，{'已超期' if letter.due_at < now else '临期'}，"
            f"截止 {timezone.localtime(letter.due_at):%Y-%m-%d %H:%M}"
            + (f"，承办单位：{letter.unit.name}" if letter.unit_id else ""),
            alert=letter.due_at < now,
        )
        for letter in urgent
    ]
    return WorkbenchPanel(
        "letters",
        "待办留言",
        order=20,
        counts=counts,
        rows=rows,
        empty="没有等待您办理的留言。",
        more_url=base,
        more_label="进入留言办理",
    )


@hooks.register("construct_homepage_panels")
def add_letters_panel(request, panels):
    panel = letters_panel(request.user)
    if panel is not None:
        panels.append(panel)
