"""The assist toolbar (无障碍辅助浏览) in Chromium against a real server: opened and used by keyboard alone,
each feature measured on the rendered page, the choices kept across pages, and the page still free of WCAG
A/AA violations in every state (and at 7:1 in high contrast)."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from huimin.accessibility.enums import MODE_COOKIE

from .axe import assert_no_violations
from .keyboard import tab_to

pytestmark = pytest.mark.browser
ENHANCED_CONTRAST = {"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}}
HOME = ("127.0.0.1", "/")
ARTICLE = ("127.0.0.1", "/zcwj/seed-2022-website-work-points/")
LETTER_FORM = ("slj.localhost", "/hudong/liuyan/")
STORAGE_KEY = "huimin-assist"
PANEL_CONTROLS = [
    "文字放大",
    "文字缩小",
    "页面放大",
    "页面缩小",
    "默认",
    "高对比度",
    "黑白",
    "护眼",
    "大鼠标",
    "辅助线",
    "十字线",
    "指读",
    "连读",
    "停止",
    "慢",
    "中",
    "快",
    "纯文本通道",
    "长者模式",
    "重置",
    "关闭",
]
SPEECH_BUTTONS = ["指读", "连读", "停止", "慢", "中", "快"]
# The browser's voice engine is an outside service: the boundary is the call to speechSynthesis.speak.
RECORD_SPEECH = """
window.__spoken = [];
window.__cancelled = 0;
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => { window.__spoken.push({text: u.text, rate: u.rate, lang: u.lang}); };
  window.speechSynthesis.cancel = () => { window.__cancelled += 1; };
}
"""
# What <html> carried at the moment the parser created <body>, i.e. before anything of the page was painted.
RECORD_ROOT_AT_BODY = """
new MutationObserver((records, observer) => {
  if (!document.body) return;
  const root = document.documentElement;
  const textScale = root.style.getPropertyValue('--assist-text-scale');
  window.__atBody = {className: root.className, textScale};
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});
"""


def url(live_demo, host, path):
    return f"http://{host}:{live_demo['port']}{path}"


def visit(page, live_demo, host, path, width=1280):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url(live_demo, host, path))
    assert response.status == 200
    return page


def open_panel(page):
    toggle = page.locator("#assist-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#assist-panel")).to_be_visible()


def press(page, name):
    page.locator("#assist-panel").get_by_role("button", name=name, exact=True).click()


def status(page):
    return page.locator("#assist-status")


def root_font_px(page):
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_it_opens_moves_through_and_closes_by_keyboard_alone(browser_page, live_demo):
    page = visit(browser_page, live_demo, *HOME)
    toggle = page.locator("#assist-toggle")
    expect(toggle).to_have_attribute("aria-controls", "assist-panel")
    tab_to(page, "assist-toggle", limit=6)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#assist-panel")).to_be_visible()

    visited = []
    while True:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const e = document.activeElement, r = e.getBoundingClientRect(), s = getComputedStyle(e);
                return {inPanel: !!e.closest('#assist-panel'), text: e.textContent.trim(), tag: e.tagName,
                        top: r.top, bottom: r.bottom, left: r.left, width: r.width, height: r.height,
                        outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth)};
            }"""
        )
        if not focused["inPanel"]:
            break
        visited.append(focused)
        assert len(visited) < 40, "focus never left the panel"
    # Every control, in the order the panel shows them; then Tab goes on into the page: no trap.
    assert [v["text"] for v in visited] == PANEL_CONTROLS
    assert focused["text"] == page.locator(".site-title a").inner_text()
    for before, after in itertools.pairwise(visited):
        same_row = abs(after["top"] - before["top"]) < 2 and after["left"] > before["left"]
        assert same_row or after["top"] >= before["bottom"] - 1, (before, after)
    assert all(v["width"] >= 44 and v["height"] >= 44 for v in visited), visited
    assert all(v["outline"] != "none" and v["outlineWidth"] >= 2 for v in visited), visited
    assert {v["tag"] for v in visited} == {"BUTTON", "A"}
    groups = page.eval_on_selector_all(
        "#assist-panel [role=group]",
        "els => els.map(g => document.getElementById(g.getAttribute('aria-labelledby')).textContent.trim())",
    )
    assert groups == ["文字大小", "页面缩放", "配色", "鼠标与辅助线", "语音朗读", "语速", "其他版本"]

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # on 重置, inside the panel
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#assist-panel")).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "assist-toggle"
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_text_size_steps_up_to_200_percent_and_back_to_100_and_announces_each_step(browser_page, live_demo):
    page = visit(browser_page, live_demo, *ARTICLE)
    default_root = root_font_px(page)
    paragraph = page.locator(".article-body p").first
    default_paragraph = paragraph.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    expect(status(page)).to_have_attribute("aria-live", "polite")
    open_panel(page)
    press(page, "文字放大")
    press(page, "文字放大")
    assert root_font_px(page) == pytest.approx(default_root * 1.5)
    assert paragraph.evaluate("p => parseFloat(getComputedStyle(p).fontSize)") == pytest.approx(
        default_paragraph * 1.5
    )
    expect(status(page)).to_have_text("文字大小：150%")
    expect(page.locator('[data-assist-value="text"]')).to_have_text("150%")
    for _ in range(4):
        press(page, "文字放大")
    assert root_font_px(page) == pytest.approx(default_root * 2)
    expect(status(page)).to_have_text("文字大小：200%，已是最大")
    for _ in range(5):
        press(page, "文字缩小")
    assert root_font_px(page) == pytest.approx(default_root)
    expect(status(page)).to_have_text("文字大小：100%，已是最小")
    assert "assist-text" not in page.evaluate("document.documentElement.className")


