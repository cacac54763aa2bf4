"""The 办理时限计算器 in a real browser: by keyboard alone, and on a phone-sized screen."""

import pytest

pytestmark = pytest.mark.browser


def test_a_deadline_can_be_computed_with_the_keyboard_alone(browser_page, live_demo):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"http://127.0.0.1:{live_demo['port']}/")
    page.get_by_role("link", name="办理时限计算器").click()  # found from any page's footer
    page.get_by_label("起始时间").focus()
    page.keyboard.type("2022-09-30 16:00")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "amount"
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    page.wait_for_selector(".due")
    assert "2022年10月8日 16:00" in page.inner_text(".due")
    assert page.locator(".tool-result").get_attribute("aria-live") == "polite"


def test_a_wrong_time_is_announced_beside_its_field(browser_page, live_demo):
    page = browser_page
    page.goto(f"http://127.0.0.1:{live_demo['port']}/gongju/deadline/?start=昨天&amount=1&unit=days")
    field = page.get_by_label("起始时间")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    assert "起始时间格式不正确" in page.inner_text(f"#{described[-1]}")


def test_the_calculator_fits_a_phone_screen(browser_page, live_demo):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(
        f"http://127.0.0.1:{live_demo['port']}/gongju/deadline/?start=2022-09-30+16:00&amount=1&unit=days"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.get_by_role("button", name="计算").bounding_box()
    assert box["height"] >= 44
