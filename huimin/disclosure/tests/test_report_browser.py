"""The demo's published 2025 annual reports in Chromium against a real server: zero axe violations at phone
and desktop width in the standard and elderly-friendly versions (and the plain-text one), the wide tables
scroll inside their own labelled, focusable region instead of widening the page, and the downloads work."""

import pytest

from huimin.accessibility.enums import MODE_COOKIE
from huimin.accessibility.tests.axe import assert_no_violations

pytestmark = pytest.mark.browser
REPORT = "/xxgknb/2025/"  # the demo's report column (slug xxgknb) and its 2025 report (slug = the year)
HOSTS = ["127.0.0.1", "slj.localhost"]


def open_report(page, live_demo, host, mode="standard", width=1280):
    page.context.clear_cookies()
    if mode != "standard":
        page.context.add_cookies([{"name": MODE_COOKIE, "value": mode, "domain": host, "path": "/"}])
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(f"http://{host}:{live_demo['port']}{REPORT}")
    assert response.status == 200, f"{host}{REPORT}: the demo's published 2025 report"
    assert page.evaluate("document.documentElement.className").split()[0] == f"mode-{mode}"
    assert page.locator("h1").inner_text().endswith("2025年政府信息公开工作年度报告")
    return page


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("mode", ["standard", "elder"])
@pytest.mark.parametrize("host", HOSTS)
def test_the_report_has_no_wcag_violations(browser_page, live_demo, host, mode, width):
    page = open_report(browser_page, live_demo, host, mode, width)
    assert page.locator("table.stats").count() == 6
    assert_no_violations(page)


def test_the_plain_text_version_has_the_tables_and_no_pictures(browser_page, live_demo):
    page = open_report(browser_page, live_demo, "slj.localhost", "text", 375)
    assert page.locator("table caption").count() == 6
    assert page.locator("img, svg, video, iframe").count() == 0
    assert_no_violations(page)


def test_on_a_phone_the_tables_scroll_in_their_own_region_reached_by_keyboard(browser_page, live_demo):
    page = open_report(browser_page, live_demo, "127.0.0.1", "standard", 375)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    region = page.locator('.table-scroll[aria-labelledby="caption-applications"]')
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # 表三 is wider than a phone
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-labelledby')") == "caption-applications"
    before = region.evaluate("e => e.scrollLeft")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "before => document.querySelector('[aria-labelledby=caption-applications]').scrollLeft > before",
        arg=before,
    )


def test_the_report_downloads_as_docx_and_xlsx(browser_page, live_demo):
    page = open_report(browser_page, live_demo, "slj.localhost")
    for name, suffix in (("Word 文档（DOCX）", ".docx"), ("表格（XLSX）", ".xlsx")):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        assert download.value.suggested_filename == f"{page.locator('h1').inner_text()}{suffix}"
