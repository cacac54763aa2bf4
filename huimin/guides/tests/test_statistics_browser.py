"""The 办事统计 page in a real browser on a phone: the month is switched with the keyboard alone, the wide
table scrolls inside its own region instead of widening the page, and the CSV link downloads a file."""

import pytest

from huimin.accessibility.tests.keyboard import tab_to

pytestmark = pytest.mark.browser


def test_a_month_is_chosen_with_the_keyboard_on_a_phone_and_the_table_scrolls_in_place(
    browser_page, live_demo
):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"http://127.0.0.1:{live_demo['port']}/bstj/")
    assert page.locator(".last-updated").inner_text().startswith("最近更新：")
    assert page.locator("table.stats caption").inner_text().startswith("2026年10月")
    tab_to(page, "stats-month")
    page.keyboard.press("ArrowDown")  # the next option down is the month before
    tab_to(page, lambda stop: stop["tag"] == "BUTTON" and stop["text"] == "查看")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bstj/?month=2026-09")
    assert page.locator("table.stats caption").inner_text().startswith("2026年9月")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    region = page.locator(".table-scroll")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # the table scrolls inside its region
    with page.expect_download() as download:
        page.get_by_role("link", name="全部月份数据（CSV）").click()
    assert download.value.suggested_filename.endswith(".csv")
