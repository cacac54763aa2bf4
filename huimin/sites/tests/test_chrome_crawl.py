"""A crawl of every demo site with Django's test client: from each home page, following same-host links, every
HTML page has the header search box and the main navigation, and every page below the home page has
breadcrumbs. Bounded: every distinct path once, at most a couple of query-string variants of each."""

from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client

pytestmark = pytest.mark.django_db
HOSTS = ["127.0.0.1", "shuyang.localhost", "sucheng.localhost", "slj.localhost", "jyj.localhost"]
SKIP = ("/admin/", "/documents/", "/media/", "/static/", "/api/", "/moshi/", "/open311/", "/catalog.jsonld")
QUERY_VARIANTS = 2  # per path
MAX_PAGES_PER_SITE = 1500


def _same_host_links(page, base_path: str):
    for anchor in page.find_all("a", href=True):
        parts = urlsplit(anchor["href"])
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another host, mailto:, a fragment, a relative link (none are used)
        if parts.path.startswith(SKIP) or "/download/" in parts.path or "/attachments/" in parts.path:
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def _crawl(host: str) -> tuple[int, list[str]]:
    client = Client()
    headers = {"HTTP_HOST": f"{host}:8000"}
    seen, variants = {"/"}, Counter()
    queue, problems, pages = deque(["/"]), [], 0
    while queue and pages < MAX_PAGES_PER_SITE:
        url = queue.popleft()
        response = client.get(url, **headers)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        page = BeautifulSoup(response.content, "lxml")  # the fast parser: hundreds of pages
        path = urlsplit(url).path
        if page.select_one("header form[role=search][action='/search/'] input[type=search][name=q]") is None:
            problems.append(f"{host}{url}: no header search box")
        if page.select_one("header nav.main-nav .nav-links a") is None:
            problems.append(f"{host}{url}: no main navigation")
        if path != "/" and page.select_one("main nav.breadcrumbs li[aria-current=page]") is None:
            problems.append(f"{host}{url}: no breadcrumbs")
        if len(page.select("nav.breadcrumbs")) > 1:
            problems.append(f"{host}{url}: breadcrumbs twice")
        for link in _same_host_links(page, path):
            link_path = urlsplit(link).path
            if link in seen:
                continue
            if "?" in link:
                if variants[link_path] >= QUERY_VARIANTS:
                    continue
                variants[link_path] += 1
            seen.add(link)
            queue.append(link)
    return pages, problems


def test_every_page_of_every_demo_site_has_the_search_box_the_navigation_and_breadcrumbs(demo):
    problems, counts = [], {}
    for host in HOSTS:
        counts[host], found = _crawl(host)
        problems += found
    assert not problems, "\n".join(problems[:50])
    # The crawl really went through the sites: their columns, articles, tools and section pages.
    assert all(count >= 30 for count in counts.values()), counts
    assert counts["127.0.0.1"] >= 90, counts
