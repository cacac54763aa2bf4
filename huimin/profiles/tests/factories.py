"""Builders for the profiles tests, over the demo (its sites, pages and item index).

account = consenting()                       # a verified citizen who switched 个性化推荐 on
items = items_on("127.0.0.1", key="group", value="老年人")   # the portal's items carrying a tag
read(account, items[:3], now=NOW)            # reads recorded through the services
item = fresh_article("127.0.0.1", title="…")  # a new news item, published (and indexed) for the test
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from wagtail.models import Site

from huimin.accounts.tests.factories import AccountFactory
from huimin.conftest import DEMO_NOW
from huimin.profiles import services
from huimin.profiles.models import Item

NOW = DEMO_NOW
HOST = "127.0.0.1"
_numbers = itertools.count(1)


def citizen(**kwargs):
    """A verified citizen (numbers of their own: the demo's accounts hold some of the factory's)."""
    kwargs.setdefault("mobile", f"188{next(_numbers) + 40_000_000:08d}")
    return AccountFactory(**kwargs)


def consenting(**kwargs):
    account = citizen(**kwargs)
    services.set_consent(account, True, actor=account.user, now=NOW - timedelta(days=60))
    return account


def site(hostname: str = HOST) -> Site:
    return Site.objects.get(hostname=hostname)


def items_on(
    hostname: str = HOST, *, key: str | None = None, value: str | None = None, kind: str | None = None
):
    query = Item.objects.filter(site__hostname=hostname, recommendable=True)
    if key is not None:
        query = query.filter(tag_rows__key=key, tag_rows__value=value)
    if kind is not None:
        query = query.filter(kind=kind)
    return list(query.order_by("pk"))


def read(account, items, *, now=NOW, step=timedelta(minutes=5)):
    for number, item in enumerate(items):
        services.record_page_read(account, item.pk, now=now + step * number)


def fresh_article(hostname: str = HOST, *, title: str = "", body: str = "<p>正文。</p>", keywords: str = ""):
    """A news item published now in the site's 工作动态 column, and indexed (tests run inside a transaction
    that never commits, so the index task queued on commit would not run)."""
    from huimin.articles.services import publish_article
    from huimin.sites.models import ColumnPage

    home = site(hostname).root_page
    column = ColumnPage.objects.descendant_of(home).filter(column_type__name="工作动态").first()
    number = next(_numbers)
    page = publish_article(
        column,
        title=title or f"推荐测试文章{number}",
        slug=f"profiles-test-{number}",
        body=body,
        keywords=keywords,
        pub_date=NOW - timedelta(hours=1),
    )
    return services.index_page(page.pk, now=NOW)
