"""What a push says: the mail (plain text with a simple HTML alternative, and RFC 8058 one-click unsubscribe
headers) and the SMS (short, with short links), for one delivery or a digest of several.

Links are absolute, on the account's own site (where it registered; else the login hub, else the default
site): the item's page, the inbox, the subscriptions, and the message's unsubscribe link (its token ends the
subscriptions that caused the message).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from wagtail.models import Site

from huimin.core.notify import Notice, SmsChannel

from .enums import Channel, Frequency, PublicationReason

SMS_TITLE_CHARS = 30


@dataclass
class Message:
    channel: str
    subject: str
    body: str
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def hub_site() -> Site | None:
    hub = (getattr(settings, "HUIMIN_ACCOUNTS_HUB", "") or "").strip().lower()
    hostname = hub.rsplit(":", 1)[0] if hub.count(":") == 1 else hub
    return (
        (Site.objects.filter(hostname=hostname).first() if hostname else None)
        or Site.objects.filter(is_default_site=True).first()
        or Site.objects.order_by("pk").first()
    )


def account_root(account) -> str:
    site = account.registered_site if account is not None and account.registered_site_id else None
    site = site or hub_site()
    return site.root_url.rstrip("/") if site is not None else ""


def links(account, dispatch) -> dict[str, str]:
    root = account_root(account)
    return {
        "root": root,
        "unsubscribe": root + reverse("subscriptions:unsubscribe", args=[dispatch.token]),
        "subscriptions": root + reverse("subscriptions:list"),
        "inbox": root + reverse("subscriptions:inbox"),
    }


def short_link(account, delivery) -> str:
    return account_root(account) + reverse("subscriptions:go", args=[delivery.code])


def _item(delivery) -> dict:
    publication = delivery.publication
    return {
        "title": publication.title,
        "url": publication.url,
        "kind": _kind_label(publication.kind),
        "updated": publication.reason == PublicationReason.CHANGED,
        "changes": "、".join(publication.changes),
        "why": delivery.reason,
    }


def _kind_label(kind: str) -> str:
    from .enums import PUSHED_KINDS

    return PUSHED_KINDS.get(kind, "")


def compose(account, channel: str, deliveries, dispatch) -> Message:
    items = [_item(delivery) for delivery in deliveries]
    urls = links(account, dispatch)
    digest = len(items) > 1
    frequency = Frequency(deliveries[0].frequency).label if digest else ""
    if channel == Channel.SMS:
        if digest:
            text = f"您订阅的信息有{len(items)}条更新，详见 {urls['inbox']} 退订 {urls['unsubscribe']}"
        else:
            title = items[0]["title"]
            title = title if len(title) <= SMS_TITLE_CHARS else title[: SMS_TITLE_CHARS - 1] + "…"
            verb = "更新" if items[0]["updated"] else "发布"
            link = short_link(account, deliveries[0])
            text = f"您订阅的信息有新{verb}：{title} {link} 退订 {urls['unsubscribe']}"
        return Message(channel, "", text)
    if digest:
        subject = f"【订阅推送】{len(items)} 条新信息（{frequency}）"
    else:
        subject = f"【订阅推送】{'（更新）' if items[0]['updated'] else ''}{items[0]['title']}"
    context = {"account": account, "items": items, "digest": digest, "frequency": frequency, "links": urls}
    return Message(
        channel,
        subject,
        render_to_string("subscriptions/mail/push.txt", context),
        render_to_string("subscriptions/mail/push.html", context),
        headers={
            "List-Unsubscribe": f"<{urls['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send(message: Message, address: str) -> None:
    """Send one message; raises what the mail server or the SMS gateway raised."""
    if message.channel == Channel.SMS:
        if not SmsChannel().send(Notice([address], message.subject, message.body)):
            raise ValueError("手机号码格式不正确。")
        return
    mail = EmailMultiAlternatives(message.subject, message.body, None, [address], headers=message.headers)
    if message.html:
        mail.attach_alternative(message.html, "text/html")
    mail.send(fail_silently=False)
