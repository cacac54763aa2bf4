"""Notifications about letters, through pluggable channels (`huimin.core.notify`: e-mail, SMS; listed in
HUIMIN_LETTER_NOTIFIERS). Messages are plain text: a letter's own words are never
rendered as HTML anywhere outside the site."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from huimin.core.notify import EmailChannel, Notice  # noqa: F401 - EmailChannel is named in settings

logger = logging.getLogger(__name__)


def channels():
    return [import_string(path)() for path in settings.HUIMIN_LETTER_NOTIFIERS]


@task()
def deliver_task(to: list[str], subject: str, body: str) -> int:
    sent = 0
    for channel in channels():
        try:
            sent += channel.send(Notice(to, subject, body))
        except Exception:  # one broken channel must not stop the others; the log says which
            logger.exception("Notification through %s failed: %s", type(channel).__name__, subject)
    return sent


def queue(to: list[str], subject: str, body: str) -> None:
    """Send once the current transaction commits (nothing is announced for a change rolled back)."""
    to = sorted({address for address in to if address})
    if to:
        transaction.on_commit(lambda: deliver_task.enqueue(to, subject[:200], body))


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def unit_addresses(letter) -> list[str]:
    from huimin.sites.models import Membership

    from .services import UNIT_ROLES

    return list(
        Membership.objects.filter(org_unit_id=letter.unit_id, role__in=UNIT_ROLES)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def dispatched(letter) -> None:
    queue(
        unit_addresses(letter),
        f"【待签收】{letter.title}",
        f"贵单位收到一条分办的网民留言，请在 {_local(letter.accept_due)} 前签收，"
        f"{_local(letter.reply_due)} 前答复。\n\n查询码：{letter.query_code}\n标题：{letter.title}\n"
        f"类型：{letter.get_kind_display()}\n收到时间：{_local(letter.received_at)}\n\n"
        "请登录管理后台“留言办理”处理。",
    )


def deadline_near(letter) -> None:
    queue(
        unit_addresses(letter),
        f"【即将超期】{letter.title}",
        f"网民留言（查询码 {letter.query_code}）的办理时限已用去八成，"
        f"当前环节截止时间为 {_local(letter.due_at)}。\n"
        f"标题：{letter.title}\n状态：{letter.get_state_display()}\n\n请登录管理后台“留言办理”尽快处理。",
    )


def answered(letter) -> None:
    queue(
        [letter.contact_email],
        f"您的留言已答复：{letter.title}",
        f"您于 {_local(letter.received_at)} 提交的留言（查询码 {letter.query_code}）已由"
        f"{letter.reply_unit.name if letter.reply_unit else '承办单位'}答复：\n\n{letter.reply}\n\n"
        "请凭查询码和查询密码在网站“留言办理查询”中查看并评价。",
    )
