"""The second factor in Chromium on a 375 px phone screen: a site editor turns it on from 帐号 → 两步验证,
scans (here: reads) the secret, confirms with a code, keeps a backup code, and signs in again with it. No
screen scrolls sideways, and axe finds nothing on the second step."""

import re

import pytest
from playwright.sync_api import expect

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import SECOND_STEP, enter_code, enter_password, server_time, totp_code

pytestmark = pytest.mark.browser
EDITOR = "sucheng-editor"  # no other browser test signs in as this editor


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_editor_enrols_on_a_phone_and_signs_in_again_with_a_backup_code(browser_page, live_demo):
    page, base = browser_page, live_demo["base_url"]
    page.set_viewport_size({"width": 375, "height": 800})
    password = load_spec()["password"]
    enter_password(page, base, EDITOR, password)
    page.wait_for_url(re.compile(r"/admin/$"))  # optional for a site editor: no second step yet

    page.goto(base + "/admin/two-factor/")
    expect(page.locator("main")).to_contain_text("两步验证未启用")
    assert _fits(page)
    page.get_by_role("link", name="启用两步验证").click()
    page.wait_for_url(re.compile(r"/admin/two-factor/setup/"))
    qr = page.locator(".huimin-otp-qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150  # big enough to scan
    assert _fits(page)
    secret = page.locator(".huimin-otp-secret").inner_text()
    enter_code_on_setup = totp_code(secret, server_time(page, base))
    page.fill("#id_code", enter_code_on_setup)
    page.get_by_role("button", name="绑定").click()

    codes = page.locator(".huimin-otp-codes code")
    expect(codes).to_have_count(10)
    assert _fits(page)
    backup_code = codes.first.inner_text()

    page.context.clear_cookies()
    enter_password(page, base, EDITOR, password)
    page.wait_for_url(SECOND_STEP)
    expect(page.locator("h1")).to_have_text("两步验证")
    assert _fits(page)
    assert_no_violations(page)
    enter_code(page, backup_code)
    expect(page.locator("body")).not_to_contain_text("验证码不正确")
