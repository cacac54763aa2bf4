"""The demo as a person sees it, in Chromium against a real server process.

Every page type has zero axe violations for the WCAG 2.0/2.1 A and AA rules, carries every national tag
and footer item in the live DOM, and works with the keyboard and at phone width.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from huimin.sites.page_tags import COLUMN_TAGS, CONTENT_TAGS, SITE_TAGS

pytestmark = pytest.mark.browser
WCAG_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = [
    ("127.0.0.1", "/", "home"),
    ("127.0.0.1", "/gzdt/", "column"),
    ("127.0.0.1", "/zcwj/seed-2022-website-work-points/", "article"),
    ("slj.localhost", "/", "home"),
    ("slj.localhost", "/tzgg/", "column"),
    ("shuyang.localhost", "/gzdt/demo-gzdt-1/", "article"),
    ("127.0.0.1", "/zcwjk/?doc_kind=通知&validity=valid", "column"),
    ("slj.localhost", "/zcwjk/demo-policy-10/", "article"),
    ("jyj.localhost", "/zcwjk/demo-jd-demo-policy-1/", "article"),
    ("127.0.0.1", "/gongju/deadline/?start=2022-09-30+16:00&amount=1&unit=days", "tool"),
    ("slj.localhost", "/hudong/liuyan/", "tool"),
    ("127.0.0.1", "/hudong/liuyan/chaxun/", "tool"),
    ("slj.localhost", "/hudong/liuyan/gongkai/", "tool"),
    ("slj.localhost", "/hudong/liuyan/tongji/", "tool"),
]
EXPECTED_TAGS = {
    "home": SITE_TAGS + COLUMN_TAGS,
    "column": SITE_TAGS + COLUMN_TAGS,
    "article": SITE_TAGS + CONTENT_TAGS,
    "tool": SITE_TAGS,
}
FOOTER_ITEMS = ["网站标识码", "ICP备案编号", "公安机关备案标识", "主办单位", "联系电话", "我为政府网站找错"]
axe = Axe()


def _open(browser_page, live_demo, host, path, width=1280):
    browser_page.set_viewport_size({"width": width, "height": 900})
    response = browser_page.goto(f"http://{host}:{live_demo['port']}{path}")
    assert response.status == 200
    return browser_page


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(("host", "path", "kind"), PAGES)
def test_the_page_has_no_wcag_a_or_aa_violations(browser_page, live_demo, host, path, kind, width):
    page = _open(browser_page, live_demo, host, path, width)
    results = axe.run(page, options=WCAG_RULES)
    assert results.violations_count == 0, results.generate_report()
    assert results.response["passes"], "axe checked nothing"


@pytest.mark.parametrize(("host", "path", "kind"), PAGES)
def test_the_page_carries_its_national_tags_and_footer_items(browser_page, live_demo, host, path, kind):
    page = _open(browser_page, live_demo, host, path)
    metas = page.eval_on_selector_all(
        "head meta[name]", "els => Object.fromEntries(els.map(e => [e.name, e.content]))"
    )
    missing = [name for name in EXPECTED_TAGS[kind] if not metas.get(name)]
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
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == title:
            break
    else:
        pytest.fail("the first article link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title


@pytest.mark.parametrize(("host", "path", "kind"), PAGES[:3])
def test_the_page_reflows_at_320_pixels_without_sideways_scrolling(browser_page, live_demo, host, path, kind):
    page = _open(browser_page, live_demo, host, path, width=320)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
