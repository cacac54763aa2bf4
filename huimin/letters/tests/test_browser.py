"""Writing a letter in a real browser on a phone-sized screen, checking it on the review page, then opening it
with the code shown."""

import re

import pytest

from huimin.core.human_check import _number

pytestmark = pytest.mark.browser


def label(name: str) -> re.Pattern:
    """A field's label, which may go on to say "（必填）"."""
    return re.compile(rf"^{name}(（必填）)?$")


def test_a_letter_is_written_and_followed_on_a_phone(browser_page, live_demo):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"http://127.0.0.1:{live_demo['port']}/")
    # a tile, the menu or the footer: the first one on screen
    page.get_by_role("link", name="我要留言").filter(visible=True).first.click()
    page.get_by_label(label("留言类型")).select_option("consult")
    page.get_by_label(label("标题")).fill("公积金提取需要哪些材料")
    page.get_by_label(label("内容")).fill("请问提取住房公积金需要准备哪些材料？")
    page.get_by_label(label("姓名")).fill("李四")
    page.get_by_label(label("手机号码")).fill("13700000000")
    question = page.locator("label[for=id_human_answer]").inner_text()
    a, op, b = re.search(r"验证问题：(.+?)([加减])(.+?)等于几", question).groups()
    answer = _number(a) + _number(b) if op == "加" else _number(a) - _number(b)
    page.get_by_label(re.compile("验证问题")).fill(str(answer))
    page.get_by_label(re.compile("验证问题")).press("Enter")
    page.wait_for_selector(".review-list")
    assert page.locator("h1").inner_text() == "请核对您的留言"
    assert "公积金提取需要哪些材料" in page.locator(".review-list").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="确认提交").click()
    page.wait_for_selector(".code")
    code, password = page.locator(".code").all_inner_texts()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(f"http://127.0.0.1:{live_demo['port']}/hudong/liuyan/chaxun/")
    page.context.clear_cookies()
    page.reload()
    page.get_by_label(label("查询码")).fill(code)
    page.get_by_label(label("查询密码")).fill(password)
    page.get_by_role("button", name="查询").click()
    assert "公积金提取需要哪些材料" in page.inner_text("main")
    assert "待分办" in page.inner_text("main")
