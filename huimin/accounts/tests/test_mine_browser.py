"""我的 in Chromium against the live demo, with an account registered for this module only (closed at the end,
so the live server keeps nothing of it but the letter and application it claimed, detached again).

- Every 我的 page, and each form with its errors, has zero axe violations in the standard and the elder
  mode, fits at 1280 and 375 px, and is photographed when HUIMIN_SCREENSHOTS_DIR is set.
- The citizen signs in on the real login page, claims a letter (handed in anonymously through the letters
  API, as a hotline would: the demo's own letters publish no password) and a demo 依申请公开 application
  (whose query password the demo publishes) with their codes and passwords, opens the letter without its
  password, chooses tags, downloads their data, and closes the account.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from urllib.parse import urlsplit

import httpx
import pytest

from huimin.demo.tests.screens import check_page, set_mode

pytestmark = pytest.mark.browser
HUB = "127.0.0.1"
PASSWORD = "Mine-Browser-2026!"
DEMO_APPLICATION_PASSWORD = "261102"  # sitegroup.json: disclosure.query_password
_numbers = itertools.count(1)


def _url(live_demo, path: str, host: str = HUB) -> str:
    return f"http://{host}:{live_demo['port']}{path}"


@pytest.fixture(scope="module")
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _code(live_demo, number: str) -> str:
    for line in reversed(live_demo["sms_file"].read_text(encoding="utf-8").splitlines()):
        message = json.loads(line)
        found = re.search(r"验证码是 (\d{6})", message["text"])
        if message["to"] == number and found:
            return found.group(1)
    raise AssertionError(f"the server sent no code to {number}")


@pytest.fixture(scope="module")
def citizen(page, live_demo):
    """A person registered (and so signed in) in the module's browser; its mobile number."""
    number = f"1377788{next(_numbers):04d}"
    page.goto(_url(live_demo, "/accounts/register/?next=/accounts/"))
    page.fill("#id_address", number)
    with page.expect_navigation():
        page.locator("main button", has_text="发送验证码").click()
    page.fill("#id_code", _code(live_demo, number))
    page.fill("#id_display_name", "测试市民")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("#id_agree").check()
    with page.expect_navigation():
        page.locator("main button", has_text="注册").click()
    assert page.locator("h1").inner_text() == "我的", page.url
    assert urlsplit(page.url).path == "/accounts/", page.url
    return number


