"""Main tasks walked with the keyboard alone in Chromium: focus goes through the page in visual order with a
visible focus indicator, never gets trapped, and a policy is found and opened without a pointer."""

import pytest

from .keyboard import tab, tab_to

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("host", "path"), [("127.0.0.1", "/"), ("slj.localhost", "/hudong/liuyan/")])
def test_tab_walks_the_whole_page_top_to_bottom_with_a_visible_ring_and_no_trap(
    browser_page, live_demo, host, path
):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"http://{host}:{live_demo['port']}{path}")
    seen, previous_top = [], -1
    for _ in range(200):
        focused = tab(page)
        if focused["tag"] == "BODY" or (seen and focused == seen[0]):
            break
        assert focused["visible"], f"no visible focus on {focused}"
        assert focused["top"] >= previous_top - 2, f"focus went back up: {seen[-1]} -> {focused}"
        if seen:  # the skip link floats over the top of the page while focused
            previous_top = focused["top"]
        seen.append(focused)
    else:
        pytest.fail("Tab never left the page: a keyboard trap")
    assert seen[0]["text"] == "跳到主要内容"
    assert seen[-1]["footer"], "the walk must reach the footer"
    assert len(seen) >= 10


def test_a_policy_is_found_and_opened_with_the_keyboard_alone(browser_page, live_demo):
    page = browser_page
    page.goto(f"http://127.0.0.1:{live_demo['port']}/zcwjk/")
    total = page.locator(".result-count").inner_text()
    tab_to(page, "f-doc_kind")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.selectedOptions[0].textContent")
    assert chosen != "全部"
    tab_to(page, lambda stop: stop["text"] == "筛选", limit=10)
    page.keyboard.press("Enter")
    page.wait_for_url("**doc_kind=*")
    assert page.locator(".result-count").inner_text() != total
    first = page.locator(".policy-list h3 a").first.inner_text()
    tab_to(page, lambda stop: stop["text"] == first[:30], limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == first