def test_page_zoom_changes_the_zoom_of_the_body_and_stops_at_200_percent(browser_page, live_demo):
    page = visit(browser_page, live_demo, *HOME)
    body_zoom = "() => parseFloat(getComputedStyle(document.body).zoom)"
    assert page.evaluate(body_zoom) == 1
    open_panel(page)
    press(page, "页面放大")
    assert page.evaluate(body_zoom) == pytest.approx(1.25)
    expect(status(page)).to_have_text("页面缩放：125%")
    for _ in range(5):
        press(page, "页面放大")
    assert page.evaluate(body_zoom) == pytest.approx(2)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for _ in range(4):
        press(page, "页面缩小")
    assert page.evaluate(body_zoom) == 1


@pytest.mark.parametrize(("host", "path"), [HOME, ARTICLE, LETTER_FORM])
def test_high_contrast_puts_every_text_at_7_to_1_or_more(browser_page, live_demo, host, path):
    page = visit(browser_page, live_demo, host, path)
    open_panel(page)
    press(page, "高对比度")
    assert "assist-contrast" in page.evaluate("document.documentElement.className")
    expect(status(page)).to_have_text("已开启高对比度")
    colours = page.evaluate(
        """() => {
            const c = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
            return {body: c('body', 'backgroundColor'), text: c('main', 'color'), link: c('main a', 'color'),
                    header: c('.site-header', 'backgroundColor'),
                    footer: c('.site-footer', 'backgroundColor')};
        }"""
    )
    assert colours == {
        "body": "rgb(0, 0, 0)",
        "text": "rgb(255, 255, 255)",
        "link": "rgb(255, 255, 0)",
        "header": "rgb(0, 0, 0)",
        "footer": "rgb(0, 0, 0)",
    }
    page.locator("#assist-panel").get_by_role("button", name="黑白").focus()
    page.keyboard.press("Shift+Tab")  # a keyboard move, so the focus ring shows
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert ring == "rgb(0, 255, 255)", "the focus ring is distinct from both text and links"
    assert_no_violations(page, ENHANCED_CONTRAST)
    assert_no_violations(page)
    if (host, path) == LETTER_FORM:
        # The form with its error messages shown, as a reader sees it after a wrong submission.
        page.locator("main form").get_by_role("button").last.click()
        expect(page.locator(".errorlist, .form-errors").first).to_be_visible()
        assert "assist-contrast" in page.evaluate("document.documentElement.className")
        assert_no_violations(page, ENHANCED_CONTRAST)


