"""The public pages do everything they did under their Content-Security-Policy: Chromium reports no
violation on the pages with the most script and media (the elder toolbar, charts, the letter form, the
designer's components), and the admin's pages, the second step of its login included, load under theirs."""

import pytest

from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in

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


def test_the_admin_login_second_step_and_dashboard_run_under_their_policy(browser_page, live_demo):
    """The platform administrator signs in with the password and the demo's TOTP secret (decision 0012)."""
    seen = _violations(browser_page)
    spec = load_spec()
    sign_in(
        browser_page, live_demo["base_url"], "admin", spec["password"], secret=spec["second_factor_secret"]
    )
    browser_page.wait_for_load_state("networkidle")
    assert seen == []
