"""Wagtail's admin works under its strict Content-Security-Policy (`script-src 'self' 'nonce-…'`, no
'unsafe-inline', no 'unsafe-eval'; decision 0011): the demo's administrator walks the screens that run
scripts and uses the widgets that run inline ones (date pickers, inline panels, choosers in forms and in
StreamField, the rich text editor, the modals that load their content from the server), and Chromium reports
no violation and no script error, while each interaction does what it should."""

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in

pytestmark = pytest.mark.browser

# Playwright runs init scripts whatever the page's policy says: this one passes every violation the page (or a
# frame of it, such as the editor's preview) reports to the test.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.huiminCspViolation(
    `${event.documentURI}: ${event.violatedDirective} blocked ${event.blockedURI || "?"} ` +
      `(${event.sourceFile || "?"}:${event.lineNumber}) ${event.sample || ""}`
  );
});
"""
# A screen's title, and what shows that its scripts ran: the sidebar is drawn by the admin's script.
SCREENS = [
    ("/admin/", "控制面板"),
    ("/admin/pages/", "网站群"),
    ("/admin/pages/search/?q=养老", "搜索"),
    ("/admin/images/", "图片"),
    ("/admin/documents/", "文档"),
    ("/admin/snippets/", "片段"),
    ("/admin/snippets/huimin_topics/topicpalette/edit/1/", "政务蓝"),
    ("/admin/snippets/huimin_opendata/datachart/add/", "数据图表"),
    ("/admin/workflows/list/", "工作流"),
    ("/admin/workflows/tasks/index/", "工作流任务"),
    ("/admin/reports/workflow/", "工作流"),
    ("/admin/letters/", "留言办理"),
    ("/admin/reply-templates/new/", "常用答复口径"),
    ("/admin/calendar-days/new/", "节假日与调休"),
    ("/admin/settings/huimin_sites/siteidentity/", "网站标识"),
    ("/admin/sites/edit/2/", "宿迁市人民政府"),
    ("/admin/redirects/add/", "重定向"),
    ("/admin/users/edit/1/", "平台管理员"),
]
PNG = bytes.fromhex(  # a 1×1 PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63fccfc0500f000485018084a98c210000000049454e44ae426082"
)


@dataclass
class Admin:
    page: Page
    base: str
    problems: list[str] = field(default_factory=list)  # violations and uncaught script errors


@pytest.fixture(scope="module")
def admin_cookies(chromium, live_demo):
    """The administrator signed in once for the module: a TOTP code is good once per 30 seconds."""
    context = chromium.new_context()
    _login(context.new_page(), live_demo["base_url"], "admin")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def admin(chromium, live_demo, admin_cookies):
    """A page of the demo's administrator, with every violation and script error collected."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", storage_state=admin_cookies
    )
    session = Admin(context.new_page(), live_demo["base_url"])
    page, problems = session.page, session.problems
    page.expose_function("huiminCspViolation", lambda report: problems.append(report))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    yield session
    context.close()


def _login(page, base, username):
    """The password, and the second step when the person has one (the demo's administrator: decision 0012),
    with a code no earlier sign-in of this process used."""
    spec = load_spec()
    sign_in(page, base, username, spec["password"], secret=spec["second_factor_secret"])


def _open(admin, path):
    page = admin.page
    response = page.goto(admin.base + path)
    assert response.ok, f"{path}: {response.status}"
    assert "'unsafe-inline'" not in response.headers["content-security-policy"].split(";")[0]
    expect(page.locator("nav.sidebar-main-menu")).to_be_visible()


def _edit_page(admin, title):
    """Open the editor of the page with this title, found as an editor finds it: by searching."""
    page = admin.page
    _open(admin, f"/admin/pages/search/?q={title}")
    page.get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(page.locator("nav.sidebar-main-menu")).to_be_visible()