def test_large_cursor_uses_the_shipped_pictures(browser_page, live_demo):
    page = visit(browser_page, live_demo, *HOME)
    open_panel(page)
    press(page, "大鼠标")
    expect(page.locator("#assist-panel").get_by_role("button", name="大鼠标")).to_have_attribute(
        "aria-pressed", "true"
    )
    body_cursor = page.evaluate("getComputedStyle(document.body).cursor")
    link_cursor = page.locator(".main-nav a").first.evaluate("a => getComputedStyle(a).cursor")
    assert "url(" in body_cursor and "cursor-arrow.svg" in body_cursor
    assert "url(" in link_cursor and "cursor-pointer.svg" in link_cursor
    for cursor in (body_cursor, link_cursor):
        picture = page.request.get(re.search(r'url\("([^"]+)"\)', cursor).group(1))
        assert picture.ok and picture.headers["content-type"].startswith("image/svg+xml")
        assert 'width="48"' in picture.text()
    press(page, "大鼠标")
    assert "url(" not in page.evaluate("getComputedStyle(document.body).cursor")


def test_the_guide_line_and_the_cross_hair_follow_the_pointer(browser_page, live_demo):
    page = visit(browser_page, live_demo, *ARTICLE)
    open_panel(page)
    press(page, "页面放大")  # the lines must follow the pointer on a zoomed page too
    press(page, "辅助线")
    horizontal = page.locator(".assist-line-horizontal")
    page.mouse.move(300, 420)
    box = horizontal.bounding_box()
    assert abs(box["y"] + box["height"] / 2 - 420) <= 3 and box["width"] >= 1280 - 20
    assert horizontal.evaluate("l => [getComputedStyle(l).pointerEvents, l.getAttribute('aria-hidden')]") == [
        "none",
        "true",
    ]
    assert page.locator(".assist-line-vertical").count() == 0
    press(page, "十字线")
    page.mouse.move(640, 610)
    vertical = page.locator(".assist-line-vertical")
    box, vbox = horizontal.bounding_box(), vertical.bounding_box()
    assert abs(box["y"] + box["height"] / 2 - 610) <= 3
    assert abs(vbox["x"] + vbox["width"] / 2 - 640) <= 3 and vbox["height"] >= 900 - 20
    assert vertical.evaluate("l => getComputedStyle(l).pointerEvents") == "none"
    # The pointer still reaches what is under the lines.
    assert page.evaluate("document.elementFromPoint(640, 610).closest('.assist-line')") is None
    press(page, "辅助线")
    press(page, "十字线")
    assert page.locator(".assist-line").count() == 0


def test_point_reading_and_continuous_reading_speak_chinese_at_the_chosen_speed(browser_page, live_demo):
    page = browser_page
    page.add_init_script(RECORD_SPEECH)
    visit(page, live_demo, *ARTICLE)
    spoken = "() => window.__spoken"
    open_panel(page)
    page.locator(".nav-group-toggle", has_text="政务公开").click()  # the link sits in its group's menu
    page.locator(".main-nav a", has_text="政策解读").first.focus()
    assert page.evaluate(spoken) == [], "nothing is read before 指读 is on"
    press(page, "指读")
    expect(status(page)).to_have_text("已开启指读")
    page.locator(".nav-group-toggle", has_text="政务公开").click()
    page.locator(".main-nav a", has_text="政策解读").first.focus()
    assert page.evaluate(spoken)[-1] == {"text": "政策解读", "rate": 1, "lang": "zh-CN"}
    page.locator(".conac-badge").focus()
    assert page.evaluate(spoken)[-1]["text"] == "党政机关网站标识", "a picture is read by its alt text"
    title = page.locator("h1").inner_text()
    page.locator("h1").hover()
    assert page.evaluate(spoken)[-1]["text"] == title

    press(page, "快")
    assert page.evaluate(spoken)[-1] == {"text": "语速：快", "rate": pytest.approx(1.4), "lang": "zh-CN"}
    expect(status(page)).to_have_text("语速：快")
    page.evaluate("window.__spoken = []")
    press(page, "连读")
    texts = [s["text"] for s in page.evaluate(spoken)]
    first_paragraph = page.locator(".article-body p").first.inner_text()
    assert title in texts and first_paragraph in texts
    assert texts.index(title) < texts.index(first_paragraph)
    assert all(s["rate"] == pytest.approx(1.4) and s["lang"] == "zh-CN" for s in page.evaluate(spoken))
    assert all(len(t) <= 160 for t in texts)
    stop = page.locator("#assist-panel").get_by_role("button", name="停止", exact=True)
    stop.focus()  # 指读 reads the button itself on focus
    cancelled = page.evaluate("window.__cancelled")
    stop.press("Enter")
    assert page.evaluate("window.__cancelled") == cancelled + 1
    expect(status(page)).to_have_text("已停止朗读")

    # On the next page of the same site 指读 and the speed are still on; a field is read by its label.
    visit(page, live_demo, "127.0.0.1", "/hudong/liuyan/")
    page.locator("#id_title").focus()
    label = page.locator("label[for=id_title]").inner_text().strip()
    assert label.startswith("标题")
    assert page.evaluate(spoken)[-1] == {"text": label, "rate": pytest.approx(1.4), "lang": "zh-CN"}

    open_panel(page)
    press(page, "指读")
    count = len(page.evaluate(spoken))
    page.locator("#id_content").focus()
    page.locator("main h1").hover()
    assert len(page.evaluate(spoken)) == count, "nothing is read once 指读 is off"


