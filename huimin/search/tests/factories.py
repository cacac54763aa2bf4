"""Builders for the search index tests.

    query("适老化")                              # an analysed query (shipped vocabulary, no database)
    query("社保", synonyms={"社保": ["社会保险"]})
    ids(query("适老化"), site_id=3)              # the ids of every matching document
    doc = document("t:1", title="河道取水许可", body="……", kind="guide")   # a bare document, no source
    article = publish_article_on("127.0.0.1", "tzgg", title="…", body="<p>…</p>")
    letter = published_letter("jyj.localhost", title="…", content="…", reply="…")

Pages and letters are made through the real services; `document` writes through
`services.store_document`, as a source outside `sources.SOURCES` would.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from wagtail.models import Site

from huimin.search import analysis, queries, services
from huimin.search.enums import DocumentKind
from huimin.search.sources import DocumentData

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_numbers = itertools.count(1)


def query(text: str, synonyms: dict[str, list[str]] | None = None) -> analysis.QueryAnalysis:
    return analysis.analyze_query(text, synonyms)


def ids(analysed, *, mode: str = "all", **filters) -> list[int]:
    """Every matching document id (no page limit), best first."""
    total, rows = queries.match(analysed, mode=mode, limit=100_000, **filters)
    assert total == len(rows)
    return [pk for pk, _score in rows]


def document(
    key: str = "",
    *,
    title: str,
    body: str = "",
    keywords: str = "",
    kind: str = DocumentKind.ARTICLE,
    site: Site | None = None,
    unit_id: int | None = None,
    topic: str = "",
    published_at: datetime | None = NOW,
    now: datetime = NOW,
):
    data = DocumentData(
        key=key or f"test:{next(_numbers)}",
        kind=kind,
        site_id=site.pk if site else None,
        unit_id=unit_id,
        topic=topic,
        title=title,
        url=f"http://example.localhost/{next(_numbers)}/",
        keywords=keywords,
        body=body,
        published_at=published_at,
    )
    return services.store_document(data, now=now)


def column(hostname: str, slug: str):
    from huimin.sites.models import ColumnPage

    home = Site.objects.get(hostname=hostname).root_page
    return ColumnPage.objects.child_of(home).get(slug=slug)


def publish_article_on(hostname: str, column_slug: str, *, title: str, body: str, keywords: str = ""):
    from huimin.articles.services import publish_article

    return publish_article(
        column(hostname, column_slug),
        title=title,
        slug=f"search-test-{next(_numbers)}",
        body=body,
        keywords=keywords,
        pub_date=NOW - timedelta(days=1),
    )


def published_letter(
    hostname: str,
    *,
    title: str,
    content: str,
    reply: str,
    contact_name: str = "赵六六",
    contact_phone: str = "13512345678",
    may_publish: bool = True,
    publish: bool = True,
    reply_text: bool = True,
):
    """A letter on a demo department site taken through the services: submitted, dispatched, accepted,
    answered (unless `reply_text` is False) and approved with publication (unless `publish` is False)."""
    from huimin.letters import services as letters
    from huimin.letters.enums import Kind
    from huimin.letters.services import LetterData
    from huimin.sites.models import OrgUnit

    site = Site.objects.get(hostname=hostname)
    key = hostname.split(".")[0]
    unit = OrgUnit.objects.get(name={"jyj": "宿迁市教育局", "slj": "宿迁市水利局"}[key])
    user = get_user_model().objects.get
    letter, _code = letters.submit_letter(
        LetterData(
            site=site,
            kind=Kind.CONSULT,
            title=title,
            content=content,
            contact_name=contact_name,
            contact_phone=contact_phone,
            may_publish=may_publish,
            external_id=f"SEARCH-{next(_numbers)}",
        ),
        now=NOW - timedelta(hours=5),
    )
    letters.dispatch(letter, unit, actor=user(username="admin"), now=NOW - timedelta(hours=4))
    letters.accept(letter, actor=user(username=f"{key}-handler"), now=NOW - timedelta(hours=3))
    if reply_text:
        letters.reply(letter, reply, actor=user(username=f"{key}-handler"), now=NOW - timedelta(hours=2))
        letters.approve(
            letter, actor=user(username=f"{key}-leader"), publish=publish, now=NOW - timedelta(hours=1)
        )
    letter.refresh_from_db()
    return letter
