"""工单统计 in Chromium, as the demo's platform administrator: the demo's year at 375 and 1280 px with zero
axe violations and nothing wider than the window but the tables inside their own scrolling regions, the
year and site chosen with the keyboard.

With HUIMIN_SCREENSHOTS_DIR set (`make screenshots`), the page is also saved there as
`workorders-report-<width>.png`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.conftest import DEMO_NOW
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in

pytestmark = pytest.mark.browser
WIDTHS = (375, 1280)


def _check(page, width: int, folder: Path | None) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(100)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the window"
    assert_no_violations(page)
    if folder is not None:
        page.screenshot(path=str(folder / f"workorders-report-{width}.png"), full_page=True)


def test_the_platform_reads_the_years_work_orders(browser_page, live_demo):
    spec = load_spec()
    base = live_demo["base_url"]
    sign_in(browser_page, base, "admin", spec["password"], secret=spec["second_factor_secret"], reuse=True)
    target = os.environ.get("HUIMIN_SCREENSHOTS_DIR")
    folder = Path(target) if target else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    page = browser_page
    page.goto(base + "/admin/workorders/reports/")
    year = DEMO_NOW.year
    expect(page.locator("#wo-year option[selected]")).to_have_text(f"{year}年")
    expect(page.get_by_role("heading", name=f"{year}年工单概况")).to_be_visible()
    for width in WIDTHS:
        _check(page, width, folder)

    # By keyboard: the site list, then the button.
    page.locator("#wo-year").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#wo-site")).to_be_focused()
    page.select_option("#wo-site", label="沭阳县人民政府")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="查看")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"site=\d+"))
    expect(page.get_by_role("heading", name=re.compile("沭阳县人民政府工单概况"))).to_be_visible()
    assert_no_violations(page)
