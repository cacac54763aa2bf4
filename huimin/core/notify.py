"""Notices to people outside the admin, through pluggable channels: e-mail and SMS.

A channel takes a `Notice` and sends it to the addresses it understands (e-mail addresses for the mail
channel, mainland mobile numbers for the SMS channel), returning how many it sent. Which SMS gateway is
used is a setting (`HUIMIN_SMS_BACKEND`): `LocmemSms` keeps messages in `sms_outbox` (the tests read it
like `django.core.mail.outbox`), `ConsoleSms` writes them to the log (development), `FileSms` to a file
(tests of a server process), `HttpSms` posts them to the city's SMS gateway. Messages are plain text.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class Notice:
    to: list[str]
    subject: str
    body: str


class EmailChannel:
    """Sends a notice by e-mail to every address that looks like one."""

    def send(self, notice: Notice) -> int:
        addresses = [a for a in notice.to if a and "@" in a]
        if not addresses:
            return 0
        return send_mail(notice.subject, notice.body, None, addresses, fail_silently=False)


# What the locmem gateway sent, newest last: (number, text) pairs. Tests clear it themselves.
sms_outbox: list[tuple[str, str]] = []


class LocmemSms:
    def deliver(self, number: str, text: str) -> None:
        sms_outbox.append((number, text))


class ConsoleSms:
    def deliver(self, number: str, text: str) -> None:
        logger.info("SMS to %s****%s: %s", number[:3], number[-4:], text)


class FileSms:
    """Appends each message as a JSON line {"to", "text"} to HUIMIN_SMS_FILE."""

    def deliver(self, number: str, text: str) -> None:
        line = json.dumps({"to": number, "text": text}, ensure_ascii=False)
        with open(settings.HUIMIN_SMS_FILE, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class HttpSms:
    """POSTs {"mobile", "content"} as JSON to HUIMIN_SMS_GATEWAY_URL with the bearer token; any answer but
    2xx is a failure the caller logs (and, for queued deliveries, records)."""

    def deliver(self, number: str, text: str) -> None:
        response = requests.post(
            settings.HUIMIN_SMS_GATEWAY_URL,
            json={"mobile": number, "content": text},
            headers={"Authorization": f"Bearer {settings.HUIMIN_SMS_GATEWAY_TOKEN}"},
            timeout=10,
        )
        response.raise_for_status()


def sms_gateway():
    return import_string(settings.HUIMIN_SMS_BACKEND)()


def sms_text(notice: Notice) -> str:
    """The SMS form of a notice: the subject, then the body, in at most 300 characters, signed."""
    text = f"{notice.subject} {notice.body}".strip()
    signature = f"【{settings.HUIMIN_SMS_SIGNATURE}】" if settings.HUIMIN_SMS_SIGNATURE else ""
    room = 300 - len(signature)
    return signature + (text if len(text) <= room else text[: room - 1] + "…")


class SmsChannel:
    """Sends a notice by SMS to every address that is a mainland mobile number."""

    def send(self, notice: Notice) -> int:
        numbers = [a for a in notice.to if a and MOBILE_RE.match(a)]
        gateway = sms_gateway() if numbers else None
        for number in numbers:
            gateway.deliver(number, sms_text(notice))
        return len(numbers)
