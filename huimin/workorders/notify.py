"""E-mail about work orders: who is told (the assignee, or before dispatch the site's 站点管理员 and the
platform team) and the Chinese text. Sent through the letters' notification channels (`huimin.letters.notify`,
after the transaction commits), as plain text: an order's own words are never rendered as HTML."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from huimin.letters import notify as channels
from huimin.sites.enums import Role
from huimin.sites.models import Membership, SiteIdentity

from .models import WorkOrder

DETAIL_URL = "workorders_detail"  # the admin detail screen of an order
WORDS = {
    "warning": ("临期", "办理时限已用去八成，即将到期"),
    "overdue": ("超期", "已超过办理期限"),
    "escalated": ("超期升级", "超期时间已超过一个完整的办理时限，现提请平台管理员督办"),
}


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def detail_url(order: WorkOrder) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(DETAIL_URL, args=[order.pk])


def _emails(users) -> list[str]:
    return [email for email in users.exclude(email="").values_list("email", flat=True) if "@" in email]


def platform_addresses() -> list[str]:
    return _emails(get_user_model().objects.filter(is_superuser=True, is_active=True))


def site_admin_addresses(site) -> list[str]:
    people = Membership.objects.filter(site=site, role=Role.SITE_ADMIN, user__is_active=True).values("user")
    return _emails(get_user_model().objects.filter(pk__in=people))


def reminder_addresses(order: WorkOrder, level: str) -> list[str]:
    """An escalation goes to the platform team; a reminder to the assignee, or, before dispatch (or when the
    assignee has no address), to the site's 站点管理员 and the platform team."""
    if level == "escalated":
        return sorted(set(platform_addresses()))
    if order.assignee_id and order.assignee.is_active and "@" in (order.assignee.email or ""):
        return [order.assignee.email]
    return sorted(set(site_admin_addresses(order.site) + platform_addresses()))


def site_name(order: WorkOrder) -> str:
    identity = SiteIdentity.objects.filter(site=order.site).values_list("site_name", flat=True).first()
    return identity or order.site.site_name or order.site.hostname


def reminder(order: WorkOrder, level: str, to: list[str]) -> None:
    """Queue the reminder of `level` (warning, overdue, escalated) about `order` to `to`."""
    short, sentence = WORDS[level]
    assignee = "尚未派发"
    if order.assignee_id:
        assignee = order.assignee.get_full_name() or order.assignee.get_username()
    channels.queue(
        to,
        f"【网站工单{short}】{order.number} {order.title}",
        f"网站工单 {order.number} {sentence}。\n\n"
        f"标题：{order.title}\n网站：{site_name(order)}\n类型：{order.kind.name}\n"
        f"紧急程度：{order.get_priority_display()}\n状态：{order.get_state_display()}\n"
        f"承办人：{assignee}\n办理期限：{local_time(order.due_at)}\n\n"
        f"请登录管理后台“网站工单”尽快处理：{detail_url(order)}",
    )
