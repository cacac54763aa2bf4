"""The public chrome in Chromium: the header and the main navigation fit every width from 320 to 1920 px on
one row each (nothing scrolls sideways), the 菜单 button and the group drop-downs work by keyboard and close
with Escape, elder mode keeps 60 px targets, a keyboard-only walk from the home page's search box reaches a
Q&A answer and opens a policy, and the error pages have no axe violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from huimin.accessibility.enums import MODE_COOKIE

from .axe import assert_no_violations
from .public_pages import ERROR_PAGES

pytestmark = pytest.mark.browser
WIDTHS = [320, 375, 768, 1024, 1280, 1920]
WIDE = 1024
QUESTION = "咨询类留言多长时间内答复？"


def _open(page, live_demo, path="/", host="127.0.0.1", width=1280, mode="standard", status=200):
    page.context.clear_cookies()
    if mode != "standard":
        page.context.add_cookies([{"name": MODE_COOKIE, "value": mode, "domain": host, "path": "/"}])
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(f"http://{host}:{live_demo['port']}{path}")
    assert response.status == status, (path, response.status)
    return page


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _visible_tops(page, selector):
    return page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.offsetParent !== null).map(e => Math.round(e.getBoundingClientRect().top))",
    )


def _focused(page):
    return page.evaluate(
        """() => { const e = document.activeElement;
            return {id: e.id, tag: e.tagName, text: (e.textContent || '').trim().slice(0, 60),
                    href: e.getAttribute('href') || '', inCard: !!e.closest('.answer-card')}; }"""
    )


def _tab_until(page, predicate, key="Tab", limit=200):
    for _ in range(limit):
        page.keyboard.press(key)
        focused = _focused(page)
        if predicate(focused):
            return focused
    raise AssertionError(f"never reached the element with {key} (last: {focused})")


@pytest.mark.parametrize("mode", ["standard", "elder"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_header_and_navigation_fit_on_one_row_at_every_width(browser_page, live_demo, width, mode):
    for host, path in (("127.0.0.1", "/"), ("127.0.0.1", "/zcwj/seed-2022-website-work-points/")):
        page = _open(browser_page, live_demo, path, host, width, mode)
        assert _fits(page), f"{path} scrolls sideways at {width} px"
        nav = page.locator("nav.main-nav")
        if width >= WIDE:
            expect(page.locator(".nav-toggle")).to_be_hidden()
            tops = _visible_tops(page, ".nav-groups > li")
            assert len(tops) == 6 and len(set(tops)) == 1, f"the group headings wrap at {width} px: {tops}"
            heights = page.eval_on_selector_all(
                ".nav-top", "els => els.map(e => e.getBoundingClientRect().height)"
            )
            assert max(heights) - min(heights) < 1, f"a heading wraps onto two lines at {width} px: {heights}"
        else:
            toggle = page.locator(".nav-toggle")
            expect(toggle).to_be_visible()
            assert _visible_tops(page, ".nav-groups > li") == [], "the closed menu shows its items"
            toggle.click()
            tops = _visible_tops(page, ".nav-groups > li")
            assert len(tops) == 6 and tops == sorted(tops), tops  # one group per row, in order
            assert _fits(page)
        # The search box shares the header: the name and the box, nothing else, never wider than the page.
        box = page.locator("#header-q").bounding_box()
        assert box["width"] >= 100 and box["x"] + box["width"] <= width
        assert nav.bounding_box()["width"] <= width


def test_the_menu_button_opens_and_closes_the_navigation_by_keyboard(browser_page, live_demo):
    page = _open(browser_page, live_demo, "/zcwj/", width=375)
    toggle = page.locator(".nav-toggle")
    assert toggle.get_attribute("aria-controls") == "main-nav-list"
    _tab_until(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "菜单")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-nav-list")).to_be_visible()
    # Into the groups: Tab to 政务公开 (marked as the current page's group), Enter opens its links.
    focused = _tab_until(page, lambda f: f["text"] == "政务公开", limit=5)
    group = page.locator(".nav-group-toggle", has_text="政务公开")
    assert focused["tag"] == "BUTTON" and group.get_attribute("aria-current") == "true"
    page.keyboard.press("Enter")
    expect(group).to_have_attribute("aria-expanded", "true")
    links = page.locator("#" + group.get_attribute("aria-controls"))
    expect(links).to_be_visible()
    expect(links.locator('a[aria-current="page"]')).to_have_text("政策文件")
    page.keyboard.press("ArrowDown")
    assert _focused(page)["href"] == links.locator("a").first.get_attribute("href")
    # Escape closes the group and gives the focus back to its button; a second Escape closes the menu.
    page.keyboard.press("Escape")
    expect(group).to_have_attribute("aria-expanded", "false")
    assert _focused(page)["text"] == "政务公开"
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#main-nav-list")).to_be_hidden()
    assert _focused(page)["text"] == "菜单"
    assert _fits(page)


def test_wide_drop_downs_open_on_click_or_enter_not_on_hover_and_close_with_escape(browser_page, live_demo):
    page = _open(browser_page, live_demo, "/", width=1280)
    group = page.locator(".nav-group-toggle", has_text="政民互动")
    panel = page.locator("#" + group.get_attribute("aria-controls"))
    group.hover()
    expect(panel).to_be_hidden()  # hovering alone opens nothing
    group.click()
    expect(panel).to_be_visible()
    expect(group).to_have_attribute("aria-expanded", "true")
    assert _fits(page)
    other = page.locator(".nav-group-toggle", has_text="政务服务")
    other.click()  # one open at a time
    expect(panel).to_be_hidden()
    page.mouse.click(5, 880)  # a click elsewhere closes it
    expect(page.locator(".nav-links:visible")).to_have_count(0)
    group.focus()
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    page.keyboard.press("Tab")
    assert _focused(page)["href"] == panel.locator("a").first.get_attribute("href")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert _focused(page)["text"] == "政民互动"
    # The last groups open towards the left: the panel stays inside the window.
    last = page.locator(".nav-group-toggle").last
    last.click()
    box = page.locator("#" + last.get_attribute("aria-controls")).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280


@pytest.mark.parametrize("width", [375, 1280])
def test_elder_mode_keeps_the_chrome_targets_at_least_60_pixels_high(browser_page, live_demo, width):
    page = _open(browser_page, live_demo, "/zcwj/", width=width, mode="elder")
    if width < WIDE:
        page.locator(".nav-toggle").click()
    page.locator(".nav-group-toggle").first.click()
    selector = (
        ".site-title a, #header-q, #header-scope, .header-search-button, .nav-toggle, .nav-top, "
        ".nav-links a, .breadcrumbs a"
    )
    sizes = page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.offsetParent !== null).map(e => ({
            text: (e.textContent || e.id).trim().slice(0, 12), height: e.getBoundingClientRect().height}))""",
    )
    assert len(sizes) >= 10, sizes
    small = [s for s in sizes if s["height"] < 60]
    assert not small, small
    assert _fits(page)
    assert page.evaluate("document.getAnimations().length") == 0


