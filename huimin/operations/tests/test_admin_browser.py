"""运维责任清单 and 值班读网 in Chromium on the live demo, as the platform administrator: axe at 1280 and
375 px, nothing scrolling sideways, the record form reached and refused by keyboard with its error announced.

With HUIMIN_SCREENSHOTS_DIR set, saves `responsibility-1280.png`, `responsibility-375.png` and
`duty-1280.png` there."""

from __future__ import annotations

import re

import pytest

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in
from huimin.demo.tests.screens import fits, screenshots_folder, shoot_admin

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def folder():
    return screenshots_folder()


def test_the_responsibility_list_and_the_duty_month_in_a_browser(browser_page, live_demo, folder):
    spec = load_spec()
    page = browser_page
    base = live_demo["base_url"]
    sign_in(page, base, "admin", spec["password"], secret=spec["second_factor_secret"], reuse=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/admin/operations/responsibility/")
    page.get_by_role("link", name="沭阳县人民政府").click()
    page.wait_for_url(re.compile(r"/admin/operations/responsibility/\d+/"))
    assert "运维责任清单（沭阳县人民政府）" in page.locator("h1").first.inner_text()
    assert page.locator("table caption", has_text="沭阳县人民政府的栏目").count() == 1
    assert page.get_by_text("内容质量要求").count() >= 1
    assert fits(page), "the list scrolls sideways"
    assert_no_violations(page)
    shoot_admin(page, folder, "responsibility-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert fits(page), "the list scrolls sideways at 375 px"
    assert_no_violations(page)
    shoot_admin(page, folder, "responsibility-375")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "/admin/operations/duty/")
    page.get_by_role("link", name="沭阳县人民政府").click()
    page.wait_for_url(re.compile(r"/admin/operations/duty/\d+/"))
    page.get_by_role("link", name="上个月").click()
    page.wait_for_url(re.compile(r"month=2026-10"))
    assert page.get_by_role("heading", name="2026年10月").count() == 1
    assert page.locator(".ops-state-missed").count() == 2  # the demo leaves two days of 沭阳 unrecorded
    assert page.get_by_text("周六（国庆节调休）").count() == 1
    assert fits(page), "the month scrolls sideways"
    assert_no_violations(page)
    shoot_admin(page, folder, "duty-1280")

    # The person on duty today's form, by keyboard: sent empty, refused with the error announced.
    page.get_by_role("link", name="本月").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"month=2026-11"))
    page.get_by_role("link", name="记录今天的读网").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/record/"))
    page.get_by_role("button", name="保存读网记录").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "读网记录未能保存" in page.get_by_role("alert").inner_text()
    assert page.get_by_label(re.compile("^浏览页面数")).get_attribute("aria-invalid") == "true"
    assert_no_violations(page)
