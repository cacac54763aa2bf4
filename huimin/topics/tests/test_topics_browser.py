"""Topic pages in Chromium: the three themes and the ordinary topic pass axe; and the designer works for
an editor: start a topic from a template, add a component from the block picker, drag it above another,
save a draft, and see the new order in the preview."""

import re

import pytest
from playwright.sync_api import expect

from huimin.accessibility.tests.axe import assert_no_violations
from huimin.demo.builder import load_spec

pytestmark = pytest.mark.browser
PAGES = [
    ("127.0.0.1", "/ztzl/"),
    ("127.0.0.1", "/ztzl/kbqy/"),
    ("127.0.0.1", "/ztzl/ylfw/"),
    ("127.0.0.1", "/ztzl/rxry/"),
    ("shuyang.localhost", "/ztzl/xczx/"),
]
NEW_TEXT = "设计器新增的组件"


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(("host", "path"), PAGES)
def test_the_topic_pages_have_no_axe_violations(browser_page, live_demo, host, path, width):
    browser_page.set_viewport_size({"width": width, "height": 900})
    response = browser_page.goto(f"http://{host}:{live_demo['port']}{path}")
    assert response.status == 200
    assert_no_violations(browser_page)


def _login(page, base):
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "portal-editor")
    page.fill("#id_password", load_spec()["password"])
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_an_editor_builds_a_topic_from_a_template_reorders_components_and_previews_it(
    browser_page, live_demo
):
    page = browser_page
    base = f"http://127.0.0.1:{live_demo['port']}"
    _login(page, base)

    page.goto(f"{base}/admin/topics/from-template/")
    template_option = page.locator("#id_template option", has_text="集成服务专题模板").get_attribute("value")
    page.select_option("#id_template", value=template_option)
    page.select_option("#id_parent", label="宿迁市人民政府 · 专题专栏")
    page.fill("#id_title", "设计器测试专题")
    page.fill("#id_slug", "sjqcs")
    page.locator("#w-editor-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/pages/(\d+)/edit/"))
    page_id = re.search(r"/admin/pages/(\d+)/edit/", page.url).group(1)

    page.get_by_role("tab", name="专题内容").click()
    stream = page.locator("[data-streamfield-stream-container]").first
    children = stream.locator(":scope > [data-streamfield-child]")
    before = children.count()
    assert before >= 1

    # Add a rich-text component from the block picker; Wagtail numbers a new child after the existing ones.
    stream.locator(":scope > [data-streamfield-list-add], :scope > div > .c-sf-add-button").last.click()
    if children.count() == before:  # with one block type Wagtail inserts at once, else the picker opens
        page.get_by_role("option", name="图文").first.click()
    expect(children).to_have_count(before + 1)
    added = children.filter(has=page.locator(f'input[name="body-{before}-type"]'))
    expect(added).to_have_count(1)
    added.locator("[contenteditable=true]").first.click()
    page.keyboard.type(NEW_TEXT)
    expect(added).to_contain_text(NEW_TEXT)
    assert NEW_TEXT not in children.nth(0).inner_text()

    # Collapse every component, as an editor does to see the whole page, then drag the new one to the top
    # by its drag handle.
    for index in range(children.count()):
        toggle = children.nth(index).locator(".w-panel__toggle").first
        if toggle.get_attribute("aria-expanded") == "true":
            toggle.click()
    page.set_viewport_size({"width": 1280, "height": 1600})  # the collapsed stream fits on one screen
    stream.scroll_into_view_if_needed()
    handle = added.locator('[data-streamfield-action="DRAG"]')
    start, target = handle.bounding_box(), children.nth(0).bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 10, steps=5)  # the browser starts a drag only once the pointer has moved
    page.mouse.move(target["x"] + 40, target["y"] + target["height"] / 2, steps=30)
    page.wait_for_timeout(300)  # Sortable animates each swap
    page.mouse.move(target["x"] + 40, target["y"] + 2, steps=10)
    page.wait_for_timeout(300)
    page.mouse.up()
    expect(children.nth(0)).to_contain_text(NEW_TEXT)
    # Wagtail records the new order in each child's hidden order field when the drop ends; that is what saves.
    expect(added.locator(f'input[name="body-{before}-order"]')).to_have_value("0")

    # Let Wagtail's autosave (500 ms after a change) finish first: an autosave still in flight when the
    # draft is saved can land after it, and the latest revision would be the autosaved one.
    page.wait_for_timeout(1000)
    expect(page.locator("#w-autosave-indicator")).to_have_count(1)
    expect(page.locator("#w-autosave-indicator")).not_to_have_attribute(
        "data-w-autosave-state-value", "saving", timeout=15000
    )
    # The editor is already at the edit URL, so wait for the save's own POST and redirect to finish;
    # leaving earlier would cancel it.
    with page.expect_navigation(url=re.compile(rf"/admin/pages/{page_id}/edit/")):
        page.get_by_role("button", name="保存草稿").first.click()
    expect(page.locator(".messages")).to_contain_text("已被更新")

    page.goto(f"{base}/admin/pages/{page_id}/view_draft/")
    body_text = page.locator(".topic-body").inner_text()
    assert body_text.strip().startswith(NEW_TEXT)
    assert body_text.index(NEW_TEXT) < body_text.index("企业开办“一件事”，材料一次交、全程网上办")