def test_without_speech_in_the_browser_the_speech_buttons_are_disabled_with_a_note(browser_page, live_demo):
    page = browser_page
    page.add_init_script("Object.defineProperty(window, 'speechSynthesis', {value: undefined});")
    visit(page, live_demo, *HOME)
    open_panel(page)
    panel = page.locator("#assist-panel")
    for name in SPEECH_BUTTONS:
        button = panel.get_by_role("button", name=name, exact=True)
        expect(button).to_be_disabled()
        expect(button).to_have_accessible_description(re.compile("不支持语音朗读"))
    expect(page.locator("#assist-speech-note")).to_be_visible()
    press(page, "文字放大")  # everything else still works
    expect(status(page)).to_have_text("文字大小：125%")


def test_choices_are_kept_across_pages_and_applied_before_the_body_exists(browser_page, live_demo):
    page = browser_page
    page.add_init_script(RECORD_ROOT_AT_BODY)
    visit(page, live_demo, *HOME)
    default_root = root_font_px(page)
    open_panel(page)
    press(page, "文字放大")
    press(page, "文字放大")
    press(page, "高对比度")
    saved = page.evaluate(f"JSON.parse(localStorage.getItem('{STORAGE_KEY}'))")
    assert saved["text"] == 150 and saved["scheme"] == "contrast"
    assert page.evaluate("document.cookie") == ""

    visit(page, live_demo, *ARTICLE)
    at_body = page.evaluate("window.__atBody")
    assert "assist-contrast" in at_body["className"].split() and at_body["textScale"] == "1.5"
    assert root_font_px(page) == pytest.approx(default_root * 1.5)
    expect(page.locator("#assist-panel")).to_be_hidden()
    open_panel(page)
    expect(page.locator('[data-assist-value="text"]')).to_have_text("150%")
    expect(page.locator("#assist-panel").get_by_role("button", name="高对比度")).to_have_attribute(
        "aria-pressed", "true"
    )
    # A later visit, in a new tab of the same browser profile.
    later = page.context.new_page()
    later.goto(url(live_demo, *HOME))
    assert "assist-contrast" in later.evaluate("document.documentElement.className")
    later.close()


@pytest.mark.parametrize(
    "stored", ["{not json", "[1, 2]", '{"text": 999, "scheme": "evil", "cursor": "yes"}']
)
def test_a_corrupt_saved_value_is_ignored_and_the_page_still_works(browser_page, live_demo, stored):
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    visit(page, live_demo, *HOME)
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [STORAGE_KEY, stored])
    page.reload()
    assert page.evaluate("document.documentElement.className") == "mode-standard"
    open_panel(page)
    expect(page.locator('[data-assist-value="text"]')).to_have_text("100%")
    press(page, "文字放大")
    expect(status(page)).to_have_text("文字大小：125%")
    assert page.evaluate(f"JSON.parse(localStorage.getItem('{STORAGE_KEY}')).text") == 125
    assert errors == []


