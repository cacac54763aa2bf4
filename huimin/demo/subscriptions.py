"""Demo subscriptions of the demo accounts (`huimin.demo.accounts.DEMO_ACCOUNTS`) and what was pushed to them.

Each demo account subscribes through the subscriptions services, as on the 新建订阅 page: a natural person to
the tags of 老年人 and the city portal's 通知公告 column (inbox and SMS, at once), another to the tags of 高校
毕业生 or 创业者 and to the city's policy library on 科技、教育 (inbox and e-mail, at once and daily), the
company to policies and interpretations for 企业 (inbox and SMS, weekly). Then the newest demo items that
match are published to them through `services.publish`, at times before `now`, so their inboxes hold real
pushes and 推送记录 has records; what is due is sent (mail and SMS through the configured channels). Nothing
is done when there are no demo accounts; a second run finds its subscriptions and publications and makes
nothing new.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Site

MAX_PUBLICATIONS = 12
RECENT_ITEMS = 60


def _plans(site_ids: dict[str, int]) -> dict[str, list[dict]]:
    from huimin.policies.models import PolicyLibraryPage, PolicyTopic
    from huimin.sites.models import ColumnPage

    portal = site_ids.get("127.0.0.1")
    plans: dict[str, list[dict]] = {
        "demo-citizen-wang": [
            {"tags": {"group": (["老年人"], "any")}, "frequency": "immediate", "channels": ["inbox", "sms"]},
        ],
        "demo-citizen-li": [
            {
                "tags": {"group": (["高校毕业生", "创业者"], "any")},
                "frequency": "immediate",
                "channels": ["inbox", "email"],
            },
        ],
        "demo-company-huimin": [
            {
                "tags": {"service_object": (["企业"], "any")},
                "kinds": ["policy", "interpretation"],
                "frequency": "weekly",
                "channels": ["inbox", "sms"],
            },
        ],
    }
    if portal is not None:
        site = Site.objects.get(pk=portal)
        notices = (
            ColumnPage.objects.live()
            .descendant_of(site.root_page)
            .filter(column_type__name="通知公告")
            .first()
        )
        if notices is not None:
            plans["demo-citizen-wang"].append(
                {"column": notices.pk, "frequency": "immediate", "channels": ["inbox"]}
            )
        library = PolicyLibraryPage.objects.live().descendant_of(site.root_page).first()
        topic = PolicyTopic.objects.filter(name="科技、教育").first()
        if library is not None and topic is not None:
            plans["demo-citizen-li"].append(
                {
                    "library": library.pk,
                    "params": {"topic": str(topic.pk)},
                    "frequency": "daily",
                    "channels": ["inbox", "email"],
                }
            )
    return plans


def _spec(plan: dict):
    from huimin.subscriptions import criteria

    if "tags" in plan:
        return criteria.from_tags(plan["tags"], plan.get("kinds", []))
    if "column" in plan:
        return criteria.from_column(plan["column"])
    return criteria.from_library(plan["library"], plan["params"])


def _subscribe(account, plan: dict, now: datetime) -> int:
    from huimin.subscriptions import services
    from huimin.subscriptions.models import Subscription
    from huimin.subscriptions.services.subscriptions import verified_channels

    spec = _spec(plan)
    if Subscription.objects.filter(account=account, signature=spec.signature).exists():
        return 0
    channels = [c for c in plan["channels"] if c in verified_channels(account)]
    try:
        services.subscribe(
            account,
            spec,
            frequency=plan["frequency"],
            channels=channels,
            now=now,
            site=account.registered_site,
        )
    except ValidationError:
        return 0
    return 1


def _recent_items():
    """The newest live items of the pushed kinds, newest first (candidates for the demo's pushes)."""
    from wagtail.models import Page

    from huimin.articles.models import ArticlePage
    from huimin.guides.models import ServiceGuidePage
    from huimin.policies.models import InterpretationPage, PolicyPage

    pages = (
        Page.objects.live()
        .public()
        .type(PolicyPage, InterpretationPage, ServiceGuidePage, ArticlePage)
        .order_by("-first_published_at", "-pk")[:RECENT_ITEMS]
    )
    return list(pages)


def build_subscriptions_demo(spec: dict, now: datetime, admin) -> int:
    from huimin.accounts.models import Account
    from huimin.subscriptions import matching, services

    from .accounts import DEMO_ACCOUNTS

    usernames = [item["username"] for item in DEMO_ACCOUNTS]
    accounts = {
        a.user.username: a
        for a in Account.objects.filter(user__username__in=usernames).select_related("user")
    }
    if not accounts:
        return 0
    site_ids = dict(Site.objects.values_list("hostname", "pk"))
    made = 0
    with transaction.atomic():
        for username, plans in _plans(site_ids).items():
            account = accounts.get(username)
            for index, plan in enumerate(plans if account is not None else []):
                made += _subscribe(account, plan, now - timedelta(days=10 - index))
    published = 0
    for index, page in enumerate(_recent_items()):
        if published >= MAX_PUBLICATIONS:
            break
        if not matching.match(matching.facts_of(page.specific)):
            continue
        at = now - timedelta(hours=2 * (index + 1))
        with transaction.atomic():
            outcome = services.publish(page.pk, page.live_revision_id, now=at)
        if outcome.status == "pushed":
            made += 1 + outcome.queued
        if outcome.status in ("pushed", "done_before"):
            published += 1
    services.send_due(now)  # the immediate mail and SMS leave; digests wait for push-digest
    return made
