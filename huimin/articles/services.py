"""Writes for articles: every article is created and published through here."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from huimin.core.pages import add_and_publish
from huimin.sites.models import ColumnPage

from .models import ArticlePage


@transaction.atomic
def publish_article(
    column: ColumnPage,
    *,
    title: str,
    slug: str,
    body: str,
    pub_date: datetime,
    source: str = "",
    author: str = "",
    keywords: str = "",
    summary: str = "",
    is_demo: bool = False,
    actor=None,
) -> ArticlePage:
    """Create an article in a column and publish it, keeping a revision for the history.

    `actor` None is the system (the demo builder, importers); a person must be allowed to publish there.
    """
    if pub_date.tzinfo is None:
        raise ValidationError({"pub_date": "发布时间必须带时区。"})
    article = ArticlePage(
        title=title,
        slug=slug,
        body=body,
        pub_date=pub_date,
        source=source,
        author=author,
        keywords=keywords,
        summary=summary,
        is_demo=is_demo,
        first_published_at=pub_date,
        last_published_at=pub_date,
    )
    return add_and_publish(column, article, actor=actor, denied="您没有在此栏目直接发布的权限，请提交审核。")
