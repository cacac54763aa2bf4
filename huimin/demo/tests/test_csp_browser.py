"""The public pages do everything they did under their Content-Security-Policy: Chromium reports no
violation on the pages with the most script and media (the elder toolbar, charts, the letter form, the
designer's components), and the admin's pages load under theirs."""

import re

import pytest

from huimin.demo.builder import load_spec

pytestmark = pytest.mark.browser
PAGES = [
    "/",
    "/ztzl/kbqy/",
    "/ztzl/sjkss/",
    "/hudong/liuyan/",
    "/bszn/",
    "/zcwjk/",
    "/sjkf/",
    "/search/?q=养老",
]


def _violations(page) -> list[str]:
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: seen.append(str(e)))
    return seen


@pytest.mark.parametrize("path", PAGES)
def test_a_public_page_runs_under_its_policy_with_no_violation(browser_page, live_demo, path):
    seen = _violations(browser_page)
    response = browser_page.goto(live_demo["base_url"] + path)
    assert response.status == 200 and "script-src 'self';" in response.headers["content-security-policy"]
    browser_page.wait_for_load_state("networkidle")
    assert seen == []


def test_the_admin_login_and_dashboard_run_under_their_policy(browser_page, live_demo):
    seen = _violations(browser_page)
    browser_page.goto(live_demo["base_url"] + "/admin/login/")
    browser_page.fill("#id_username", "admin")
    browser_page.fill("#id_password", load_spec()["password"])
    browser_page.locator("form button[type=submit]").first.click()
    browser_page.wait_for_url(re.compile(r"/admin/$"))
    browser_page.wait_for_load_state("networkidle")
    assert seen == []
