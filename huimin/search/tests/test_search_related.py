"""相关推荐 on articles, policies, interpretations and service guides."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from huimin.search import queries

pytestmark = pytest.mark.django_db

PAGES = [
    ("127.0.0.1", "/zcwj/seed-2022-website-work-points/"),
    ("slj.localhost", "/zcwjk/demo-policy-10/"),
    ("jyj.localhost", "/zcwjk/demo-jd-demo-policy-1/"),
    ("jyj.localhost", "/bszn/ywjyrxbm/"),
]


@pytest.mark.parametrize(("host", "path"), PAGES)
def test_each_page_type_shows_related_content_other_than_itself(client, demo, host, path):
    cache.clear()
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    html = response.content.decode()
    assert "相关推荐" in html
    section = html[html.index('id="related-title"') :]
    section = section[: section.index("</aside>")]
    assert section.count("<li>") >= 1
    assert section.count("<li>") <= queries.RELATED_LIMIT
    assert f'href="http://{host}' in section or 'href="http' in section
    assert f'{path}"' not in section


def test_related_content_is_cached_per_page_and_publication(demo, django_assert_max_num_queries):
    from wagtail.models import Page

    cache.clear()
    page = Page.objects.get(url_path__endswith="/bszn/ywjyrxbm/").specific
    first = queries.related(page)
    with django_assert_max_num_queries(0):
        assert queries.related(page) == first
