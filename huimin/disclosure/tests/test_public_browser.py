"""The public pages of 政府信息公开 in Chromium against the live demo: an application filled and submitted
with the keyboard alone, and zero axe violations on every page (home, catalogue, form, form with errors,
review, result, follow-up) in the standard and elder modes at 375 and 1280 px. One browser context for the
module."""

from __future__ import annotations

import itertools
import re

import pytest

from huimin.accessibility.enums import MODE_COOKIE
from huimin.accessibility.tests.axe import assert_no_violations
from huimin.core.human_check import _number
from huimin.demo.tests.screens import tab_to, tab_to_id
from huimin.disclosure.tests.factories import VALID_ID_CARD

pytestmark = pytest.mark.browser
HOST = "slj.localhost"
_phones = itertools.count(1)


@pytest.fixture(scope="module")
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _url(live_demo, path: str) -> str:
    return f"http://{HOST}:{live_demo['port']}{path}"


def _mode(page, mode: str, width: int) -> None:
    page.context.clear_cookies()
    if mode != "standard":
        page.context.add_cookies([{"name": MODE_COOKIE, "value": mode, "domain": HOST, "path": "/"}])
    page.set_viewport_size({"width": width, "height": 900})


def _answer(page) -> str:
    """The human check's answer, read from its question in words (e.g. 七减三等于几？)."""
    label = page.locator("label[for='id_human_answer']").inner_text()
    a, op, b = re.search(r"验证问题：(.+?)([加减])(.+?)等于几", label).groups()
    a, b = _number(a), _number(b)
    return str(a + b if op == "加" else a - b)


def test_an_application_is_filled_and_submitted_with_the_keyboard_alone(page, live_demo):
    _mode(page, "standard", 1280)
    assert page.goto(_url(live_demo, "/zfxxgk/ysqgk/")).status == 200
    tab_to_id(page, "id_applicant_type_0")  # the radio group: 公民 is chosen
    page.keyboard.press("Space")
    tab_to_id(page, "id_name")
    page.keyboard.type("李四")
    tab_to_id(page, "id_id_number")
    page.keyboard.type(VALID_ID_CARD)
    tab_to_id(page, "id_phone")
    page.keyboard.type(f"1370000{next(_phones):04d}")
    tab_to_id(page, "id_email")
    page.keyboard.type("lisi@example.com")
    tab_to_id(page, "id_description")
    page.keyboard.type("宿迁市水利局2025年度河道疏浚工程的招标文件")
    tab_to(page, lambda f: f["id"].startswith("id_delivery_"))  # 在线查看 is chosen; arrows move the choice
    page.keyboard.press("ArrowLeft")
    assert page.locator("#id_delivery_1").is_checked()  # 电子邮件
    tab_to_id(page, "id_human_answer")
    page.keyboard.type(_answer(page))
    tab_to(page, lambda f: f["tag"] == "BUTTON" and "核对申请" in f["text"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "请核对您的申请"
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "确认提交")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "申请已提交"
    codes = page.locator("strong.code").all_inner_texts()
    assert codes[0].startswith("GK") and re.fullmatch(r"[0-9]{6}", codes[1])


def _fill_and_submit(page, live_demo) -> None:
    page.goto(_url(live_demo, "/zfxxgk/ysqgk/"))
    page.fill("#id_name", "王五")
    page.fill("#id_id_number", VALID_ID_CARD)
    page.fill("#id_phone", f"1360000{next(_phones):04d}")
    page.fill("#id_description", "2025年度水利建设项目的资金安排文件")
    page.fill("#id_human_answer", _answer(page))
    with page.expect_navigation():
        page.locator("button", has_text="核对申请").press("Enter")


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_every_disclosure_page_has_no_axe_violations(page, live_demo, mode, width):
    _mode(page, mode, width)
    for path in ("/zfxxgk/", "/zfxxgk/fdzdgknr/", "/zfxxgk/ysqgk/", "/zfxxgk/ysqgk/chaxun/"):
        assert page.goto(_url(live_demo, path)).status == 200
        assert page.evaluate("document.documentElement.className").split()[0] == f"mode-{mode}"
        assert_no_violations(page)
    # The form with its errors shown.
    page.goto(_url(live_demo, "/zfxxgk/ysqgk/"))
    with page.expect_navigation():
        page.locator("button", has_text="核对申请").press("Enter")
    assert page.locator("#error-summary").is_visible()
    assert_no_violations(page)
    # The review page, the result and the follow-up page of the application just made.
    _fill_and_submit(page, live_demo)
    assert page.locator("h1").inner_text() == "请核对您的申请"
    assert_no_violations(page)
    with page.expect_navigation():
        page.locator("button", has_text="确认提交").press("Enter")
    assert page.locator("h1").inner_text() == "申请已提交"
    assert_no_violations(page)
    with page.expect_navigation():
        page.locator("a", has_text="查看办理情况").press("Enter")
    assert page.locator("text=待登记").count() >= 1
    assert_no_violations(page)
    if mode == "elder":
        heights = page.eval_on_selector_all(
            "main button, main a.button-link", "els => els.map(e => e.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 60
