"""依申请公开 in the admin, in Chromium: the water bureau's message handler opens the list and applications
of the demo, at 375 and 1280 px, with zero axe violations; the ground select shows only the grounds of the
answer chosen (the script), and the level is said in words."""

import pytest
from playwright.sync_api import expect

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in

pytestmark = pytest.mark.browser
WIDTHS = (375, 1280)


@pytest.fixture
def handler_page(browser_page, live_demo):
    spec = load_spec()
    sign_in(
        browser_page,
        live_demo["base_url"],
        "slj-handler",
        spec["password"],
        secret=spec["second_factor_secret"],
        reuse=True,
    )
    return browser_page


def _fits(page) -> None:
    """Nothing but the scrollable tables is wider than the window."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the window"


def _check(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(100)
    _fits(page)
    assert_no_violations(page)


def test_the_handler_opens_the_list_and_an_application(handler_page, live_demo):
    page, base = handler_page, live_demo["base_url"]
    page.goto(base + "/admin/disclosure/")
    expect(page.locator("h1, h2").filter(has_text="依申请公开").first).to_be_visible()
    table = page.locator("table.disclosure-table")
    expect(table.locator("tbody tr").first).to_be_visible()
    expect(table).to_contain_text("宿迁市水利局")
    expect(table).not_to_contain_text("宿迁市教育局")  # another unit's applications are not listed
    expect(table.locator(".disclosure-level-overdue").first).to_have_text("超期")
    for width in WIDTHS:
        _check(page, width)

    page.goto(base + "/admin/disclosure/?state=processing")
    page.locator("table.disclosure-table tbody a").first.click()
    expect(page.locator("#action-draft_answer")).to_be_visible()
    expect(page.locator(".disclosure-facts").nth(1)).to_contain_text("证件号码")
    page.select_option("#id_draft_answer_answer", label="不予公开")
    assert page.evaluate(
        "[...document.querySelectorAll('#id_draft_answer_ground optgroup')]"
        ".filter(g => !g.hidden).map(g => g.label)"
    ) == ["不予公开"]
    page.select_option("#id_draft_answer_ground", label="属于国家秘密")
    page.select_option("#id_draft_answer_answer", label="无法提供")
    assert page.input_value("#id_draft_answer_ground") == ""  # a ground of another answer is dropped
    page.select_option("#id_draft_answer_answer", label="予以公开")
    expect(page.locator("#id_draft_answer_ground")).to_be_hidden()
    for width in WIDTHS:
        _check(page, width)

    page.goto(base + "/admin/disclosure/?state=answered")
    page.locator("table.disclosure-table tbody a").first.click()
    expect(page.get_by_role("heading", name="答复告知书")).to_be_visible()
    expect(page.locator("a[download]").filter(has_text=".pdf").first).to_be_visible()
    for width in WIDTHS:
        _check(page, width)
