"""Every public page type in Chromium against a real server: zero axe violations of the WCAG 2.0/2.1 A and
AA rules in the standard and the elderly-friendly version at desktop and phone width, and the 工信部 elderly
rules measured on the rendered page."""

import pytest

from huimin.accessibility.enums import MODE_COOKIE

from .axe import assert_no_violations
from .public_pages import PUBLIC_PAGES

pytestmark = pytest.mark.browser
ARTICLE = ("127.0.0.1", "/zcwj/seed-2022-website-work-points/")
LETTER_FORM = ("slj.localhost", "/hudong/liuyan/")


def open_in_mode(page, live_demo, host, path, mode="standard", width=1280):
    page.context.clear_cookies()
    if mode != "standard":
        page.context.add_cookies([{"name": MODE_COOKIE, "value": mode, "domain": host, "path": "/"}])
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(f"http://{host}:{live_demo['port']}{path}")
    assert response.status == 200
    assert page.evaluate("document.documentElement.className").split()[0] == f"mode-{mode}"
    return page


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("mode", ["standard", "elder"])
@pytest.mark.parametrize(("host", "path", "kind"), PUBLIC_PAGES)
def test_the_page_has_no_wcag_a_or_aa_violations(browser_page, live_demo, host, path, kind, mode, width):
    assert_no_violations(open_in_mode(browser_page, live_demo, host, path, mode, width))


@pytest.mark.parametrize(("host", "path", "kind"), PUBLIC_PAGES)
def test_the_plain_text_version_has_no_violations_and_no_pictures(browser_page, live_demo, host, path, kind):
    page = open_in_mode(browser_page, live_demo, host, path, "text", 375)
    assert_no_violations(page)
    assert page.locator("img, svg, video, iframe").count() == 0
    assert "[图片：党政机关网站标识]" in page.locator("footer").inner_text()


def test_the_not_found_page_has_no_violations(browser_page, live_demo):
    browser_page.goto(f"http://127.0.0.1:{live_demo['port']}/no-such-page/")
    assert_no_violations(browser_page)


def _sizes(page, selector):
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.offsetParent !== null).map(e => {
            const s = getComputedStyle(e), r = e.getBoundingClientRect();
            return {text: (e.textContent || e.name || e.id).trim().slice(0, 20), height: r.height,
                    fontSize: parseFloat(s.fontSize), lineHeight: parseFloat(s.lineHeight),
                    marginBottom: parseFloat(s.marginBottom)};
        })""",
    )


def test_elder_text_is_large_with_generous_line_and_paragraph_spacing_on_a_phone(browser_page, live_demo):
    page = open_in_mode(browser_page, live_demo, *ARTICLE, mode="elder", width=375)
    paragraphs = _sizes(page, ".article-body p")
    assert len(paragraphs) >= 3
    for p in paragraphs[:-1]:  # the last paragraph's bottom margin is not between paragraphs
        assert p["fontSize"] >= 24, p  # 18 pt
        assert p["lineHeight"] >= 1.3 * p["fontSize"], p
        assert p["marginBottom"] >= 1.3 * p["lineHeight"], p
    standard = open_in_mode(browser_page, live_demo, *ARTICLE, mode="standard", width=375)
    assert _sizes(standard, ".article-body p")[0]["fontSize"] < paragraphs[0]["fontSize"]


@pytest.mark.parametrize(
    ("host", "path", "selector"),
    [
        ("127.0.0.1", "/", ".elder-tasks a, .main-nav a, .mode-switch, .footer-links a"),
        (
            *LETTER_FORM,
            "main input:not([type=hidden]):not([type=checkbox]):not([type=file]), main select, "
            "main textarea, main button, .mode-switch",
        ),
        ("127.0.0.1", "/zcwjk/", ".facets select, .facets button, .pagination a"),
    ],
)
def test_elder_main_controls_are_at_least_60_pixels_high(browser_page, live_demo, host, path, selector):
    page = open_in_mode(browser_page, live_demo, host, path, mode="elder", width=375)
    controls = [c for c in _sizes(page, selector) if "hp" not in c["text"]]
    assert len(controls) >= 3
    small = [c for c in controls if c["height"] < 60]
    assert not small, small
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_elder_version_has_no_motion_no_pop_ups_and_the_tasks_first(browser_page, live_demo):
    page = open_in_mode(browser_page, live_demo, "127.0.0.1", "/", mode="elder", width=375)
    assert page.evaluate("document.getAnimations().length") == 0
    assert (
        page.evaluate(
            """[...document.querySelectorAll('body *')].filter(e => {
            const s = getComputedStyle(e);
            return (s.position === 'fixed' || s.position === 'sticky') && e.offsetParent !== null
                && e.getBoundingClientRect().height > 0;
        }).length"""
        )
        == 0
    )
    assert page.locator("dialog[open], marquee, [role=dialog], [role=alertdialog], iframe").count() == 0
    first_link_in_main = page.locator("main a").first
    assert first_link_in_main.inner_text() == "我要留言"
    first_link_in_main.click()
    assert page.locator("h1").inner_text() == "我要留言"
    assert page.evaluate("document.documentElement.className").startswith("mode-elder")


def test_the_switch_works_without_javascript_from_any_page_and_back(browser_page, live_demo):
    from playwright.sync_api import expect

    context = browser_page.context.browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"http://slj.localhost:{live_demo['port']}/tzgg/")
        html = page.locator("html")
        # Each switch is a link through the mode view and back: wait for the page it lands on, not for
        # the click, so the class is read from the new document and never from one being replaced.
        page.get_by_role("link", name="长者模式").click()
        expect(html).to_have_class("mode-elder")
        assert page.url.endswith("/tzgg/")
        page.get_by_role("link", name="纯文本").click()
        expect(html).to_have_class("mode-text")
        assert page.url.endswith("/tzgg/")
        page.get_by_role("link", name="退出纯文本").click()
        expect(html).to_have_class("mode-standard")
        assert page.url.endswith("/tzgg/")
    finally:
        context.close()
