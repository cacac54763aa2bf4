"""为您推荐 and 我的兴趣与推荐 in Chromium against the live demo.

A demo citizen (李华, `demo-citizen-li`, whose 个性化推荐 the demo leaves off) signs in on the real
login page, switches 个性化推荐 on, searches and reads pages about 创业 (each read sent by the page's
beacon), and sees 为您推荐 change to items about what they read, none of which they have read; their
profile names 创业者. They correct it, clear it and switch 个性化推荐 off again, which is how the demo
left them (also if the test fails half-way: the module's cleanup does the same through the pages). Zero
axe violations on the interests page, the clearing page, the home page and a content page with 为您推荐,
in the standard and the elder mode, at 1280 and 375 px; pictures of each when HUIMIN_SCREENSHOTS_DIR is
set.
"""

from __future__ import annotations

import re

import pytest

from huimin.accessibility.enums import MODE_COOKIE
from huimin.demo.accounts import DEMO_ACCOUNTS
from huimin.demo.tests.screens import check_page, set_mode

pytestmark = pytest.mark.browser
HUB = "127.0.0.1"
READER = next(account for account in DEMO_ACCOUNTS if account["username"] == "demo-citizen-li")
REGION = "section.recommended"


def _url(live_demo, path: str) -> str:
    return f"http://{HUB}:{live_demo['port']}{path}"


@pytest.fixture(scope="module")
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _restore(page, live_demo) -> None:
    """Clear what was recorded and switch 个性化推荐 off: the demo's state of the account."""
    page.context.clear_cookies(name=MODE_COOKIE)
    page.goto(_url(live_demo, "/accounts/interests/clear/"))
    confirm = page.locator("main button", has_text="确认清空")
    if confirm.count():
        with page.expect_navigation():
            confirm.click()
    page.goto(_url(live_demo, "/accounts/interests/"))
    off = page.locator("main button", has_text="关闭个性化推荐")
    if off.count():
        with page.expect_navigation():
            off.click()


@pytest.fixture(scope="module")
def signed_in(page, live_demo):
    page.goto(_url(live_demo, "/accounts/login/?next=/accounts/interests/"))
    page.fill("input[name=login]", READER["login"])
    page.fill("input[name=password]", READER["password"])
    page.locator("main button", has_text="登录").click()
    # The login form posts to "…#error-summary", a fragment the browser keeps through the redirects.
    page.wait_for_url(lambda address: address.split("#")[0] == _url(live_demo, "/accounts/interests/"))
    assert "未开启" in page.locator("#consent-title + p").inner_text(), (
        "the demo left this account's consent on"
    )
    yield page
    _restore(page, live_demo)


def _mode(page, mode: str) -> None:
    set_mode(page, mode, (HUB,))


def _check(page, name: str, mode: str) -> None:
    check_page(page, f"profiles-{name}", mode)


def _recommended(page) -> list[tuple[str, str]]:
    """(address, reason) of each item 为您推荐 shows on the page."""
    region = page.locator(REGION)
    assert region.count() == 1
    links = region.locator("li > a")
    reasons = region.locator("li .recommended-meta span:last-child")
    return [(links.nth(n).get_attribute("href"), reasons.nth(n).inner_text()) for n in range(links.count())]


def _read(page, live_demo, path: str, *, again: bool = False) -> None:
    """Open a page and wait for its beacon's answer ("earlier": this tab sent it before, so not again)."""
    assert page.goto(_url(live_demo, path)).status == 200
    page.wait_for_selector("html[data-read-recorded]", state="attached", timeout=10_000)
    answer = page.evaluate("document.documentElement.dataset.readRecorded")
    assert answer in (("yes", "earlier") if again else ("yes",))


def _search_results(page, live_demo, query: str) -> list[str]:
    page.goto(_url(live_demo, f"/search/?q={query}"))
    prefix = f"http://{HUB}:{live_demo['port']}"
    addresses = []
    for href in page.locator("main ol a, main .results a").evaluate_all("els => els.map(e => e.href)"):
        path = href.removeprefix(prefix)
        content = re.match(r"^/(zcwjk|zcjd|bszn|gzdt|tzgg)/[^?#]+/$", path)
        if href.startswith(prefix) and content and path not in addresses:
            addresses.append(path)
    return addresses


