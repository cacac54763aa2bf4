"""安全预警 in Chromium, as the demo administrator, at 375 and 1280 px: the alert list, an escalated alert
with its forms reached and sent by keyboard (an empty reason to resolve comes back as an announced
error), the register with its warnings, and a scan with its changes; axe finds nothing and nothing scrolls
sideways but the tables inside their own regions.

With HUIMIN_SCREENSHOTS_DIR set, the pages are saved there as `security-<screen>-<width>.jpg`."""

from __future__ import annotations

import re

import pytest

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in
from huimin.demo.tests.screens import fits, screenshots_folder, shoot_admin

pytestmark = pytest.mark.browser
WIDTHS = (375, 1280)


@pytest.fixture(scope="module")
def folder():
    return screenshots_folder()


def _check(page, folder, name: str, width: int) -> None:
    assert fits(page), f"{name} scrolls sideways at {width} px"
    assert_no_violations(page)
    shoot_admin(page, folder, f"security-{name}-{width}", fmt="jpeg")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_security_screens_pass_axe_fit_and_work_by_keyboard(browser_page, live_demo, folder, width):
    spec = load_spec()
    page = browser_page
    sign_in(
        page,
        live_demo["base_url"],
        "admin",
        spec["password"],
        secret=spec["second_factor_secret"],
        reuse=True,
    )
    page.set_viewport_size({"width": width, "height": 900})
    base = live_demo["base_url"]

    assert page.goto(base + "/admin/").status == 200
    panel = page.locator("#workbench-security-section")
    assert panel.count() == 1 and "敏感内容暴露" in panel.inner_text()

    assert page.goto(base + "/admin/security/?state=all").status == 200
    assert page.locator("h1").first.inner_text().strip() == "安全预警"
    assert page.locator("#aqyj-alerts tbody tr").count() >= 4
    _check(page, folder, "alerts", width)

    page.get_by_role("link", name=re.compile("敏感内容暴露")).first.click()
    page.wait_for_url(re.compile(r"/admin/security/alerts/\d+/"))
    assert "已升级 2 次" in page.locator("main").inner_text()
    _check(page, folder, "alert", width)
    page.get_by_role("button", name="解除预警").focus()
    with page.expect_navigation():  # no reason given: the error comes back, nothing changes
        page.keyboard.press("Enter")
    assert "未能办理" in page.get_by_role("alert").first.inner_text()
    assert page.get_by_label(re.compile("^解除说明")).count() == 1
    assert fits(page)

    assert page.goto(base + "/admin/security/exercises/").status == 200
    warnings = page.locator("section.aqyj-warnings")
    assert warnings.count() == 1 and "未开展应急演练或渗透测试" in warnings.inner_text()
    _check(page, folder, "exercises", width)
    assert page.goto(base + "/admin/security/exercises/new/").status == 200
    assert page.get_by_label(re.compile("^开展日期")).count() == 1
    _check(page, folder, "exercise-new", width)

    assert page.goto(base + "/admin/security/scans/").status == 200
    _check(page, folder, "scans", width)
    page.locator("#aqyj-scans tbody a").nth(1).click()
    page.wait_for_url(re.compile(r"/admin/security/scans/\d+/"))
    assert page.locator("#aqyj-checks tbody tr").count() >= 10
    _check(page, folder, "scan", width)