def _settled(page):
    """Let the page run what it has queued, so that what it reports has been reported (not "networkidle":
    the editor's preview and autosave keep asking the server)."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))")


def _modal(page):
    return page.locator(".modal.in .modal-body, .modal.show .modal-body").last


def test_the_admin_screens_run_their_scripts_under_the_strict_policy(admin):
    page = admin.page
    for path, title in SCREENS:
        _open(admin, path)
        assert title in page.title(), f"{path}: {page.title()}"
        _settled(page)
    _open(admin, "/admin/")
    docs = page.goto(admin.base + "/api/v1/docs")
    assert "'nonce-" in docs.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("惠民开放接口")
    _settled(page)
    assert admin.problems == []


def test_a_topic_pages_streamfield_and_its_choosers_work(admin):
    page = admin.page
    _edit_page(admin, "开办企业")
    page.get_by_role("tab", name="专题内容").click()
    stream = page.locator("[data-streamfield-stream-container]").first
    children = stream.locator(":scope > [data-streamfield-child]")

    def add(label):
        before = children.count()
        stream.locator(":scope > [data-streamfield-list-add], :scope > div > .c-sf-add-button").last.click()
        page.get_by_role("option", name=label).first.click()
        expect(children).to_have_count(before + 1)
        return children.nth(before)

    text = add("图文")
    text.locator("[contenteditable=true]").first.click()
    page.keyboard.type("内容安全策略")
    expect(text).to_contain_text("内容安全策略")

    banner = add("横幅")  # an image chooser
    banner.get_by_role("button", name="选择一个图片").click()
    _modal(page).locator("a[data-chooser-modal-choice]", has_text="一图读懂2023年政府网站工作要点").click()
    expect(banner).to_contain_text("一图读懂2023年政府网站工作要点")

    links = add("链接宫格")  # a page chooser in a list of structs
    links.get_by_role("button", name="选择一个页面").first.click()
    _modal(page).locator("a.navigate-pages").first.click()  # into 宿迁市人民政府
    _modal(page).locator("a.choose-page", has_text="工作动态").click()
    expect(links).to_contain_text("工作动态")

    video = add("视频")  # a document chooser, with a search in the modal
    video.get_by_role("button", name="选择一个文档").first.click()
    _modal(page).get_by_role("textbox").first.fill("印章")
    choice = _modal(page).locator("a[data-chooser-modal-choice]", has_text="印章刻制备案申请表（空白表格）")
    choice.click()
    expect(video).to_contain_text("印章刻制备案申请表（空白表格）")
    _settled(page)
    assert admin.problems == []


def test_an_article_editor_its_date_picker_inline_panel_rich_text_and_dialogs_work(admin):
    page = admin.page
    _edit_page(admin, "宿迁市开展乡村振兴专项行动")

    # The date and time picker of 发布时间 (an inline script per widget).
    page.click("#id_pub_date")
    picker = page.locator(".xdsoft_datetimepicker:visible")
    expect(picker).to_have_count(1)
    before = page.input_value("#id_pub_date")
    picker.locator(".xdsoft_date:not(.xdsoft_disabled):not(.xdsoft_current)").first.click()
    expect(page.locator("#id_pub_date")).not_to_have_value(before)

    # An inline panel (its own script, and each new form's document chooser from the form template).
    forms = page.locator("#id_attachments-FORMS > :not(.deleted)")
    count = forms.count()
    page.click("#id_attachments-ADD")
    expect(forms).to_have_count(count + 1)
    forms.last.get_by_role("button", name="选择一个文档").click()
    _modal(page).locator("a[data-chooser-modal-choice]").first.click()
    expect(forms.last.locator("input[type=hidden][name$=-document]")).not_to_have_value("")

    # Rich text: a link to a page from the page chooser, and an image with the format step.
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    links = editor.locator("a.TooltipEntity", has_text="链接文字")
    count = links.count()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("链接文字")
    page.keyboard.press("Shift+Home")
    page.locator(".Draftail-ToolbarButton[name=LINK]").click()
    _modal(page).locator("a.navigate-pages").first.click()
    _modal(page).locator("a.choose-page", has_text="通知公告").click()
    expect(links).to_have_count(count + 1)
    images = page.locator(".Draftail-Editor").first.locator(".MediaBlock")
    count = images.count()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("/")
    page.get_by_role("option", name="图片").click()
    _modal(page).locator("a[data-chooser-modal-choice]").first.click()
    _modal(page).locator("input[value=fullwidth]").check()
    _modal(page).locator("[name$=alt_text]").fill("工作要点示意图")
    _modal(page).locator("button[type=submit], input[type=submit]").first.click()
    expect(images).to_have_count(count + 1)

    # The privacy dialog (its form loaded from the server), the schedule dialog's date picker, the preview
    # and the checks (axe runs in the preview).
    page.locator("[data-side-panel-toggle=status]").click()
    page.get_by_role("button", name="变更隐私设置").first.click()
    expect(page.get_by_text("私有，已登录用户均可访问")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_text("私有，已登录用户均可访问")).to_be_hidden()
    page.get_by_role("button", name="设置计划").first.click()
    page.click("#id_go_live_at")
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    page.keyboard.press("Escape")
    page.locator("[data-side-panel-toggle=preview]").click()
    preview = page.frame_locator("iframe[title]").first.locator("body")
    expect(preview).to_contain_text("乡村振兴", timeout=20000)
    page.locator("[data-side-panel-toggle=checks]").click()
    expect(page.locator("[data-side-panel=checks]")).to_contain_text("发现的问题", timeout=20000)
    _settled(page)
    assert admin.problems == []


def test_a_policy_pages_inline_panel_takes_a_page_from_the_chooser(admin):
    page = admin.page
    _edit_page(admin, "宿迁市政务公开管理办法")
    forms = page.locator("#id_successor_links-FORMS > :not(.deleted)")
    count = forms.count()
    page.click("#id_successor_links-ADD")
    expect(forms).to_have_count(count + 1)
    forms.last.get_by_role("button", name=re.compile("选择")).first.click()
    _modal(page).locator("a.navigate-pages").first.click()  # into 宿迁市人民政府
    _modal(page).locator("tr", has_text="政策文件库").locator("a.navigate-pages").click()
    _modal(page).locator("a.choose-page", has_text="宿迁市城市更新若干规定").first.click()
    expect(forms.last).to_contain_text("宿迁市城市更新若干规定")
    _settled(page)
    assert admin.problems == []


def test_documents_and_images_upload_and_the_focal_point_chooser_starts(admin, tmp_path):
    page = admin.page
    note, dot = tmp_path / "csp-note.txt", tmp_path / "csp-dot.png"
    note.write_text("内容安全策略", encoding="utf-8")
    dot.write_bytes(PNG)
    _open(admin, "/admin/documents/multiple/add/")
    page.set_input_files("input[type=file]", str(note))
    expect(page.locator("#upload-list")).to_contain_text("csp-note.txt")
    expect(page.locator("#upload-list form").first).to_be_visible()
    _open(admin, "/admin/images/multiple/add/")
    page.set_input_files("input[type=file]", str(dot))
    expect(page.locator("#upload-list a[href$='/delete/']")).to_have_count(1)
    delete_url = page.locator("#upload-list a[href$='/delete/']").first.get_attribute("href")
    image_id = re.search(r"/(\d+)/delete/$", delete_url).group(1)
    # The image's edit page: Jcrop (the focal-point chooser) probes for touch support with an inline
    # handler, allowed on this path by its hash.
    _open(admin, f"/admin/images/{image_id}/")
    expect(page.locator(".jcrop-holder")).to_have_count(1)
    _settled(page)
    assert admin.problems == []


def test_workflow_screens_task_and_page_choosers_and_the_review_dialog_work(admin):
    page = admin.page
    # A workflow's editor: a new task step from the task chooser (its own modal and create form).
    _open(admin, "/admin/workflows/edit/2/")
    tasks = page.locator("#id_workflow_tasks-FORMS > :not(.deleted)")
    count = tasks.count()
    page.get_by_role("button", name="增加 任务").click()
    expect(tasks).to_have_count(count + 1)
    page.get_by_role("button", name="选择一个任务").last.click()
    # The 新建 tab: the kinds of step to create (the site's approval and the content-safety check).
    expect(_modal(page)).to_contain_text("选择要创建的任务类型")
    expect(_modal(page)).to_contain_text("内容安全审查")
    _modal(page).get_by_role("tab", name="已存在").click()
    _modal(page).locator("a", has_text="审核员审批（默认）").first.click()
    expect(tasks.last).to_contain_text("审核员审批（默认）")

    # A group's page permissions: a new permission row with its page chooser.
    _open(admin, "/admin/groups/edit/2/")
    page.get_by_role("button", name="添加一个页面权限").click()
    page.get_by_role("button", name="选择一个页面").last.click()
    _modal(page).locator("a.choose-page", has_text="沭阳县人民政府").click()
    expect(page.locator("[id^=id_page_permissions-]").filter(has_text="沭阳县人民政府")).not_to_have_count(0)

    # Submit an article for review, then ask for changes from the dashboard's dialog (a form the dialog
    # loads from the server).
    _edit_page(admin, "宿迁市举办就业创业业务培训班")
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name=re.compile("提交给")).click()
    expect(page.locator(".messages")).to_contain_text("已经提交进行审核")
    _open(admin, "/admin/")
    row = page.locator("tr", has_text="宿迁市举办就业创业业务培训班").filter(
        has=page.locator("[data-launch-modal]")
    )
    row.locator("[data-w-dropdown-target=toggle]").first.click()
    page.get_by_role("button", name="请求修改").click()
    _modal(page).locator("textarea").fill("请补充活动照片。")
    _modal(page).locator("button[type=submit]").click()
    expect(
        page.locator("tr", has_text="宿迁市举办就业创业业务培训班").filter(
            has=page.locator("[data-launch-modal]")
        )
    ).to_have_count(0)
    _settled(page)
    assert admin.problems == []


def test_a_letters_reply_template_fills_the_reply(admin):
    page = admin.page
    _open(admin, "/admin/reply-templates/new/")
    page.fill("#id_title", "内容安全策略测试口径")
    page.fill("#id_text", "您好，您反映的问题已转有关部门办理。")
    page.locator("#w-editor-form button[type=submit], form button[type=submit]").last.click()
    expect(page.locator(".messages")).to_contain_text("内容安全策略测试口径")

    # The unit's message handler answers a letter: choosing the template fills the reply (Wagtail's w-sync
    # controller; the select had an inline onchange handler before).
    page.context.clear_cookies()
    _login(page, admin.base, "slj-handler")
    _open(admin, "/admin/letters/")
    page.get_by_role("link", name="暴雨后村道积水请求排涝").first.click()
    expect(page.locator("#tpl")).to_be_visible()
    page.select_option("#tpl", label="内容安全策略测试口径")
    expect(page.locator("#reply-text")).to_have_value("您好，您反映的问题已转有关部门办理。")
    _settled(page)
    assert admin.problems == []
