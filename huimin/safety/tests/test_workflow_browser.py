"""The reviewer's screen of the content-safety step in Chromium: the portal's 单位审核人 opens “请求修改” from
the dashboard and sees every finding with its place and the term marked, at 1280 and 375 px.

With HUIMIN_SCREENSHOTS_DIR set, the dialog is saved as safety-review-1280.png and safety-review-375.png."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from huimin.demo.builder import load_spec
from huimin.demo.tests.browser_login import sign_in

TITLE = "学习宣传宪法的通知（内容安全）"
DRAFT = "道路积水问题的答复（内容安全）"
SETUP = """
import django
django.setup()
from django.contrib.auth import get_user_model
from wagtail.models import Site
from huimin.articles.models import ArticlePage
from huimin.sites.models import ColumnPage

editor = get_user_model().objects.get(username="portal-editor")
site = Site.objects.get(hostname="127.0.0.1")
column = ColumnPage.objects.descendant_of(site.root_page).order_by("path").first()
page = ArticlePage(
    title=TITLE,
    slug="safety-browser",
    body="<p>各单位要组织学习《中华人民共合国宪法》。</p><p>村民张某某（13912345678）反映道路积水。</p>",
    live=False,
)
column.add_child(instance=page)
page.save_revision(user=editor)
page.get_workflow().start(page, editor)
draft = ArticlePage(
    title=DRAFT, slug="safety-browser-draft", body="<p>村民王某（13852761234）反映道路积水。</p>", live=False
)
column.add_child(instance=draft)
draft.save_revision(user=editor)
print(page.pk, draft.pk)
""".replace("TITLE", repr(TITLE)).replace("DRAFT", repr(DRAFT))


TEARDOWN = """
import django
django.setup()
from wagtail.models import Page
for page in Page.objects.filter(slug__in=["safety-browser", "safety-browser-draft"]):
    page.delete()
"""


@pytest.fixture(scope="module")
def page_in_review(live_demo):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DEBUG": "0",
        "DATABASE_URL": live_demo["database_url"],
        "HUIMIN_VAR_DIR": str(live_demo["log"].parent),
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, text=True, timeout=300
    )
    yield [int(pk) for pk in done.stdout.strip().splitlines()[-1].split()]
    # The live demo is shared by the session's browser tests: take the pages away again, so no other test
    # (the inspection of the demo sites) finds a personal number this module published.
    subprocess.run([sys.executable, "-c", TEARDOWN], env=env, check=True, capture_output=True, timeout=300)


def _shoot(page, name: str, *, full_page: bool = True) -> None:
    target = os.environ.get("HUIMIN_SCREENSHOTS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=full_page)


def test_the_reviewer_sees_the_findings_marked_and_can_only_request_changes(
    browser_page, live_demo, page_in_review
):
    page = browser_page
    sign_in(page, live_demo["base_url"], "portal-leader", load_spec()["password"])
    row = page.locator("tr", has_text=TITLE).filter(has=page.locator("[data-w-dropdown-target=toggle]")).first
    row.locator("[data-w-dropdown-target=toggle]").first.click()
    expect(row.get_by_role("button", name="请求修改")).to_be_visible()
    assert row.get_by_role("button", name="批准").count() == 0  # a veto: approval is not offered
    row.get_by_role("button", name="请求修改").click()

    dialog = page.locator(".modal.in .modal-body, .modal.show .modal-body").last
    expect(dialog).to_contain_text("发现 1 处禁止发布的内容：不能批准，只能请求修改。另有 1 处提示。")
    expect(dialog.locator("mark").first).to_have_text("中华人民共合国")
    expect(dialog).to_contain_text("“中华人民共合国”应为“中华人民共和国”")
    expect(dialog).to_contain_text("手机号码")
    expect(dialog.get_by_label("修改意见")).to_be_visible()
    _shoot(page, "safety-review-1280")

    page.set_viewport_size({"width": 375, "height": 800})
    expect(dialog.locator("mark").first).to_be_visible()
    assert dialog.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1")
    _shoot(page, "safety-review-375")


def test_the_editor_publishes_a_warning_only_after_ticking_the_confirmation(
    browser_page, live_demo, page_in_review
):
    page = browser_page
    sign_in(page, live_demo["base_url"], "portal-leader", load_spec()["password"])
    page.goto(f"{live_demo['base_url']}/admin/pages/{page_in_review[1]}/edit/")

    def publish():
        page.locator("footer [data-w-dropdown-target=toggle]").last.click()
        with page.expect_navigation():
            page.get_by_role("button", name="发布", exact=True).click()

    publish()
    expect(page.locator(".messages")).to_contain_text("内容安全检查发现 1 处提示，页面没有发布")
    confirm = page.get_by_label("我已核实上述提示内容无误")
    expect(confirm).to_be_visible()
    expect(page.locator(".safety-confirm mark")).to_have_text("138****1234")
    expect(page.locator(".safety-confirm")).to_contain_text("手机号码")
    page.locator(".safety-confirm").scroll_into_view_if_needed()
    _shoot(page, "safety-publish-confirm-1280", full_page=False)

    confirm.check()
    publish()
    expect(page.locator(".messages")).to_contain_text(DRAFT)
    expect(page.locator(".messages")).not_to_contain_text("没有发布")
