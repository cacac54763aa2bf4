"""Interview pages in Chromium against the demo server: the past and the upcoming interview pass axe, the
question form is filled and sent with the keyboard alone, and the polling script appends new transcript
lines (answered by a mocked sub-path) into the aria-live list."""

import re

import pytest

from huimin.accessibility.tests import keyboard
from huimin.accessibility.tests.axe import assert_no_violations
from huimin.core.human_check import _number

pytestmark = pytest.mark.browser
PAST = "/zxft/2026-ywjy-zsrx/"
UPCOMING = "/zxft/2026-xqjy-pwhj/"


def url(live_demo, path):
    return f"http://jyj.localhost:{live_demo['port']}{path}"


def answer(page) -> str:
    question = page.locator("label[for=id_human_answer]").inner_text()
    a, op, b = re.search(r"验证问题：(.+?)([加减])(.+?)等于几", question).groups()
    return str(_number(a) + _number(b) if op == "加" else _number(a) - _number(b))


def test_the_past_and_upcoming_interview_pages_have_no_violations(browser_page, live_demo):
    for path in (PAST, UPCOMING):
        browser_page.goto(url(live_demo, path))
        assert_no_violations(browser_page)


def test_a_question_is_written_and_sent_with_the_keyboard_alone(browser_page, live_demo):
    page = browser_page
    page.goto(url(live_demo, UPCOMING))
    keyboard.tab_to(page, "id_name")
    page.keyboard.type("键盘用户")
    keyboard.tab_to(page, "id_text")
    page.keyboard.type("课后服务是否包含体育活动？")
    keyboard.tab_to(page, "id_human_answer")
    page.keyboard.type(answer(page))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/thanks/"))
    assert page.locator("#question-sent").is_visible()
    assert_no_violations(page)


def test_the_polling_script_appends_new_lines_into_the_live_region(browser_page, live_demo):
    page = browser_page
    page.clock.install()
    page.goto(url(live_demo, PAST))
    after = page.locator("#transcript-lines").get_attribute("data-after")
    seen = []

    def fulfil(route):
        seen.append(route.request.url)
        html = '<li class="transcript-line" id="line-999999"><p class="transcript-text">新的一句实录</p></li>'
        route.fulfill(json={"last": 999999, "count": 1, "html": html, "state": "ended"})

    page.route(re.compile(r".*/transcript/\?after=.*"), fulfil)
    page.evaluate(
        """() => new Promise((resolve) => {
            const s = document.createElement('script');
            s.src = '/static/interviews/live.js';
            s.setAttribute('data-endpoint', location.pathname + 'transcript/');
            s.onload = resolve;
            document.body.appendChild(s);
        })"""
    )
    assert page.locator("#line-999999").count() == 0
    page.clock.run_for(10_000)
    page.locator("#line-999999").wait_for()
    assert seen and seen[0].endswith(f"transcript/?after={after}")
    assert page.locator("[aria-live=polite] #transcript-lines #line-999999").count() == 1
    assert page.locator("#transcript-lines").get_attribute("data-after") == "999999"
