"""Demo profiles: reading histories behind 为您推荐, and the sites' view counts.

Two demo accounts switched 个性化推荐 on and read, searched and downloaded for a few weeks before `now`
(through `huimin.profiles.services`, so their profiles are learned the real way):

- 王小明 (portal): items for older people (人群 老年人) on the portal, and a search for 养老服务;
- 宿迁惠民示范科技有限公司: policies for enterprises (服务对象 企业) and for founders (创业者) on the portal.

李华 (demo-citizen-li) is left with 个性化推荐 off and no history: the browser test switches it on and back.
Every site gets view counts for its items over the popular window (what anonymous visitors are recommended),
counted through `huimin.profiles.popularity` as the read beacon counts them. Safe to run again: an account
with a history, or a site with counts, is left as it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Site

READERS = {
    "demo-citizen-wang": {
        "site": "127.0.0.1",
        "reads": [("group", "老年人"), ("service_object", "老年人")],
        "searches": ["养老服务补贴", "老年人优待证办理"],
        "consent_days_ago": 40,
    },
    "demo-company-huimin": {
        "site": "127.0.0.1",
        "reads": [("service_object", "企业"), ("group", "创业者")],
        "searches": ["企业开办"],
        "consent_days_ago": 18,
    },
}
READS_PER_ACCOUNT = 7
VIEWED_PER_SITE = 24


def _reader_items(site: Site, tags: list[tuple[str, str]]) -> list[int]:
    from huimin.profiles.models import Item, ItemTag

    wanted = []
    for key, value in tags:
        for item_id in (
            ItemTag.objects.filter(site=site, recommendable=True, key=key, value=value)
            .order_by("-published_at", "item_id")
            .values_list("item_id", flat=True)
        ):
            if item_id not in wanted:
                wanted.append(item_id)
    return [pk for pk in wanted if Item.objects.filter(pk=pk).exists()][:READS_PER_ACCOUNT]


def _histories(now: datetime) -> int:
    from huimin.accounts.models import Account
    from huimin.profiles import services
    from huimin.profiles.models import Interaction

    made = 0
    users = get_user_model().objects
    for username, plan in READERS.items():
        user = users.filter(username=username).first()
        account = Account.objects.filter(user=user).first() if user is not None else None
        site = Site.objects.filter(hostname=plan["site"]).first()
        if account is None or site is None or Interaction.objects.filter(account=account).exists():
            continue
        start = now - timedelta(days=plan["consent_days_ago"])
        services.set_consent(account, True, actor=user, now=start)
        items = _reader_items(site, plan["reads"])
        step = (now - timedelta(days=1) - start) / max(len(items) + len(plan["searches"]), 1)
        at = start + timedelta(hours=1)
        for query in plan["searches"]:
            made += services.record_search(account, query, site_id=site.pk, now=at) is not None
            at += step
        for number, item_id in enumerate(items):
            record = (
                services.record_download(account, item_id, now=at)
                if number == 0
                else services.record_page_read(account, item_id, now=at)
            )
            made += record is not None
            at += step
    return made


def _view_counts(now: datetime) -> int:
    """Views of each site's items over the last weeks, falling off with rank (a few items are read a lot)."""
    from huimin.profiles import popularity
    from huimin.profiles.models import Item, Popularity

    made = 0
    for site in Site.objects.order_by("pk"):
        if Popularity.objects.filter(site=site).exists():
            continue
        items = list(
            Item.objects.filter(site=site, recommendable=True)
            .order_by("-published_at", "pk")
            .values_list("pk", flat=True)[:VIEWED_PER_SITE]
        )
        for rank, item_id in enumerate(items):
            # Item n is read by about 40/(n+1) visitors a day, on a few days of the last fortnight.
            for day in range(0, 14, 1 + rank % 3):
                moment = now - timedelta(days=day, hours=2)
                for visitor in range(max(1, 40 // (rank + 1 + day))):
                    popularity.count_view(item_id, site.pk, f"demo-{site.pk}-{day}-{visitor}", now=moment)
        made += popularity.flush() and 1
    return made


def build_profiles_demo(spec: dict, now: datetime, admin) -> int:
    """Histories of the consenting demo accounts and every site's view counts; returns how many records were
    made. Skips quietly when there are no demo accounts (`huimin.demo.accounts.DEMO_ACCOUNTS`)."""
    from huimin.demo.accounts import DEMO_ACCOUNTS
    from huimin.profiles import services
    from huimin.profiles.models import Item

    if not DEMO_ACCOUNTS:
        return 0
    if not Item.objects.exists():  # pages published without the index tasks running (tasks queued elsewhere)
        services.reindex(now=now)
    now = timezone.localtime(now)
    return _histories(now) + _view_counts(now)
