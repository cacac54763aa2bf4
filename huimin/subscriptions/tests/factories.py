"""Helpers of the subscriptions tests: accounts that can be reached by every channel, subscriptions made
through the services, and new pages of the pushed kinds published below the demo's sections."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from wagtail.models import Page, Site

from huimin.accounts.tests.factories import CREATED, AccountFactory
from huimin.core.pages import add_and_publish
from huimin.policies.models import PolicyLibraryPage, PolicyPage, PolicyTopic
from huimin.sites.models import OrgUnit
from huimin.subscriptions import criteria, services

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 3, 9, 30, tzinfo=SHANGHAI)
_numbers = itertools.count(1)


def reachable_account(**values):
    """A natural person with a verified mobile number and a verified e-mail address."""
    n = next(_numbers)
    values.setdefault("mobile", f"1365{n:07d}")
    values.setdefault("email", f"push{n}@example.com")
    values.setdefault("email_verified_at", CREATED)
    return AccountFactory(**values)


def subscribe(account, spec, *, frequency="immediate", channels=("inbox",), now=NOW):
    return services.subscribe(account, spec, frequency=frequency, channels=list(channels), now=now)


def tags_spec(**chosen):
    """tags_spec(group=(["老年人"], "any"), kinds=["policy"])"""
    kinds = chosen.pop("kinds", [])
    return criteria.from_tags(chosen, kinds)


def portal() -> Site:
    return Site.objects.get(hostname="127.0.0.1")


def county() -> Site:
    return Site.objects.get(hostname="shuyang.localhost")


def library_of(site: Site) -> PolicyLibraryPage:
    return PolicyLibraryPage.objects.live().descendant_of(site.root_page).first()


def site_unit(site: Site) -> OrgUnit:
    from huimin.sites.models import SiteIdentity

    return SiteIdentity.objects.get(site=site).org_unit


def new_policy(
    site: Site | None = None, *, title="关于支持老年人助餐服务的通知", topic=None, **values
) -> PolicyPage:
    """A policy published now below the site's library (page_published sent, as Wagtail's publish does)."""
    site = site or portal()
    library = library_of(site)
    n = next(_numbers)
    policy = PolicyPage(
        title=title,
        slug=f"push-test-{n}-{int(NOW.timestamp())}",
        index_number=f"PUSHTEST/{n:05d}-{id(values) % 100000}",
        issuer=values.pop("issuer", None) or site_unit(site),
        topic=topic if topic is not None else PolicyTopic.objects.order_by("pk").first(),
        body=values.pop("body", "<p>为方便老年人就餐，各社区设立助餐点。</p>"),
        summary=values.pop("summary", ""),
        pub_date=values.pop("pub_date", NOW),
        **values,
    )
    add_and_publish(library, policy)
    return policy


def republish(page: Page, **changes) -> Page:
    """Publish a new revision of a page with the given field values changed (as an editor would)."""
    page = page.specific
    for name, value in changes.items():
        setattr(page, name, value)
    revision = page.save_revision()
    revision.publish()
    return Page.objects.get(pk=page.pk).specific
