"""信息报送 in Chromium, as the portal editor: the list with every unit's progress, then a waiting item with
the adopt form, at 375 and 1280 px with zero axe violations; the adopt form sent without a choice comes back
with its Chinese error (no script needed), and nothing is decided."""

import re

import pytest
from playwright.sync_api import expect

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in

pytestmark = pytest.mark.browser
WIDTHS = (375, 1280)


@pytest.fixture
def office_page(browser_page, live_demo):
    spec = load_spec()
    sign_in(
        browser_page,
        live_demo["base_url"],
        "portal-editor",
        spec["password"],
        secret=spec["second_factor_secret"],
        reuse=True,
    )
    return browser_page


def _check(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(100)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the window at {width}px"
    assert_no_violations(page)


def test_the_portal_editor_reads_the_list_and_opens_the_adopt_form(office_page, live_demo):
    page, base = office_page, live_demo["base_url"]
    page.goto(base + "/admin/assessment/submissions/")
    expect(page.get_by_role("heading", name="报送的信息")).to_be_visible()
    listing = page.locator("#xxbs-list")
    expect(listing.locator("tbody tr").first).to_be_visible()
    expect(listing).to_contain_text("沭阳县")
    expect(listing).to_contain_text("宿城区")  # the portal office sees every unit's items
    progress = page.locator("#xxbs-progress-table")
    if progress.count():  # the demo's year has its indicator table
        expect(progress).to_contain_text("宿迁市水利局")
    else:
        expect(page.get_by_role("status").first).to_contain_text("考核指标表")
    for width in WIDTHS:
        _check(page, width)

    page.goto(base + "/admin/assessment/submissions/?state=submitted")
    expect(listing.locator(".xxbs-state-submitted").first).to_have_text("待采用")
    listing.locator("tbody a").first.click()
    form = page.locator("#action-adopt")
    expect(form).to_be_visible()
    expect(form.get_by_role("radio", name=re.compile("原文采用"))).to_be_visible()
    expect(page.locator("#action-reject")).to_be_visible()
    expect(page.locator("#action-revise")).to_have_count(0)  # revising is the submitting unit's
    for width in WIDTHS:
        _check(page, width)

    detail = page.url
    form.get_by_role("button", name="采用").click()
    expect(page.get_by_role("alert").first).to_contain_text("“采用”未能办理")
    expect(page.locator("#action-adopt")).to_contain_text("请选择采用方式")
    assert page.url == detail
    expect(page.locator(".xxbs-facts")).to_contain_text("待采用")
    for width in WIDTHS:
        _check(page, width)