def test_reset_restores_every_default_and_clears_the_saved_choices(browser_page, live_demo):
    page = visit(browser_page, live_demo, *HOME)
    open_panel(page)
    for name in ("文字放大", "页面放大", "护眼", "大鼠标", "辅助线", "十字线", "指读", "慢"):
        press(page, name)
    page.mouse.move(200, 200)
    assert page.evaluate("document.documentElement.className.split(' ').length") >= 5
    press(page, "重置")
    expect(status(page)).to_have_text("已恢复默认设置")
    assert page.evaluate("document.documentElement.className") == "mode-standard"
    assert page.evaluate("document.documentElement.getAttribute('style') || ''") == ""
    assert page.evaluate(f"localStorage.getItem('{STORAGE_KEY}')") is None
    assert page.locator(".assist-line").count() == 0
    pressed = page.eval_on_selector_all(
        "#assist-panel [aria-pressed=true]", "els => els.map(e => e.textContent)"
    )
    assert pressed == ["默认", "中"]
    expect(page.locator('[data-assist-value="zoom"]')).to_have_text("100%")


@pytest.mark.parametrize("width", [1280, 375])
def test_the_open_toolbar_has_no_wcag_a_or_aa_violations_in_any_state(browser_page, live_demo, width):
    page = visit(browser_page, live_demo, *ARTICLE, width=width)
    open_panel(page)
    assert_no_violations(page)
    states = [
        ["高对比度", "大鼠标", "辅助线", "十字线"],
        ["黑白", "指读", "快"],
        [
            "护眼",
            "文字放大",
            "文字放大",
            "文字放大",
            "文字放大",
            "页面放大",
            "页面放大",
            "页面放大",
            "页面放大",
        ],
    ]
    for presses in states:
        for name in presses:
            press(page, name)
        page.mouse.move(width // 2, 300)
        assert_no_violations(page)


@pytest.mark.parametrize("width", [375, 320])
def test_the_open_panel_wraps_on_a_phone_without_sideways_scrolling(browser_page, live_demo, width):
    page = visit(browser_page, live_demo, *LETTER_FORM, width=width)
    open_panel(page)
    for _ in range(4):
        press(page, "文字放大")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    right_edges = page.eval_on_selector_all(
        "#assist-panel button, #assist-panel a", "els => els.map(e => e.getBoundingClientRect().right)"
    )
    assert max(right_edges) <= width


def test_the_panel_links_to_the_elder_and_plain_text_versions(browser_page, live_demo):
    page = visit(browser_page, live_demo, *ARTICLE)
    open_panel(page)
    press(page, "文字放大")
    press(page, "文字放大")
    with page.expect_navigation():
        page.locator("#assist-panel").get_by_role("link", name="长者模式").click()
    assert page.url.endswith(ARTICLE[1])
    assert page.evaluate("document.documentElement.className").split()[0] == "mode-elder"
    # The elder version's own larger base (125%) times the reader's 150%.
    assert root_font_px(page) == pytest.approx(16 * 1.5 * 1.5)
    open_panel(page)
    expect(page.locator("#assist-panel").get_by_role("link", name="退出长者模式")).to_be_visible()
    with page.expect_navigation():
        page.locator("#assist-panel").get_by_role("link", name="纯文本通道").click()
    assert page.evaluate("document.documentElement.className") == "mode-text"
    assert page.locator("#assist-toggle, #assist-panel, script").count() == 0


def test_without_javascript_the_toolbar_button_is_hidden_and_the_version_links_work(browser_page, live_demo):
    context = browser_page.context.browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(url(live_demo, *ARTICLE))
        expect(page.locator("#assist-toggle")).to_be_hidden()
        expect(page.locator("#assist-panel")).to_be_hidden()
        page.get_by_role("link", name="长者模式", exact=True).click()
        assert page.evaluate("document.documentElement.className") == "mode-elder"
        expect(page.locator("#assist-toggle")).to_be_hidden()
        page.get_by_role("link", name="纯文本", exact=True).click()
        assert page.evaluate("document.documentElement.className") == "mode-text"
        assert page.url.endswith(ARTICLE[1])
        assert context.cookies()[0]["name"] == MODE_COOKIE
    finally:
        context.close()
