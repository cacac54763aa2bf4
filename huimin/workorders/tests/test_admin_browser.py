"""A work order's whole way in Chromium on the live demo, at 1280 px: the portal's editor submits it, the
portal's 站点管理员 accepts it, the platform admin dispatches it to themself and records the fix, and the
editor confirms it; then the list at 375 px fits the screen. axe finds nothing on the list and the order.

With HUIMIN_SCREENSHOTS_DIR set, the screens are saved there as `workorders-detail-1280.png` and
`workorders-list-375.png`."""

from __future__ import annotations

import re

import pytest

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in
from huimin.demo.tests.screens import fits, screenshots_folder, shoot_admin

pytestmark = pytest.mark.browser
TITLE = "浏览器测试：政策文件栏目排序错乱"


@pytest.fixture(scope="module")
def folder():
    return screenshots_folder()


def _as(page, base: str, username: str) -> None:
    spec = load_spec()
    page.context.clear_cookies()
    secret = spec["second_factor_secret"] if username == "admin" else ""
    sign_in(page, base, username, spec["password"], secret=secret, reuse=True)


def _step(page, action: str, **fields) -> None:
    form = page.locator(f"#action-{action}")
    for label, value in fields.items():
        form.get_by_label(label).fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".help-critical").count() == 0, page.locator(".help-critical").first.inner_text()


def test_an_order_goes_from_submission_to_confirmation(browser_page, live_demo, folder):
    page, base = browser_page, live_demo["base_url"]
    page.set_viewport_size({"width": 1280, "height": 900})

    _as(page, base, "portal-editor")
    page.goto(base + "/admin/workorders/new/")
    page.get_by_label("类型").select_option(label="栏目调整")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("问题描述").fill("“政策文件”栏目中的文件没有按发布日期倒序排列。")
    page.get_by_label("页面地址").fill(base + "/zcwj/")
    page.get_by_role("button", name="提交工单").click()
    page.wait_for_url(re.compile(r"/admin/workorders/\d+/$"))
    detail = page.url
    assert "待审核" in page.locator("main").inner_text()

    _as(page, base, "portal-siteadmin")
    page.goto(detail)
    _step(page, "accept")
    assert "待派发" in page.locator("main").inner_text()

    _as(page, base, "admin")
    page.goto(detail)
    chooser = page.locator("#action-dispatch").get_by_label("承办人")
    chooser.select_option(chooser.locator("option", has_text="平台运维团队").first.get_attribute("value"))
    _step(page, "dispatch")
    _step(page, "fix", 处理情况="已调整栏目排序规则为按发布日期倒序。")
    assert "待确认" in page.locator("main").inner_text()

    _as(page, base, "portal-editor")
    page.goto(detail)
    assert page.locator("#action-confirm").is_visible()
    assert_no_violations(page)
    shoot_admin(page, folder, "workorders-detail-1280")
    _step(page, "confirm")
    text = page.locator("main").inner_text()
    assert "已办结" in text and "确认办结" in text and "已调整栏目排序规则" in text

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(base + "/admin/workorders/")
    assert page.get_by_role("link", name=re.compile(r"GD\d{8}-\d{4}")).count() >= 1
    assert fits(page), "the list scrolls sideways at 375 px"
    assert_no_violations(page)
    shoot_admin(page, folder, "workorders-list-375")

    if folder is not None:  # the other screens, for a look (`make screenshots`)
        page.goto(detail)
        shoot_admin(page, folder, "workorders-detail-375")
        page.goto(base + "/admin/workorders/new/")
        shoot_admin(page, folder, "workorders-submit-375")
        _as(page, base, "admin")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(base + "/admin/workorders/board/")
        shoot_admin(page, folder, "workorders-board-1280")
        page.goto(base + "/admin/")
        shoot_admin(page, folder, "workorders-workbench-1280")
