"""Small objects for the security tests, made through the apps' own doors, and a real HTTP server on loopback.

    server = SiteServer({"/": Route(home_html("首页"))})   # from the inspection tests: routes can change
    site = make_site("sec-a.localhost", server)             # a site of the group whose target is that server
    admin = site_admin(site, "sec-a-admin")                 # 站点管理员 of the site, with an e-mail address
    boss = platform_admin("sec-boss")                        # a superuser with an e-mail address
    thresholds(monkeypatch, consecutive_failures=2, slow_ms=300)  # the rules, changed for one test

Sites are named by the test (unique hostnames), so the demo's rows, when a test process has built it, are
never counted; targets other than the test's own are set inactive before probing.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime

from django.contrib.auth import get_user_model
from wagtail.models import Page

from huimin.inspection.models import Target
from huimin.inspection.services import sync_group_targets
from huimin.inspection.tests.server import Route, SiteServer
from huimin.security import rules
from huimin.sites import services as site_services
from huimin.sites.enums import Role
from huimin.sites.models import OrgUnit
from huimin.workdays.working_time import SHANGHAI

__all__ = ["Route", "SiteServer"]
_numbers = itertools.count(1)
PASSWORD = "Sec-test-pass-2030!"
OPENED = datetime(2029, 1, 1, tzinfo=SHANGHAI)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def home_html(title: str, lines: int = 30, *, extra: str = "") -> str:
    """A homepage with `lines` news headlines (enough text to judge a defacement)."""
    items = "".join(
        f"<li><a href='/news/{n}.html'>{title}工作动态第{n}条：推进重点项目建设</a></li>"
        for n in range(lines)
    )
    return (
        f"<!doctype html><html lang='zh-CN'><head><title>{title}</title>{extra}</head>"
        f"<body><h1>{title}</h1><ul>{items}</ul><footer>主办：{title}</footer></body></html>"
    )


def unit(name: str | None = None) -> OrgUnit:
    return OrgUnit.objects.create(
        name=name or f"安全测试单位{next(_numbers)}", kind="dept_tier2", sort_order=90
    )


def make_site(hostname: str, server: SiteServer | None = None, *, port: int | None = None, name: str = ""):
    """A site of the group (with its identity, so work orders have a unit) whose target is the server."""
    number = next(_numbers)
    owner = unit(f"{name or hostname}单位")
    identity = site_services.IdentityData(
        site_name=name or f"安全测试网站{number}",
        site_code=f"32139{number:05d}",
        domain=f"sec{number}.suqian.gov.cn",
        sponsor=owner.name,
        phone="0527-84300000",
        address="江苏省宿迁市（测试地址）",
        email="sec@suqian.example.cn",
        icp_number=f"苏ICP备05000001号-{number}",
        police_record_number=f"苏公网安备3213020200{number:04d}号",
        conac_url=f"https://bszs.conac.cn/sitename?method=show&id=SEC{number:04d}",
    )
    if port is None:
        port = int(server.url.rsplit(":", 1)[1].strip("/")) if server else 80
    site = site_services.create_site(
        hostname=hostname, port=port, org_unit=owner, identity=identity, home_title=identity.site_name,
        home_keywords="测试",
    )  # fmt: skip
    Page.objects.filter(pk=site.root_page_id).update(first_published_at=OPENED, last_published_at=OPENED)
    site.root_page.refresh_from_db()
    site.owner = owner
    return site


def only_targets(*sites) -> list[Target]:
    """The targets of these sites (in their order), and no other target active (the demo's are not served
    here)."""
    sync_group_targets()
    mine = [Target.objects.get(site=site) for site in sites]
    Target.objects.exclude(pk__in=[t.pk for t in mine]).update(active=False)
    Target.objects.filter(pk__in=[t.pk for t in mine]).update(active=True)
    return mine


def person(username: str, **extra):
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.cn", password=PASSWORD, first_name=username, **extra
    )
    return user


def site_admin(site, username: str):
    user = person(username)
    site_services.assign_role(user, role=Role.SITE_ADMIN, org_unit=site.owner, site=site)
    return user


def site_editor(site, username: str):
    user = person(username)
    site_services.assign_role(user, role=Role.EDITOR, org_unit=site.owner, site=site)
    return user


def platform_admin(username: str):
    return person(username, is_superuser=True, is_staff=True)


def security_admin(username: str):
    user = person(username)
    site_services.assign_role(user, role=Role.SECURITY_ADMIN, org_unit=unit())
    return user


def thresholds(monkeypatch, **changes):
    """The alert rules of data/thresholds.json with some values changed, for one test."""
    changed = replace(rules.thresholds(), **changes)
    monkeypatch.setattr(rules, "thresholds", lambda: changed)
    return changed
