"""内容安全 in Chromium, as the demo's platform administrator: the dictionary, the text check (its form used
from the keyboard) and the import screen pass axe at 375 and 1280 px and do not scroll sideways.

With HUIMIN_SCREENSHOTS_DIR set, the screens are saved there as `safety-terms-<width>.png`,
`safety-check-<width>.png` and `safety-import-<width>.png`."""

from __future__ import annotations

import pytest

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in
from huimin.demo.tests.screens import fits, screenshots_folder, shoot_admin

pytestmark = pytest.mark.browser
WIDTHS = (375, 1280)


@pytest.fixture(scope="module")
def folder():
    return screenshots_folder()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dictionary_and_the_text_check_pass_axe_and_fit(browser_page, live_demo, folder, width):
    spec = load_spec()
    page = browser_page
    base = live_demo["base_url"]
    sign_in(page, base, "admin", spec["password"], secret=spec["second_factor_secret"], reuse=True)
    page.set_viewport_size({"width": width, "height": 900})

    assert page.goto(base + "/admin/safety/terms/?category=&q=台湾").status == 200
    assert page.locator("h1").first.inner_text().strip() == "内容安全词典"
    assert page.locator("td", has_text="台湾地区领导人").count() >= 1
    assert fits(page), "the dictionary scrolls sideways"
    assert_no_violations(page)
    shoot_admin(page, folder, f"safety-terms-{width}")

    assert page.goto(base + "/admin/safety/check/").status == 200
    page.get_by_label("要检查的文字").fill("热烈庆祝中華人民共合國成立！各单位要再接再励。")
    page.get_by_label("要检查的文字").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#sf-result-status")
    assert "禁止发布 1 处，提醒确认 1 处" in page.locator("#sf-result-status").inner_text()
    assert page.get_by_text("【中华人民共合国】").count() == 1
    assert fits(page), "the check scrolls sideways"
    assert_no_violations(page)
    shoot_admin(page, folder, f"safety-check-{width}")

    assert page.goto(base + "/admin/safety/terms/import/").status == 200
    assert page.get_by_label("词表文件").count() == 1 and page.get_by_label("只检查，不导入").count() == 1
    assert fits(page), "the import screen scrolls sideways"
    assert_no_violations(page)
    shoot_admin(page, folder, f"safety-import-{width}")
