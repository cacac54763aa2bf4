"""The demo as a person sees it, in Chromium against a real server process.

Every page type carries every national tag and footer item in the live DOM, and works with the keyboard and
at phone width. Zero axe violations in every display mode: huimin/accessibility/tests/test_pages_browser.py.
"""

import pytest

from huimin.accessibility.tests.keyboard import tab_to
from huimin.accessibility.tests.public_pages import PUBLIC_PAGES
from huimin.sites.page_tags import COLUMN_TAGS, CONTENT_TAGS, SITE_TAGS

pytestmark = pytest.mark.browser
TAG_GROUPS = {
    "home": SITE_TAGS + COLUMN_TAGS,
    "column": SITE_TAGS + COLUMN_TAGS,
    "policy-library": SITE_TAGS + COLUMN_TAGS,
    "article": SITE_TAGS + CONTENT_TAGS,
    "policy": SITE_TAGS + CONTENT_TAGS,
    "interpretation": SITE_TAGS + CONTENT_TAGS,
}
FOOTER_ITEMS = ["网站标识码", "ICP备案编号", "公安机关备案标识", "主办单位", "联系电话", "我为政府网站找错"]


def _open(browser_page, live_demo, host, path, width=1280):
    browser_page.set_viewport_size({"width": width, "height": 900})
    response = browser_page.goto(f"http://{host}:{live_demo['port']}{path}")
    assert response.status == 200
    return browser_page


@pytest.mark.parametrize(("host", "path", "kind"), PUBLIC_PAGES)
def test_the_page_carries_its_national_tags_and_footer_items(browser_page, live_demo, host, path, kind):
    page = _open(browser_page, live_demo, host, path)
    metas = page.eval_on_selector_all(
        "head meta[name]", "els => Object.fromEntries(els.map(e => [e.name, e.content]))"
    )
    missing = [name for name in TAG_GROUPS.get(kind, SITE_TAGS) if not metas.get(name)]
    assert not missing, f"{host}{path} lacks {missing}"
    footer = page.locator("footer")
    for item in FOOTER_ITEMS:
        assert footer.get_by_text(item, exact=False).first.is_visible(), item
    assert footer.get_by_role("img", name="党政机关网站标识").is_visible()
    report = footer.get_by_role("link", name="我为政府网站找错")
    assert f"site_code={metas['SiteIDCode']}" in report.get_attribute("href")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def test_the_first_tab_reaches_a_visible_skip_link_that_moves_focus_to_the_content(browser_page, live_demo):
    page = _open(browser_page, live_demo, "127.0.0.1", "/gzdt/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent.trim(), document.activeElement.className]")
    assert focused == ["跳到主要内容", "skip-link"]
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_keyboard_alone_reaches_and_follows_an_article_link(browser_page, live_demo):
    page = _open(browser_page, live_demo, "127.0.0.1", "/gzdt/")
    first_article = page.locator(".article-list a").first
    title = first_article.inner_text()
    tab_to(page, lambda stop: stop["text"] == title[:30], limit=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == title


@pytest.mark.parametrize(("host", "path", "kind"), PUBLIC_PAGES[:3])
def test_the_page_reflows_at_320_pixels_without_sideways_scrolling(browser_page, live_demo, host, path, kind):
    page = _open(browser_page, live_demo, host, path, width=320)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
