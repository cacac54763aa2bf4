"""E-mail about security alerts, in plain Chinese text with a link to the alert in the admin. Who is told is
data (data/thresholds.json: `notify` when an alert is raised, each escalation step's `notify`): a site's
站点管理员, the platform administrators, the 安全管理员. Mail leaves through the project's one notice queue
(`huimin.letters.notify.queue`): after the transaction commits, by the task worker."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from huimin.letters import notify as notices
from huimin.sites.enums import Role
from huimin.sites.models import Membership

from . import rules
from .enums import Audience

MAX_EVIDENCE_LINES = 10


def addresses(audiences, site) -> list[str]:
    """The e-mail addresses of the active people in `audiences` (a site's administrators: of `site`)."""
    found: set[str] = set()
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    for audience in audiences:
        if audience == Audience.PLATFORM_ADMIN:
            found |= set(users.filter(is_superuser=True).values_list("email", flat=True))
        elif audience == Audience.SECURITY_ADMIN:
            people = Membership.objects.filter(site=None, role=Role.SECURITY_ADMIN).values("user_id")
            found |= set(users.filter(pk__in=people).values_list("email", flat=True))
        elif audience == Audience.SITE_ADMIN and site is not None:
            people = Membership.objects.filter(site=site, role=Role.SITE_ADMIN).values("user_id")
            found |= set(users.filter(pk__in=people).values_list("email", flat=True))
    return sorted(found)


def link(alert) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("security_alert", args=[alert.pk])


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


def _facts(alert) -> str:
    lines = [
        f"网站：{alert.target.name}（{alert.target.url}）",
        f"预警类型：{alert.get_kind_display()}",
        f"级别：{alert.get_severity_display()}",
        f"首次发现：{_local(alert.first_seen)}",
    ]
    if alert.detail:
        lines.append(f"说明：{alert.detail}")
    evidence = alert.evidence or []
    if evidence:
        lines.append("问题明细：")
        lines += [
            f"  - {row.get('evidence', '')}（{row.get('url', '')}）" for row in evidence[:MAX_EVIDENCE_LINES]
        ]
        if len(evidence) > MAX_EVIDENCE_LINES:
            lines.append(f"  ……共 {len(evidence)} 处")
    return "\n".join(lines)


def _next_step(alert) -> str:
    steps = rules.thresholds().escalation
    if alert.escalation_level >= len(steps):
        return ""
    step = steps[alert.escalation_level]
    who = "、".join(Audience(audience).label for audience in step.notify)
    return f"预警发出 {step.after_minutes} 分钟后仍未确认的，将升级通知{who}。"


def raised(alert) -> None:
    to = addresses(rules.thresholds().notify, alert.site)
    notices.queue(
        to,
        f"【安全预警·{alert.get_severity_display()}】{alert.title}",
        f"{_facts(alert)}\n\n请立即核实处置，并在管理后台确认此预警：\n{link(alert)}\n{_next_step(alert)}",
    )


def escalated(alert, audiences) -> None:
    minutes = int((alert.escalated_at - alert.first_seen).total_seconds() // 60)
    notices.queue(
        addresses(audiences, alert.site),
        f"【安全预警升级·第 {alert.escalation_level} 次】{alert.title}",
        f"此安全预警发出已 {minutes} 分钟，仍无人确认，现升级通知。\n\n{_facts(alert)}\n\n"
        f"请督促网站管理员立即处置，并在管理后台确认此预警：\n{link(alert)}\n{_next_step(alert)}",
    )


def resolved(alert) -> None:
    how = "复查已不再发现该问题" if alert.resolved_by is None else "已由管理员解除"
    notices.queue(
        addresses(rules.thresholds().notify, alert.site),
        f"【安全预警解除】{alert.title}",
        f"{how}（{_local(alert.resolved_at)}）。\n\n{_facts(alert)}\n\n详情：\n{link(alert)}",
    )
