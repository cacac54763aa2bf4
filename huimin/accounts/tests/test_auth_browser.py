"""Sign-up, sign-in and the group login in Chromium against the live demo.

The codes are read where the server process sends them: the live demo runs with the FileSms gateway, one
JSON line {"to", "text"} per message in `live_demo["sms_file"]` (mail as files in `live_demo["mail_dir"]`),
so the test reads the code the server really sent, as a person reads their phone.

- A person registers with the keyboard alone (Tab, typing, Space, Enter) and is signed in.
- Signed in on 127.0.0.1 (the hub), the person is signed in on shuyang.localhost without typing again;
  signed out there, the person is signed out on 127.0.0.1 as well; signed in on shuyang.localhost, the hub
  knows it too (the sign-in's hand-over runs through the continue page, as the CSP's form-action requires).
- Zero axe violations on the register, login, reset and terms pages (both screens of each code step, and a
  form with its errors) in the standard and elder modes, at 1280 and 375 px, with screenshots of each when
  HUIMIN_SCREENSHOTS_DIR is set.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest

from huimin.demo.accounts import DEMO_ACCOUNTS
from huimin.demo.tests.screens import check_page, set_mode, tab_to, tab_to_id

pytestmark = pytest.mark.browser
HUB, OTHER = "127.0.0.1", "shuyang.localhost"
PASSWORD = "Browser-Citizen-2026!"
_numbers = itertools.count(1)


def _mobile() -> str:
    return f"1377712{next(_numbers):04d}"


def _url(live_demo, host: str, path: str) -> str:
    return f"http://{host}:{live_demo['port']}{path}"


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _code(live_demo, number: str) -> str:
    """The newest code the server sent to `number` by SMS."""
    lines = live_demo["sms_file"].read_text(encoding="utf-8").splitlines()
    for line in reversed(lines):
        message = json.loads(line)
        found = re.search(r"验证码是 (\d{6})", message["text"])
        if message["to"] == number and found:
            return found.group(1)
    raise AssertionError(f"the server sent no code to {number}")


def _header_links(page) -> list[str]:
    controls = page.locator("header .header-account a, header .header-account button")
    # The name is a flex item of its own, on a line of its own in innerText.
    return ["".join(text.split()) for text in controls.all_inner_texts()]


def test_a_person_registers_with_the_keyboard_alone_and_is_signed_in(page, live_demo):
    number = _mobile()
    page.goto(_url(live_demo, HUB, "/accounts/register/?next=/zcwj/"))
    tab_to_id(page, "id_kind_0")  # 自然人 is chosen
    assert page.locator("#id_kind_0").is_checked()
    tab_to_id(page, "id_address")
    page.keyboard.type(number)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "发送验证码")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "验证码已通过短信发送到" in page.locator(".code-notice").inner_text()
    tab_to_id(page, "id_code")
    page.keyboard.type(_code(live_demo, number))
    tab_to_id(page, "id_display_name")
    page.keyboard.type("键盘用户")
    tab_to_id(page, "id_password1")
    page.keyboard.type(PASSWORD)
    tab_to_id(page, "id_password2")
    page.keyboard.type(PASSWORD)
    tab_to_id(page, "id_agree")
    page.keyboard.press("Space")
    assert page.locator("#id_agree").is_checked()
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "注册")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _without_fragment(page.url) == _url(live_demo, HUB, "/zcwj/")
    assert _header_links(page) == ["我的（键***）", "退出"]


def _without_fragment(url: str) -> str:
    """A redirect keeps the fragment of the address it answers (a form posts to "…#error-summary")."""
    return url.split("#", 1)[0]


def _arrive(page, url: str) -> None:
    page.wait_for_url(lambda address: _without_fragment(address) == url)


def _sign_in(page, live_demo, host: str, login: str, password: str, next_path: str = "/") -> None:
    page.goto(_url(live_demo, host, f"/accounts/login/?next={next_path}"))
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.locator("main button", has_text="登录").press("Enter")
    _arrive(page, _url(live_demo, host, next_path))


def test_one_sign_in_for_the_group_and_one_sign_out(page, live_demo):
    person = DEMO_ACCOUNTS[0]
    _sign_in(page, live_demo, HUB, person["login"], person["password"])
    assert _header_links(page)[0].startswith("我的")
    # Another host of the group: its login link asks the hub and comes back signed in, nothing typed.
    page.goto(_url(live_demo, OTHER, "/"))
    assert _header_links(page) == ["登录", "注册"]  # a public page asks nobody
    page.locator("header .header-account a", has_text="登录").click()
    _arrive(page, _url(live_demo, OTHER, "/"))
    assert _header_links(page)[0] == "我的（王**）"
    # A personal page there asks the hub by itself.
    page.context.clear_cookies(domain=OTHER)
    page.goto(_url(live_demo, OTHER, "/accounts/"))
    assert page.url == _url(live_demo, OTHER, "/accounts/")
    assert _header_links(page)[0] == "我的（王**）"
    # Signed out there: signed out at the hub too.
    with page.expect_navigation():
        page.locator("header .header-account button", has_text="退出").click()
    assert page.locator("h1").inner_text() == "您已退出登录"
    page.goto(_url(live_demo, HUB, "/"))
    assert _header_links(page) == ["登录", "注册"]


def test_a_sign_in_on_another_host_is_known_at_the_hub(page, live_demo):
    company = DEMO_ACCOUNTS[2]
    _sign_in(page, live_demo, OTHER, company["login"], company["password"], next_path="/zcwj/")
    assert _header_links(page)[0].startswith("我的")
    page.goto(_url(live_demo, HUB, "/accounts/login/?next=/"))
    _arrive(page, _url(live_demo, HUB, "/"))
    assert _header_links(page)[0].startswith("我的")
    with page.expect_navigation():
        page.locator("header .header-account button", has_text="退出").click()
    page.goto(_url(live_demo, OTHER, "/zcwj/"))
    assert _header_links(page) == ["登录", "注册"]


def _mode(page, mode: str) -> None:
    page.context.clear_cookies()  # signed out, too
    set_mode(page, mode, (HUB, OTHER))


def _check(page, name: str, mode: str) -> None:
    check_page(page, f"accounts-{name}", mode)


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_every_sign_in_page_has_no_axe_violations_at_both_widths(page, live_demo, mode):
    _mode(page, mode)
    for name, path in (
        ("register", "/accounts/register/"),
        ("login", "/accounts/login/"),
        ("login-code", "/accounts/login/?method=code"),
        ("reset", "/accounts/reset/"),
        ("terms", "/accounts/terms/"),
    ):
        assert page.goto(_url(live_demo, HUB, path)).status == 200
        _check(page, name, mode)
    # A form sent back with its errors.
    page.goto(_url(live_demo, HUB, "/accounts/login/"))
    with page.expect_navigation():
        page.locator("main button", has_text="登录").click()
    assert page.locator("#error-summary").is_visible()
    _check(page, "login-errors", mode)
    # The second screens: registering a legal person (and its errors), and a password reset.
    page.goto(_url(live_demo, HUB, "/accounts/register/"))
    page.locator("#id_kind_1").check()
    page.fill("#id_address", _mobile())
    with page.expect_navigation():
        page.locator("main button", has_text="发送验证码").click()
    assert page.locator("#id_credit_code").is_visible()
    _check(page, "register-step2", mode)
    page.fill("#id_credit_code", "91321300MA1N0DEM02")  # a wrong check character
    with page.expect_navigation():
        page.locator("main button", has_text="注册").click()
    assert "校验位不正确" in page.locator("#error-summary").inner_text()
    _check(page, "register-errors", mode)
    page.goto(_url(live_demo, HUB, "/accounts/reset/"))
    page.fill("#id_address", DEMO_ACCOUNTS[1]["login"])
    with page.expect_navigation():
        page.locator("main button", has_text="发送验证码").click()
    assert page.locator("#id_password1").is_visible()
    _check(page, "reset-step2", mode)
    # Signed in: the header's 我的 and 退出 fit; the logout page, and the page after it.
    _sign_in(page, live_demo, HUB, DEMO_ACCOUNTS[1]["login"], DEMO_ACCOUNTS[1]["password"])
    _check(page, "home-signed-in", mode)
    page.goto(_url(live_demo, HUB, "/accounts/logout/"))
    _check(page, "logout", mode)
    with page.expect_navigation():
        page.locator("main button", has_text="退出登录").click()
    _check(page, "logged-out", mode)
