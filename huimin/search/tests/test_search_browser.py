"""The search page in a browser: the suggestion combobox by keyboard, and axe on the results."""

from __future__ import annotations

import pytest

from huimin.accessibility.tests.axe import assert_no_violations

pytestmark = pytest.mark.browser


def _url(live_demo, path: str, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{live_demo['port']}{path}"


def test_the_suggestion_combobox_works_with_the_keyboard(live_demo, browser_page):
    page = browser_page
    page.goto(_url(live_demo, "/search/"))
    box = page.locator("#search-q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.focus()
    page.keyboard.type("shil")
    listbox = page.locator("#search-q-listbox")
    listbox.get_by_role("option", name="适老化", exact=True).wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").first
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert listbox.is_hidden()
    assert box.get_attribute("aria-activedescendant") is None
    page.keyboard.press("ArrowDown")  # opens the list again
    page.keyboard.press("ArrowDown")
    chosen = listbox.get_by_role("option").first.text_content()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=" in page.url
    assert page.locator("#search-q").input_value() == chosen
    assert page.locator("#results-title").is_visible()


def test_the_results_page_has_no_axe_violations(live_demo, browser_page):
    browser_page.goto(_url(live_demo, "/search/?q=适老化&scope=group"))
    assert browser_page.locator("mark").count() > 0
    assert_no_violations(browser_page)


def test_the_page_works_without_javascript(live_demo, chromium):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(_url(live_demo, "/search/"))
        page.fill("#search-q", "高龄津贴")
        with page.expect_navigation():  # read the results page, not the one being left
            page.click("button[type=submit] >> text=搜索")
        assert "q=" in page.url
        assert "/bszn/gljtsl/" in page.content()
    finally:
        context.close()