def test_without_javascript_the_navigation_is_still_reachable(chromium, live_demo):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": 375, "height": 900})
        page.goto(f"http://127.0.0.1:{live_demo['port']}/zcwj/")
        menu = page.locator("a.nav-menu-link")
        expect(menu).to_be_visible()
        with page.expect_navigation():
            menu.click()
        assert page.url.endswith("/wzdt/")
        expect(page.locator("main").get_by_role("link", name="政策文件库")).to_be_visible()
        page.set_viewport_size({"width": 1280, "height": 900})
        heading = page.locator("a.nav-group-link", has_text="政务服务")
        panel = page.locator(".nav-group", has=heading).locator(".nav-links")
        expect(panel).to_be_hidden()
        heading.focus()  # a group's links show while the focus is in the group
        expect(panel).to_be_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('.nav-links') !== null")
        # The header's search works as a plain form.
        page.fill("#header-q", "适老化")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/search/?q=" in page.url and "scope=site" in page.url
    finally:
        context.close()


def test_a_keyboard_walk_from_the_home_search_box_to_an_answer_and_to_a_policy(browser_page, live_demo):
    page = _open(browser_page, live_demo, "/", width=1280)
    library = page.request.get(f"http://127.0.0.1:{live_demo['port']}/zcwjk/").text()
    match = re.search(r'<h3><a href="(/zcwjk/[^"]+/)">([^<]+)</a>', library)
    assert match, "no policy listed in the library"
    policy_url, policy_title = match.group(1), match.group(2)

    _tab_until(page, lambda f: f["id"] == "header-q")
    page.keyboard.type(QUESTION)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search/" in page.url
    card = page.locator(".answer-card")
    expect(card).to_contain_text("个工作日")
    focused = _tab_until(page, lambda f: f["inCard"])
    assert focused["tag"] == "A"  # the answer's source, reached by Tab

    _tab_until(page, lambda f: f["id"] == "header-q", key="Shift+Tab")
    page.keyboard.type(policy_title)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Results link to their documents' full addresses.
    _tab_until(page, lambda f: f["href"].endswith(policy_url) and f["text"] == policy_title[:60])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(policy_url)
    expect(page.locator("h1")).to_have_text(policy_title)


def test_suggestions_in_the_header_box_are_an_aria_combobox(browser_page, live_demo):
    page = _open(browser_page, live_demo, "/zcwj/", width=1280)
    box = page.locator("#header-q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.focus()
    page.keyboard.type("shil")
    listbox = page.locator("#header-q-listbox")
    listbox.get_by_role("option", name="适老化", exact=True).wait_for()
    assert box.get_attribute("aria-controls") == "header-q-listbox"
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == listbox.get_by_role("option").first.get_attribute(
        "id"
    )
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    assert box.get_attribute("aria-expanded") == "false"


@pytest.mark.parametrize("mode", ["standard", "elder", "text"])
@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize(("host", "path", "kind"), ERROR_PAGES)
def test_the_error_pages_have_no_axe_violations(browser_page, live_demo, host, path, kind, mode, width):
    page = _open(browser_page, live_demo, path, host, width, mode, status=404)
    assert_no_violations(page)
    assert _fits(page)
    expect(page.locator("h1")).to_contain_text("不存在")
    if kind == "not-found":
        expect(page.locator("header form[role=search] input[name=q]")).to_be_visible()
        expect(page.locator("main").get_by_role("link", name="返回首页")).to_be_visible()


def test_the_forbidden_page_has_no_axe_violations(browser_page, live_demo):
    page = _open(browser_page, live_demo, "/hudong/liuyan/", "slj.localhost", width=375)
    with page.expect_navigation():
        page.evaluate(
            """() => { const form = document.querySelector('main form[method=post]');
                form.querySelector('input[name=csrfmiddlewaretoken]').remove(); form.submit(); }"""
        )
    expect(page.locator("h1")).to_have_text("页面已过期，请重新提交")
    expect(page.locator("header form[role=search]")).to_be_visible()
    assert_no_violations(page)
