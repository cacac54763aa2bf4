"""留言督办 and 通报 in Chromium: the platform administrator (an assessor) opens the supervision table of
the demo's October and the running month, a unit's letters behind a figure, and the notice, at 375 and
1280 px, with zero axe violations and nothing but the scrollable tables wider than the window."""

import re

import pytest
from playwright.sync_api import expect

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in

pytestmark = pytest.mark.browser
WIDTHS = (375, 1280)


@pytest.fixture
def assessor_page(browser_page, live_demo):
    spec = load_spec()
    sign_in(
        browser_page,
        live_demo["base_url"],
        "admin",
        spec["password"],
        secret=spec["second_factor_secret"],
        reuse=True,
    )
    return browser_page


def _check(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(100)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the window"
    assert_no_violations(page)


def test_the_assessor_reads_the_supervision_table_and_the_notice(assessor_page, live_demo):
    page, base = assessor_page, live_demo["base_url"]
    page.goto(base + "/admin/assessment/supervision/")
    expect(page.locator("#sv-period option[selected]")).to_have_text("2026年11月")  # the demo's month
    expect(page.get_by_text("本期尚未结束")).to_be_visible()
    for width in WIDTHS:
        _check(page, width)

    page.select_option("#sv-period", "2026-10")
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(r"period=2026-10"))
    table = page.locator("table.sv-table").first
    expect(table).to_contain_text("宿迁市水利局")
    expect(table.locator("tr.sv-total")).to_contain_text("合计")
    for width in WIDTHS:
        _check(page, width)

    table.locator("td.sv-number a").first.click()  # the demo's October has letters behind its figures
    expect(page.get_by_role("link", name="返回留言督办")).to_be_visible()
    expect(page.locator("table.sv-table tbody tr").first).to_be_visible()
    for width in WIDTHS:
        _check(page, width)

    page.goto(base + "/admin/assessment/supervision/notice/2026-10/")
    expect(page.locator("#sv-notice-title")).to_have_text("关于2026年10月政府网站网民留言办理情况的通报")
    expect(page.get_by_role("link", name="下载 Word 文档")).to_be_visible()
    for width in WIDTHS:
        _check(page, width)
    page.emulate_media(media="print")
    expect(page.locator("#wagtail-sidebar")).to_be_hidden()  # printed without the admin's menu
    expect(page.locator("#sv-notice-title")).to_be_visible()
    page.emulate_media(media="screen")
