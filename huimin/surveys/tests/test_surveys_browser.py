"""征集调查 in Chromium against the demo server: a demo questionnaire answered with the keyboard alone (the
conditional question appears and is announced), the results page, the consultation's attachment, zero axe
violations on the column, a questionnaire, a consultation and the results pages in the standard and the
elderly-friendly versions at 375 and 1280 px, nothing wider than the window.

With HUIMIN_SCREENSHOTS_DIR set, the pages are saved there as `surveys-<page>-<mode>-<width>.png`, and the
owning unit's screens as `surveys-admin-<screen>.png`. The answers sent here are removed from the demo server
at the end."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from huimin.accessibility.enums import MODE_COOKIE
from huimin.accessibility.tests import keyboard
from huimin.accessibility.tests.axe import assert_no_violations
from huimin.core.human_check import _number
from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in
from huimin.demo.tests.screens import fits, screenshots_folder, shoot_admin

pytestmark = pytest.mark.browser
HOST = "127.0.0.1"
SURVEY = "/zjdc/wzmyd/"
PAGES = {
    "column": "/zjdc/",
    "questionnaire": SURVEY,
    "consultation": "/zjdc/yshj/",
    "results": "/zjdc/hcp/results/",
    "decisions": "/zjdc/tcss/results/",
}
CLEAN_UP = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings.dev")
django.setup()
from huimin.conftest import DEMO_NOW
from huimin.surveys.models import Comment, Response
Response.objects.filter(survey__slug="wzmyd", submitted_at__gte=DEMO_NOW).delete()
Comment.objects.filter(survey__slug="yshj", submitted_at__gte=DEMO_NOW).delete()
"""


@pytest.fixture(scope="module", autouse=True)
def remove_answers_afterwards(live_demo):
    yield
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DEBUG": "0",
        "DATABASE_URL": live_demo["database_url"],
        "HUIMIN_VAR_DIR": str(live_demo["log"].parent),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "-c", CLEAN_UP], env=env, check=True, capture_output=True, timeout=120)


def url(live_demo, path: str) -> str:
    return f"http://{HOST}:{live_demo['port']}{path}"


def open_in_mode(page, live_demo, path: str, mode: str = "standard", width: int = 1280):
    page.context.clear_cookies()
    if mode != "standard":
        page.context.add_cookies([{"name": MODE_COOKIE, "value": mode, "domain": HOST, "path": "/"}])
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url(live_demo, path))
    assert response.status == 200, path
    return page


def human_answer(page) -> str:
    question = page.locator("label[for=id_human_answer]").inner_text()
    a, op, b = re.search(r"验证问题：(.+?)([加减])(.+?)等于几", question).groups()
    return str(_number(a) + _number(b) if op == "加" else _number(a) - _number(b))


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("mode", ["standard", "elder"])
@pytest.mark.parametrize("name", list(PAGES))
def test_the_survey_pages_have_no_violations_and_fit_the_window(browser_page, live_demo, name, mode, width):
    page = open_in_mode(browser_page, live_demo, PAGES[name], mode, width)
    assert_no_violations(page)
    assert fits(page), f"{name} scrolls sideways at {width} px"
    folder = screenshots_folder()
    if folder is not None:
        page.screenshot(path=str(folder / f"surveys-{name}-{mode}-{width}.png"), full_page=True)


def test_a_demo_questionnaire_is_answered_with_the_keyboard_alone(browser_page, live_demo):
    page = open_in_mode(browser_page, live_demo, SURVEY)
    assert page.locator("#q5-block").is_hidden()  # shown only when question 4 is answered 是
    keyboard.tab_to(page, "id_q1_0")
    page.keyboard.press("ArrowDown")  # 18—35岁
    keyboard.tab_to(page, "id_q2_0")
    page.keyboard.press("ArrowRight")  # 4分
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    keyboard.tab_to(page, "id_q3_0")
    page.keyboard.press("Space")
    keyboard.tab(page)
    page.keyboard.press("Space")
    keyboard.tab_to(page, "id_q4_0")
    page.keyboard.press("Space")  # 是: question 5 appears and is announced
    page.locator("#q5-block").wait_for(state="visible")
    expect(page.locator("#survey-announce")).to_contain_text("新增题目：5.")
    keyboard.tab_to(page, "id_q5")
    page.keyboard.type("网上找不到办事入口。")
    keyboard.tab_to(page, "id_human_answer")
    page.keyboard.type(human_answer(page))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/thanks/"))
    assert (
        page.locator("#survey-sent").is_visible()
        and "答卷已提交" in page.locator("#survey-sent").inner_text()
    )
    assert_no_violations(page)


def test_a_wrong_answer_brings_the_error_summary_into_focus(browser_page, live_demo):
    page = open_in_mode(browser_page, live_demo, SURVEY)
    keyboard.tab_to(page, lambda stop: stop["tag"] == "BUTTON" and "提交答卷" in stop["text"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("#error-summary").wait_for()
    assert keyboard.focused(page)["id"] == "error-summary"
    assert page.title().startswith("错误：")
    keyboard.tab(page)
    page.keyboard.press("Enter")  # the first link leads into question 1
    assert keyboard.focused(page)["id"] == "id_q1_0"
    assert_no_violations(page)


def test_the_results_page_shows_the_feedback_and_the_charts(browser_page, live_demo):
    page = open_in_mode(browser_page, live_demo, PAGES["results"])
    assert page.locator(".survey-feedback-text").is_visible()
    assert page.locator(".survey-stat svg[role=img]").count() == 4
    assert "平均" in page.locator(".survey-statistics").inner_text()


def test_the_consultation_attachment_downloads(browser_page, live_demo):
    page = open_in_mode(browser_page, live_demo, PAGES["consultation"])
    link = page.locator(".survey-attachment a").get_attribute("href")
    response = page.request.get(url(live_demo, link))
    assert response.status == 200 and response.body()[:2] == b"PK"  # a .docx is a zip file


def test_the_owning_units_screens_for_review(browser_page, live_demo):
    spec = load_spec()
    admin = spec["platform_admin"]["username"]
    sign_in(
        browser_page,
        live_demo["base_url"],
        admin,
        spec["password"],
        secret=spec["second_factor_secret"],
        reuse=True,
    )
    folder = screenshots_folder()
    browser_page.goto(live_demo["base_url"] + "/admin/surveys/")
    assert "调查征集次数（近一年）" in browser_page.content()
    shoot_admin(browser_page, folder, "surveys-admin-list")
    with browser_page.expect_navigation():
        browser_page.locator("tr", has_text="好差评").get_by_role("link").first.click()
    assert "答卷统计" in browser_page.content()
    shoot_admin(browser_page, folder, "surveys-admin-detail")
    browser_page.goto(live_demo["base_url"] + "/admin/")
    assert browser_page.locator("#workbench-surveys-section").is_visible()
    shoot_admin(browser_page, folder, "surveys-admin-workbench")
