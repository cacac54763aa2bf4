"""What a screen reader relies on, read from the HTML of every public page type: landmarks, one h1 and
headings that do not skip levels, labelled form fields, the language, and the skip link."""

import itertools

import pytest

from huimin.accessibility.enums import MODE_COOKIE
from huimin.sites.tests.html import soup

from .public_pages import PUBLIC_PAGES

pytestmark = pytest.mark.django_db
FIELDS = "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"


@pytest.mark.parametrize("mode", ["standard", "elder"])
@pytest.mark.parametrize(("host", "path", "kind"), PUBLIC_PAGES)
def test_the_page_has_landmarks_headings_and_labels_a_screen_reader_can_use(
    client, demo, host, path, kind, mode
):
    if mode != "standard":
        client.cookies[MODE_COOKIE] = mode
    response = client.get(path, HTTP_HOST=f"{host}:8000")
    assert response.status_code == 200
    document = soup(response.content)
    assert document.html["lang"] == "zh-CN" and document.title.get_text(strip=True)
    mains = document.find_all("main")
    assert len(mains) == 1 and mains[0]["id"] == "main"
    assert document.select_one("a.skip-link")["href"] == "#main"
    assert len(document.find_all("header", recursive=True)) >= 1 and document.find("footer")
    for nav in document.find_all("nav"):
        assert nav.get("aria-label") or nav.get("aria-labelledby"), nav.prettify()[:200]
    assert len(document.find_all("h1")) == 1
    levels = [int(h.name[1]) for h in document.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1, f"the first heading must be the h1: {levels}"
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert not skips, f"heading levels skip: {levels}"
    for field in document.select(FIELDS):
        if field.find_parent(attrs={"aria-hidden": "true"}):
            continue
        labelled = (
            field.get("aria-label")
            or field.get("aria-labelledby")
            or (field.get("id") and document.select_one(f'label[for="{field["id"]}"]'))
            or field.find_parent("label")
        )
        assert labelled, f"unlabelled field {field}"
