"""The rankings and a unit's score sheet in Chromium, as the demo administrator: axe at 375 and 1280 px,
nothing scrolling sideways but the tables inside their own scrolling regions, the distribution chart drawn,
the sheet's forms reachable by keyboard with their errors announced.

With HUIMIN_SCREENSHOTS_DIR set (`make screenshots`), the pages are also saved as
`assessment-index-<width>.jpg`, `assessment-sheet-<width>.jpg` and `assessment-finding-<width>.jpg` there
(docs/screenshots/)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in
from huimin.demo.tests.screens import fits, screenshots_folder, shoot_admin

pytestmark = pytest.mark.browser
WIDTHS = (375, 1280)
ENSURE_TABLES = """
from huimin.assessment.models import IndicatorTable
from huimin.assessment.services import tables
for year in (2025, 2026):
    if not IndicatorTable.objects.filter(year=year).exists():
        tables.seed_table(year)
"""


@pytest.fixture(scope="module")
def assessment_demo(live_demo):
    """The live demo with the indicator tables of 2025 and 2026 (the demo makes them; made here if not)."""
    script = (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'huimin.settings.dev')\n"
        "django.setup()\n" + ENSURE_TABLES
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DEBUG": "0",
        "DATABASE_URL": live_demo["database_url"],
        "HUIMIN_VAR_DIR": str(live_demo["log"].parent),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, timeout=300)
    return live_demo


@pytest.fixture(scope="module")
def folder():
    return screenshots_folder()


def _signed_in(browser_page, live_demo):
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


@pytest.mark.parametrize("width", WIDTHS)
def test_the_rankings_and_a_sheet_pass_axe_and_fit(browser_page, assessment_demo, folder, width):
    page = _signed_in(browser_page, assessment_demo)
    page.set_viewport_size({"width": width, "height": 900})
    base = assessment_demo["base_url"]
    response = page.goto(base + "/admin/assessment/?year=2026")
    assert response.status == 200
    assert page.locator("h1").first.inner_text().strip() == "考核排名"
    assert page.locator("table caption", has_text="县区排名").count() == 1
    assert page.locator("table caption", has_text="市级部门第一档排名").count() == 1
    assert page.locator("figure.chart svg[role=img]").count() == 1
    assert page.locator("th", has_text="同比变化").count() >= 1
    assert fits(page), "the rankings scroll sideways"
    assert_no_violations(page)
    shoot_admin(page, folder, f"assessment-index-{width}", fmt="jpeg")

    page.get_by_role("link", name="宿迁市水利局").first.click()
    page.wait_for_url(re.compile(r"/admin/assessment/2026/units/\d+/"))
    assert "宿迁市水利局" in page.locator("h1").first.inner_text()
    assert page.locator("table caption", has_text="发布解读").count() == 1
    assert page.get_by_text("内容保障：").count() == 1
    assert fits(page), "the sheet scrolls sideways"
    assert_no_violations(page)
    shoot_admin(page, folder, f"assessment-sheet-{width}", fmt="jpeg")

    record = page.get_by_role("link", name=re.compile("^记录抽查"))
    assert record.count() > 0
    record.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/findings/\d+/new/"))
    page.get_by_role("button", name="保存抽查记录").focus()
    with page.expect_navigation():  # nothing filled in: the errors come back, nothing saved
        page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    assert "请写明抽查的事项" in alert.inner_text()
    assert page.get_by_label("抽查事项").get_attribute("aria-invalid") in (None, "true")
    assert fits(page), "the finding form scrolls sideways"
    assert_no_violations(page)
    shoot_admin(page, folder, f"assessment-finding-{width}", fmt="jpeg")
