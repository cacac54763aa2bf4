"""Screenshots of what people see first: every demo site's home page on a phone (375 px) and a desktop
(1280 px), the search results with a recognised question, the portal's 政府信息公开 pages and the staff's
依申请公开 list, the citizen's sign-in, registration and 征集调查 pages, and the admin's 工作台 for three
roles.

`make screenshots` runs this with HUIMIN_SCREENSHOTS_DIR=docs/screenshots to refresh the pictures shown in
docs/screenshots.md; in the suite they go to a temporary folder, and each picture is checked for what a
person would stumble on first: the header's search box and the main navigation (or its menu button) on
screen, nothing scrolling sideways, and the sites' home pages differing from one another.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in

pytestmark = pytest.mark.browser
SITES = {
    "portal": "127.0.0.1",
    "shuyang": "shuyang.localhost",
    "sucheng": "sucheng.localhost",
    "slj": "slj.localhost",
    "jyj": "jyj.localhost",
}
WIDTHS = (375, 1280)
# The portal's 政府信息公开 pages: (the picture's name, the path, words the page must show).
DISCLOSURE_PAGES = [
    ("zfxxgk", "/zfxxgk/", "依申请公开"),
    ("zfxxgk-catalogue", "/zfxxgk/fdzdgknr/", "规划计划"),
    ("zfxxgk-apply", "/zfxxgk/ysqgk/", "所需信息的内容描述"),
    ("zfxxgk-report", "/xxgknb/2025/", "2025年政府信息公开工作年度报告"),
]
# The citizen's pages (the portal): sign-in, registration, and 征集调查 with a questionnaire and its results.
CITIZEN_PAGES = [
    ("accounts-login", "/accounts/login/", "忘记密码"),
    ("accounts-register", "/accounts/register/", "注册"),
    ("zjdc", "/zjdc/", "征集调查"),
    ("zjdc-survey", "/zjdc/wzmyd/", "填写问卷"),
    ("zjdc-results", "/zjdc/hcp/results/", "结果反馈"),
]
# (the picture's name, the person signed in)
DESKS = [("handler", "slj-handler"), ("leader", "portal-leader"), ("admin", "admin")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    target = Path(os.environ.get("HUIMIN_SCREENSHOTS_DIR") or tmp_path_factory.mktemp("screens"))
    target.mkdir(parents=True, exist_ok=True)
    return target


def _shoot(page, target: Path) -> str:
    page.evaluate("window.scrollTo(0, 0)")
    data = page.screenshot(path=str(target), full_page=True, type="jpeg", quality=70)
    assert len(data) > 10_000, f"{target.name}: an empty picture"
    return hashlib.sha256(data).hexdigest()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_every_sites_home_page_at_phone_and_desktop_width(browser_page, live_demo, folder):
    page, port = browser_page, live_demo["port"]
    digests = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for key, host in SITES.items():
            response = page.goto(f"http://{host}:{port}/")
            assert response.status == 200
            header = page.locator("header")
            assert header.locator("form[role=search] input[type=search]").first.is_visible(), (key, width)
            nav_or_button = page.locator("nav.main-nav, header button[aria-controls]").first
            assert nav_or_button.is_visible(), (key, width)
            assert _fits(page), f"{key} at {width} px scrolls sideways"
            digests[(key, width)] = _shoot(page, folder / f"home-{key}-{width}.jpg")
    for width in WIDTHS:
        assert len({digests[(key, width)] for key in SITES}) == len(SITES), "two sites' homes look the same"


def test_search_with_a_question_at_phone_and_desktop_width(browser_page, live_demo, folder):
    page, port = browser_page, live_demo["port"]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"http://shuyang.localhost:{port}/search/?q=咨询类留言多长时间内答复？")
        assert page.locator("main").inner_text().count("个工作日") >= 1  # the Q&A card's answer
        assert _fits(page)
        _shoot(page, folder / f"search-{width}.jpg")


def test_the_disclosure_pages_at_phone_and_desktop_width(browser_page, live_demo, folder):
    page, port = browser_page, live_demo["port"]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path, words in DISCLOSURE_PAGES:
            response = page.goto(f"http://127.0.0.1:{port}{path}")
            assert response.status == 200, path
            assert words in page.locator("main").inner_text(), path
            assert _fits(page), f"{path} at {width} px scrolls sideways"
            _shoot(page, folder / f"{name}-{width}.jpg")


def test_the_citizens_pages_at_phone_and_desktop_width(browser_page, live_demo, folder):
    page, port = browser_page, live_demo["port"]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path, words in CITIZEN_PAGES:
            response = page.goto(f"http://127.0.0.1:{port}{path}")
            assert response.status == 200, path
            assert words in page.locator("main").inner_text(), path
            assert page.locator("header").get_by_role("link", name="登录").first.is_visible(), path
            assert _fits(page), f"{path} at {width} px scrolls sideways"
            _shoot(page, folder / f"{name}-{width}.jpg")


def test_the_staffs_list_of_applications_at_phone_and_desktop_width(chromium, live_demo, folder):
    spec = load_spec()
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, live_demo["base_url"], "slj-handler", spec["password"])
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(live_demo["base_url"] + "/admin/disclosure/")
            assert response.status == 200
            text = page.locator("main").inner_text()
            assert "超期" in text and "临期" in text and "待登记" in text
            _shoot(page, folder / f"disclosure-admin-{width}.jpg")
    finally:
        context.close()


@pytest.mark.parametrize(("who", "username"), DESKS)
def test_the_workbench_of_three_roles(chromium, live_demo, folder, who, username):
    spec = load_spec()
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(
            page,
            live_demo["base_url"],
            username,
            spec["password"],
            secret=spec["second_factor_secret"],
            reuse=True,
        )
        page.goto(live_demo["base_url"] + "/admin/")
        assert page.locator("main").get_by_text("工作台").first.is_visible()
        _shoot(page, folder / f"workbench-{who}.jpg")
    finally:
        context.close()