def _letter(live_demo) -> dict:
    """A letter handed in anonymously through the API with the live demo's channel token."""
    answer = httpx.post(
        _url(live_demo, "/api/v1/letters"),
        json={
            "site": HUB,
            "kind": "consult",
            "title": "以前匿名写的留言",
            "content": "请问古黄河边的健身步道什么时候开放？",
            "contact_name": "测试市民",
            "contact_phone": f"1377799{next(_numbers):04d}",
        },
        headers={"Authorization": f"Bearer {live_demo['letter_token']}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _demo_application(live_demo) -> str:
    """The query code of a demo application no account has claimed (read from the server's database)."""
    url = live_demo["database_url"]
    query = "SELECT query_code FROM huimin_disclosure_application WHERE author_id IS NULL ORDER BY id LIMIT 1"
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute(query).fetchone()[0]
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
        return connection.execute(query).fetchone()[0]


def _mode(page, live_demo, mode: str) -> None:
    set_mode(page, mode, (HUB,))


def _check(page, name: str, mode: str) -> None:
    check_page(page, f"mine-{name}", mode)


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.locator("main button", has_text=button).click()


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_every_mine_page_has_no_axe_violations_at_both_widths(page, live_demo, citizen, mode):
    _mode(page, live_demo, mode)
    for name, path in (
        ("home", "/accounts/"),
        ("letters", "/accounts/letters/"),
        ("applications", "/accounts/applications/"),
        ("tags", "/accounts/tags/"),
        ("data", "/accounts/data/"),
    ):
        assert page.goto(_url(live_demo, path)).status == 200
        _check(page, name, mode)
    # The forms sent back with their errors: a wrong pair, and a close without its confirmation.
    page.goto(_url(live_demo, "/accounts/letters/"))
    page.fill("#id_code", "ZZZZZZZZZZ")
    page.fill("#id_password", "000000")
    _submit(page, "认领")
    assert "查询码或查询密码不正确。" in page.locator("#error-summary").inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    _check(page, "letters-errors", mode)
    page.goto(_url(live_demo, "/accounts/data/"))
    _submit(page, "注销账号")
    assert "请勾选确认您已了解注销的后果。" in page.locator("#error-summary").inner_text()
    _check(page, "data-errors", mode)
    _mode(page, live_demo, "standard")


def test_a_citizen_claims_a_letter_and_an_application_and_opens_them_without_passwords(
    page, live_demo, citizen
):
    letter = _letter(live_demo)
    page.goto(_url(live_demo, "/accounts/"))
    page.locator(".mine-sections a", has_text="我的留言").click()
    page.wait_for_url(_url(live_demo, "/accounts/letters/"))
    assert page.locator(".mine-records li").count() == 0
    page.fill("#id_code", letter["query_code"])
    page.fill("#id_password", letter["query_password"])
    _submit(page, "认领")
    assert page.locator(".notice").inner_text() == "已认领留言“以前匿名写的留言”。"
    assert page.locator(".mine-records h3").all_inner_texts() == ["以前匿名写的留言"]
    with page.expect_navigation():
        page.locator(".mine-open a").first.click()
    assert page.locator("#letter-title").inner_text() == "以前匿名写的留言"  # no password asked
    code = _demo_application(live_demo)
    page.goto(_url(live_demo, "/accounts/applications/"))
    page.fill("#id_code", code)
    page.fill("#id_password", DEMO_APPLICATION_PASSWORD)
    _submit(page, "认领")
    assert "已认领申请" in page.locator(".notice").inner_text()
    assert code in page.locator(".mine-records").inner_text()
    with page.expect_navigation():
        page.locator(".mine-open a").first.click()
    assert code in page.locator("main").inner_text() and "/zfxxgk/ysqgk/chaxun/" in page.url


def test_a_citizen_chooses_tags_and_downloads_their_data(page, live_demo, citizen):
    page.goto(_url(live_demo, "/accounts/tags/"))
    page.locator("input[name=group][value=老年人]").check()
    _submit(page, "保存标签")
    assert "人群（老年人）" in page.locator(".notice").inner_text()
    page.goto(_url(live_demo, "/accounts/data/"))
    with page.expect_download() as download:
        page.locator("main button", has_text="下载我的数据").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert re.fullmatch(r"my-data-\d{8}\.json", download.value.suggested_filename)
    assert data["account"]["mobile"] == citizen and data["account"]["display_name"] == "测试市民"
    chosen = {"key": "group", "label": "人群", "value": "老年人", "source": "本人选择"}
    assert chosen in data["account"]["tags"]
    assert [item["title"] for item in data["letters"]] == ["以前匿名写的留言"]
    assert len(data["applications"]) == 1


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_closing_the_account_signs_out_and_says_what_was_kept(page, live_demo, citizen, mode):
    if mode == "elder":  # the page after closing, in the elder mode (the account is gone by now)
        _mode(page, live_demo, mode)
        page.goto(_url(live_demo, "/accounts/data/"))
        assert page.locator("h1").inner_text() == "账号已注销"
        _check(page, "deleted", mode)
        _mode(page, live_demo, "standard")
        return
    page.goto(_url(live_demo, "/accounts/data/"))
    page.fill("#id_password", "not-my-password")
    page.locator("#id_understood").check()
    _submit(page, "注销账号")
    assert "登录密码不正确。" in page.locator("#error-summary").inner_text()
    page.fill("#id_password", PASSWORD)
    page.locator("#id_understood").check()
    _submit(page, "注销账号")
    assert urlsplit(page.url).path == "/accounts/data/"  # redirected (the form's #error-summary stays)
    assert page.locator("h1").inner_text() == "账号已注销"
    kept = page.locator(".mine-kept").inner_text()
    assert "1 件留言" in kept and "1 件政府信息公开申请" in kept
    _check(page, "deleted", mode)
    page.goto(_url(live_demo, "/accounts/letters/"))
    assert "/accounts/login/" in page.url or "/accounts/sso/" in page.url  # signed out
