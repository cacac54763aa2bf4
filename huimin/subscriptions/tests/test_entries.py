"""The "订阅" entries of the library, a column, a topic, the search results and the data catalogue."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import pytest

from huimin.opendata.models import DataCatalogPage
from huimin.policies.models import PolicyTopic
from huimin.sites.models import ColumnPage
from huimin.topics.models import TopicPage

from .factories import library_of, portal

pytestmark = pytest.mark.django_db


def _entry(client, url: str) -> dict | None:
    page = client.get(url).content.decode()
    if 'class="subscribe-entry"' not in page:
        return None
    link = page.split('class="subscribe-entry"><a href="')[1].split('"')[0]
    parts = urlsplit(html.unescape(link))
    assert parts.path == "/accounts/subscriptions/new/"
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


def test_the_library_entry_subscribes_to_the_current_filter(client, demo):
    library = library_of(portal())
    topic = PolicyTopic.objects.get(name="科技、教育")

    entry = _entry(client, f"{library.get_url()}?topic={topic.pk}&sort=newest")

    assert entry == {"kind": "library", "page": str(library.pk), "topic": str(topic.pk)}


def test_a_notice_column_has_an_entry_and_a_news_column_has_none(client, demo):
    notices = (
        ColumnPage.objects.live()
        .filter(column_type__name="通知公告")
        .descendant_of(portal().root_page)
        .first()
    )
    news = (
        ColumnPage.objects.live()
        .filter(column_type__name="工作动态")
        .descendant_of(portal().root_page)
        .first()
    )

    assert _entry(client, notices.get_url()) == {"kind": "column", "page": str(notices.pk)}
    assert _entry(client, news.get_url()) is None


def test_a_topic_page_and_the_data_catalogue_have_entries(client, demo):
    topic = TopicPage.objects.live().descendant_of(portal().root_page).first()
    catalogue = DataCatalogPage.objects.live().descendant_of(portal().root_page).first()

    assert _entry(client, topic.get_url()) == {"kind": "topic", "page": str(topic.pk)}
    assert _entry(client, catalogue.get_url()) == {"kind": "column", "page": str(catalogue.pk)}


def test_the_search_results_offer_to_subscribe_to_the_query(client, demo):
    assert _entry(client, "/search/?q=养老") == {"kind": "search", "q": "养老"}
    assert _entry(client, "/search/") is None
