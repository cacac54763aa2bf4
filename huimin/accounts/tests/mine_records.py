"""What the tests of 我的 share: the clock they pin, the portal's host, and letters and 依申请公开
applications made through their services (each with its own phone number, so the hourly limits never
refuse one).

    letter, password = write_letter()                    # anonymous, on the portal
    letter, _ = write_letter(author=account.user)        # written while signed in
    application, password = send_application()
"""

from __future__ import annotations

import itertools
from datetime import datetime

from wagtail.models import Site

from huimin.disclosure.tests.factories import apply
from huimin.letters import services as letter_services
from huimin.letters.enums import Kind
from huimin.sites.models import OrgUnit
from huimin.workdays.working_time import SHANGHAI

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)  # a Monday after the demo's DEMO_NOW
HOST = "127.0.0.1:8000"  # the portal, and the login hub (HUB)
HUB = "127.0.0.1"
XSS = "<script>alert('x')</script>"
SQL = "' OR 1=1; DROP TABLE huimin_letters_letter; --"

_phones = itertools.count(1)


def portal() -> Site:
    return Site.objects.get(hostname="127.0.0.1")


def write_letter(*, now: datetime = NOW, **changes):
    """(letter, query password): a complaint received on the portal at `now`."""
    values = {
        "site": portal(),
        "kind": Kind.COMPLAINT,
        "title": "小区门口河道有垃圾",
        "content": "河道里漂着很多垃圾，请尽快清理。",
        "contact_name": "张三",
        "contact_phone": f"137{next(_phones):08d}",
        "may_publish": True,
    } | changes
    return letter_services.submit_letter(letter_services.LetterData(**values), now=now)


def send_application(*, now: datetime = NOW, **changes):
    """(application, query password): a citizen's application to the water bureau, on the portal."""
    return apply(portal(), OrgUnit.objects.get(name="宿迁市水利局"), now, **changes)
