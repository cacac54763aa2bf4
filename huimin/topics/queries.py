"""Reads of topic pages, palettes and templates."""

from __future__ import annotations

from django.db.models import QuerySet
from wagtail.models import Site

from huimin.sites import chrome

from .enums import TopicKind
from .models import TopicIndexPage, TopicPage, TopicTemplate


def live_topics(index: TopicIndexPage) -> QuerySet[TopicPage]:
    """The live, public topic pages of one list, newest first."""
    return (
        chrome.current()
        .public(TopicPage.objects.child_of(index).live())
        .select_related("palette")
        .order_by("-pub_date", "-pk")
    )


def integrated_topics(site: Site) -> QuerySet[TopicPage]:
    """A site's live integrated service themes (服务集成): the assessment gives 4 points for three or more."""
    return (
        TopicPage.objects.descendant_of(site.root_page)
        .live()
        .public()
        .filter(kind=TopicKind.INTEGRATED)
        .order_by("-pub_date", "-pk")
    )


def addable_topic_indexes(user) -> list[TopicIndexPage]:
    """The topic lists a person may add a topic to: nobody sees the lists of sites they cannot edit."""
    indexes = TopicIndexPage.objects.order_by("path")
    return [index for index in indexes if index.permissions_for_user(user).can_add_subpage()]


def topic_templates() -> QuerySet[TopicTemplate]:
    return TopicTemplate.objects.select_related("palette").order_by("name")