def test_recommendations_follow_what_the_citizen_reads_and_the_profile_can_be_cleared(signed_in, live_demo):
    page = signed_in
    _mode(page, "standard")
    page.goto(_url(live_demo, "/"))
    before = _recommended(page)  # consent off: the site's popular items
    assert before and all(reason in ("本站近期热门", "本站最新发布") for _href, reason in before)
    assert "开启个性化推荐" in page.locator(REGION).inner_text()

    page.goto(_url(live_demo, "/accounts/interests/"))
    with page.expect_navigation():
        page.locator("main button", has_text="开启个性化推荐").click()
    assert "个性化推荐已开启" in page.locator("main .notice").inner_text()

    read = _search_results(page, live_demo, "创业")[:3]
    assert len(read) == 3, "the search found too few pages about 创业 on the portal"
    for path in read:
        _read(page, live_demo, path)

    page.goto(_url(live_demo, "/"))
    after = _recommended(page)
    assert after != before
    assert not {href for href, _reason in after} & set(read), "a page already read was recommended"
    assert any("创业者" in reason or "关注" in reason for _href, reason in after)
    assert "根据您的兴趣推荐" in page.locator(REGION).inner_text()

    page.goto(_url(live_demo, "/accounts/interests/"))
    profile = page.locator("main section").nth(1).inner_text()
    assert "人群" in profile and "创业者" in profile
    records = page.locator(".activity-list").inner_text()
    assert "创业" in records  # the search, among what was recorded

    # A correction: 创业者 boosted, then the whole profile cleared after the confirmation page.
    with page.expect_navigation():
        page.locator("li.interest", has_text="创业者").first.locator("button", has_text="加强").click()
    assert "已加强" in page.locator("li.interest", has_text="创业者").first.inner_text()
    with page.expect_navigation():
        page.locator("main a", has_text="清空兴趣画像和浏览记录").click()
    assert page.locator("h1").inner_text() == "清空兴趣画像和浏览记录"
    with page.expect_navigation():
        page.locator("main button", has_text="确认清空").click()
    assert "已全部清空" in page.locator("main .notice").inner_text()
    assert "没有任何记录" in page.locator("main").inner_text()


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_the_new_pages_have_no_axe_violations_and_fit_both_widths(signed_in, live_demo, mode):
    page = signed_in
    _mode(page, mode)
    page.goto(_url(live_demo, "/accounts/interests/"))
    if page.locator("main button", has_text="开启个性化推荐").count():
        with page.expect_navigation():
            page.locator("main button", has_text="开启个性化推荐").click()
    read = _search_results(page, live_demo, "养老")[:2]
    for path in read:
        _read(page, live_demo, path, again=True)  # the other mode's run read them in this tab
    assert page.goto(_url(live_demo, "/accounts/interests/")).status == 200
    assert page.locator("li.interest").count() >= 1
    _check(page, "interests", mode)
    assert page.goto(_url(live_demo, "/accounts/interests/clear/")).status == 200
    _check(page, "clear", mode)
    # A content page with 为您推荐 under it, personal, and the home page.
    policy = _search_results(page, live_demo, "就业")[0]
    assert page.goto(_url(live_demo, policy)).status == 200
    assert page.locator(REGION).count() == 1
    _check(page, "content-page", mode)
    assert page.goto(_url(live_demo, "/")).status == 200
    assert page.locator(REGION).count() == 1
    _check(page, "home", mode)
    # An error shown on the interests page (a correction of a tag the profile does not hold).
    page.goto(_url(live_demo, "/accounts/interests/"))
    form = page.locator("form.interest-actions", has=page.locator("button", has_text="删除")).first
    form.locator("input[name=value]").evaluate("input => { input.value = '并非画像中的标签'; }")
    with page.expect_navigation():
        form.locator("button", has_text="删除").click()
    assert page.locator("#error-summary").is_visible()
    _check(page, "interests-error", mode)
    _restore(page, live_demo)
    _mode(page, mode)
