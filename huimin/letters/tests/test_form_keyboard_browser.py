"""The message form with the keyboard alone, in Chromium against a real server: Tab reaches the fields in
visual order with a visible focus indicator and no trap, Enter submits, a missing title puts focus on the
error summary whose link leads to the field, and the review page's 确认提交 stores the letter. The form
with errors and the review page have no WCAG A/AA violations."""

import itertools
import re

import pytest

from huimin.accessibility.tests import keyboard
from huimin.accessibility.tests.axe import assert_no_violations
from huimin.core.human_check import _number

pytestmark = pytest.mark.browser
FORM_ORDER = [
    "id_kind",
    "id_chosen_unit",
    "id_title",
    "id_content",
    "id_contact_name",
    "id_contact_phone",
    "id_contact_email",
    "id_attachments",
    "id_may_publish",
    "id_human_answer",
    "button:下一步：核对留言",
]
TYPED = {
    "id_content": "幸福路桥下的河道里漂着垃圾，请尽快清理。",
    "id_contact_name": "王五",
    "id_contact_phone": "13600000000",
}


def tab(page) -> dict:
    stop = keyboard.tab(page)
    assert stop["visible"], f"no visible focus on {stop['key']}"
    return stop


def tab_to(page, key: str) -> list[dict]:
    stops = keyboard.tab_to(page, key)
    assert all(s["visible"] for s in stops), [s["key"] for s in stops if not s["visible"]]
    return stops


def answer(page) -> str:
    question = page.locator("label[for=id_human_answer]").inner_text()
    a, op, b = re.search(r"验证问题：(.+?)([加减])(.+?)等于几", question).groups()
    return str(_number(a) + _number(b) if op == "加" else _number(a) - _number(b))


def test_the_form_is_written_corrected_reviewed_and_sent_with_the_keyboard_alone(browser_page, live_demo):
    page = browser_page
    page.goto(f"http://slj.localhost:{live_demo['port']}/hudong/liuyan/")
    before_form = tab_to(page, "id_kind")
    assert before_form[0]["key"] == "a:跳到主要内容"
    # The fields in order, each reached by one Tab, top to bottom on the screen; type into some.
    walk = [before_form[-1]]
    while walk[-1]["key"] != FORM_ORDER[-1] and len(walk) < len(FORM_ORDER) + 5:
        if walk[-1]["key"] in TYPED:
            page.keyboard.type(TYPED[walk[-1]["key"]])
        walk.append(tab(page))
    assert [s["key"] for s in walk] == FORM_ORDER
    assert all(a["top"] <= b["top"] for a, b in itertools.pairwise(walk))
    # No trap: Tab goes on past the form to the page footer.
    after = []
    for _ in range(40):
        after.append(tab(page))
        if after[-1]["footer"]:
            break
    assert after[-1]["footer"], [s["key"] for s in after]
    assert len({s["key"] for s in after}) == len(after)  # every Tab moved on

    # Submit with Enter from the answer field, the title left empty.
    page.focus("#id_human_answer")
    page.keyboard.type(answer(page))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("错误：")
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "提交未成功，请更正以下 1 处问题：" in summary.inner_text()
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'", timeout=5000
    )
    assert keyboard.focused(page)["visible"]
    assert_no_violations(page)
    link = tab(page)
    assert link["key"] == "a:标题：请填写此项。"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'id_title'", timeout=5000)
    assert keyboard.focused(page)["visible"]
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_content").input_value() == TYPED["id_content"]  # nothing typed is lost

    # Fix it, answer the new question, submit: the review page.
    page.keyboard.type("河道垃圾需要清理")
    stops = tab_to(page, "id_human_answer")
    assert [s["key"] for s in stops] == FORM_ORDER[
        FORM_ORDER.index("id_title") + 1 : FORM_ORDER.index("id_human_answer") + 1
    ]
    page.keyboard.type(answer(page))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "请核对您的留言"
    assert "河道垃圾需要清理" in page.locator(".review-list").inner_text()
    assert_no_violations(page)
    stops = tab_to(page, "button:确认提交")
    assert stops[-2]["key"] == "button:返回修改"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector(".code")
    assert page.locator("h1").inner_text() == "留言已提交"
    code = page.locator(".code").first.inner_text()
    assert re.fullmatch(r"[A-Z2-9]{10}", code)
