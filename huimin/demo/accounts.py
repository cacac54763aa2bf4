"""Demo citizen accounts: a natural person who signs in with a mobile number, one with an e-mail address, and
a legal person (a company with a valid unified social credit code, its industry and region from its
registration). Made through the accounts services (a code issued and used, the terms accepted) at times
derived from `now`; an account whose username exists already is left as it is.

`DEMO_ACCOUNTS` is how the other demo parts and the browser tests find them: each dict gives the username
of the Django user, the login (mobile number or e-mail address), the password (the demo's, as for staff:
sitegroup.json "password"), the kind, the display name and the tags (key: values).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from wagtail.models import Site

from huimin.accounts import codes, services
from huimin.accounts.enums import AccountKind, CodeChannel, CodePurpose

DEMO_PASSWORD = json.loads((Path(__file__).parent / "data" / "sitegroup.json").read_text("utf-8"))["password"]

DEMO_ACCOUNTS: list[dict] = [
    {
        "username": "demo-citizen-wang",
        "login": "15950000001",
        "password": DEMO_PASSWORD,
        "kind": AccountKind.PERSON.value,
        "display_name": "王小明",
        "tags": {"group": ["老年人"]},
        "site": "127.0.0.1",
        "days_ago": 120,
    },
    {
        "username": "demo-citizen-li",
        "login": "lihua@example.com",
        "password": DEMO_PASSWORD,
        "kind": AccountKind.PERSON.value,
        "display_name": "李华",
        "tags": {"group": ["高校毕业生", "创业者"]},
        "site": "shuyang.localhost",
        "days_ago": 45,
    },
    {
        "username": "demo-company-huimin",
        "login": "15950000003",
        "password": DEMO_PASSWORD,
        "kind": AccountKind.LEGAL.value,
        "display_name": "宿迁惠民示范科技有限公司",
        "org_name": "宿迁惠民示范科技有限公司",
        "credit_code": "91321300MA1N0DEM01",
        "tags": {"industry": ["信息传输、软件和信息技术服务业"], "region": ["宿城区"], "size": ["小型企业"]},
        "site": "sucheng.localhost",
        "days_ago": 20,
    },
]
REGISTRATION_KEYS = ("industry", "region")


def _registration(spec: dict, code: str) -> services.Registration:
    legal = spec["kind"] == AccountKind.LEGAL
    pairs = [(key, value) for key, values in spec["tags"].items() for value in values]
    return services.Registration(
        address=spec["login"],
        code=code,
        password=spec["password"],
        kind=spec["kind"],
        display_name=spec["display_name"],
        org_name=spec.get("org_name", ""),
        credit_code=spec.get("credit_code", ""),
        registration_tags=[(k, v) for k, v in pairs if legal and k in REGISTRATION_KEYS],
        chosen_tags=[(k, v) for k, v in pairs if not (legal and k in REGISTRATION_KEYS)],
    )


def build_accounts_demo(spec: dict, now: datetime, admin) -> int:
    """Register the demo accounts that do not exist yet; returns how many were made."""
    users = get_user_model().objects
    made = 0
    for item in DEMO_ACCOUNTS:
        if users.filter(username=item["username"]).exists():
            continue
        at = now - timedelta(days=item["days_ago"])
        channel = CodeChannel.EMAIL if "@" in item["login"] else CodeChannel.SMS
        code = codes.issue(address=item["login"], channel=channel, purpose=CodePurpose.REGISTER, now=at)
        services.register(
            _registration(item, code),
            site=Site.objects.filter(hostname=item["site"]).first(),
            now=at,
            username=item["username"],
        )
        made += 1
    return made
