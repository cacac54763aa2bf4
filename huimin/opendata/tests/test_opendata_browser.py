"""The open data pages in Chromium against the demo server: the catalog and a dataset page pass axe at
desktop and phone width, a wide preview scrolls inside its own region instead of the page, and the sort
links of the preview are reached and used with the keyboard alone."""

import pytest

from huimin.accessibility.tests import keyboard
from huimin.accessibility.tests.axe import assert_no_violations

pytestmark = pytest.mark.browser
CATALOG = "/sjkf/"
DATASET = "/sjkf/hdszjc-yb/"


def url(live_demo, path, host="127.0.0.1"):
    return f"http://{host}:{live_demo['port']}{path}"


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("path", [CATALOG, f"{CATALOG}?q=水质", DATASET, f"{DATASET}?sort=-c5&page=2"])
def test_the_catalog_and_the_dataset_page_have_no_violations(browser_page, live_demo, path, width):
    browser_page.set_viewport_size({"width": width, "height": 900})
    response = browser_page.goto(url(live_demo, path))
    assert response.status == 200
    assert_no_violations(browser_page)


def test_a_wide_preview_scrolls_inside_its_own_region_on_a_phone(browser_page, live_demo):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(url(live_demo, DATASET))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    region = page.locator(".preview-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    assert page.locator("#preview-caption").inner_text().startswith("河道水质监测数据")


def test_the_keyboard_reaches_a_sort_link_and_sorts_the_preview(browser_page, live_demo):
    page = browser_page
    page.goto(url(live_demo, DATASET))
    stops = keyboard.tab_to(
        page, lambda stop: stop["tag"] == "A" and "按此列升序排序" in stop["text"], limit=150
    )
    assert stops[-1]["visible"], "the focused sort link must show its focus"
    assert stops[-1]["text"].startswith("监测月份")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "sort=c0" in page.url
    header = page.locator(".preview thead th", has_text="监测月份")
    assert header.get_attribute("aria-sort") == "ascending"
    assert page.locator(".preview thead th[aria-sort=ascending] a").inner_text().endswith("按此列降序排序")
