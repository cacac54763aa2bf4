"""Precise push in Chromium against the live demo: a demo citizen signs in, subscribes to a search query with
the keyboard only, a matching policy is published on the live server (by a script on the server's database,
as an editor's publication: Wagtail's `page_published`, the task queued on commit), and the push arrives in
the inbox and in the server's mail; the mail's one-click unsubscribe link ends the subscription.

Every page of subscriptions (the list, the ways to subscribe, the tag form, a form sent back with errors, a
change, the inbox, the unsubscribe pages) has zero axe violations in the standard and the elder mode, fits
at 1280 and 375 px, and is photographed when HUIMIN_SCREENSHOTS_DIR is set. The policy, its publication and
the messages about it are removed from the live server at the end; the unsubscribe removed the subscription.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest

from huimin.demo.accounts import DEMO_ACCOUNTS
from huimin.demo.tests.screens import check_page, set_mode

pytestmark = pytest.mark.browser
HUB = "127.0.0.1"
READER = next(item for item in DEMO_ACCOUNTS if "@" in item["login"])  # 李华: a verified e-mail address
QUERY = "低空经济 无人机"
TITLE = "宿迁市关于支持低空经济和无人机产业发展的若干政策（推送测试）"
PUBLISH = """
import sys, datetime, time_machine
time_machine.travel(datetime.datetime.fromisoformat(sys.argv[1]), tick=True).start()
import django
django.setup()
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site
from huimin.core.pages import add_and_publish
from huimin.policies.models import PolicyLibraryPage, PolicyPage
from huimin.sites.models import SiteIdentity

site = Site.objects.get(hostname="127.0.0.1")
library = PolicyLibraryPage.objects.live().descendant_of(site.root_page).first()
with transaction.atomic():
    policy = add_and_publish(library, PolicyPage(
        title=TITLE,
        slug="push-browser-test",
        index_number="PUSHBROWSER/2026-00001",
        issuer=SiteIdentity.objects.get(site=site).org_unit,
        summary="支持低空经济发展，鼓励无人机在物流、巡检中的应用。",
        body="<p>为加快低空经济发展，对无人机研发和应用项目给予补助。</p>",
        pub_date=timezone.now(),
    ))
print(policy.pk)
""".replace("TITLE", repr(TITLE))
TEARDOWN = """
import django
django.setup()
from wagtail.models import Page
from huimin.subscriptions.models import Delivery, Dispatch, Publication

publications = Publication.objects.filter(title=TITLE)
Dispatch.objects.filter(deliveries__publication__in=publications).delete()
Delivery.objects.filter(publication__in=publications).delete()
publications.delete()
for page in Page.objects.filter(slug="push-browser-test"):
    page.delete()
""".replace("TITLE", repr(TITLE))


def _url(live_demo, path: str) -> str:
    return f"http://{HUB}:{live_demo['port']}{path}"


def _server_env(live_demo) -> dict:
    """The live server's settings for a script on its database: tasks at once, mail and SMS to its files."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huimin.settings.dev",
        "DEBUG": "0",
        "DATABASE_URL": live_demo["database_url"],
        "HUIMIN_VAR_DIR": str(live_demo["log"].parent),
        "HUIMIN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(live_demo["mail_dir"]),
        "HUIMIN_SMS_BACKEND": "huimin.core.notify.FileSms",
        "HUIMIN_SMS_FILE": str(live_demo["sms_file"]),
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture(scope="module")
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def cleanup(live_demo):
    yield
    subprocess.run(
        [sys.executable, "-c", TEARDOWN],
        env=_server_env(live_demo),
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def reader(page, live_demo, cleanup):
    """The demo citizen signed in on the portal, through the real login page."""
    page.goto(_url(live_demo, "/accounts/login/?next=/accounts/subscriptions/"))
    page.fill("#id_login", READER["login"])
    page.fill("#id_password", READER["password"])
    page.locator("main button", has_text="登录").click()
    _arrive(page, _url(live_demo, "/accounts/subscriptions/"))
    return READER


def _arrive(page, url: str) -> None:
    """Wait for `url`: a redirect keeps the fragment of the address it answers ("…#error-summary")."""
    page.wait_for_url(lambda address: address.split("#", 1)[0] == url)


def _mode(page, mode: str) -> None:
    set_mode(page, mode, (HUB,))


def _check(page, name: str, mode: str) -> None:
    check_page(page, f"push-{name}", mode)


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus (the keyboard's way there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _mails(live_demo) -> list:
    messages = []
    folder = live_demo["mail_dir"]
    for path in sorted(folder.glob("*")) if folder.exists() else []:
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip() + b"\n", policy=email.policy.default))
    return messages


def test_a_citizen_subscribes_with_the_keyboard_receives_the_push_and_unsubscribes_from_the_mail(
    page, live_demo, reader
):
    # Subscribe to a search query with the keyboard only.
    page.goto(_url(live_demo, "/accounts/subscriptions/"))
    _tab_to(page, "a.subs-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "a[href$='kind=search']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "#id_q")
    page.keyboard.type(QUERY)
    _tab_to(page, "input[name=channels][value=email]")
    page.keyboard.press("Space")
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _arrive(page, _url(live_demo, "/accounts/subscriptions/"))
    assert f"已订阅：关键词：{QUERY}" in page.locator(".subs-flash").inner_text()
    assert "站内消息、电子邮件" in page.locator(".subs-list").inner_text()

    # An editor's publication of a matching policy on the live server.
    moment = (live_demo["now"] + timedelta(hours=1)).isoformat()
    subprocess.run(
        [sys.executable, "-c", PUBLISH, moment],
        env=_server_env(live_demo),
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )

    # In the inbox, unread, with why; following it reads it and leads to the policy.
    page.goto(_url(live_demo, "/accounts/subscriptions/inbox/"))
    item = page.locator(".subs-inbox li", has_text=TITLE)
    assert "未读" in item.inner_text()
    assert f"您订阅了“关键词：{QUERY}”" in item.inner_text()
    with page.expect_navigation():
        item.get_by_role("link", name=TITLE).click()
    assert page.locator("h1").first.inner_text() == TITLE
    page.goto(_url(live_demo, "/accounts/subscriptions/inbox/"))
    assert "未读" not in page.locator(".subs-inbox li", has_text=TITLE).inner_text()

    # In the server's mail, with the one-click unsubscribe headers.
    message = next(
        m for m in _mails(live_demo) if TITLE in str(m["Subject"]) and READER["login"] in str(m["To"])
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"<(http[^>]+)>", str(message["List-Unsubscribe"])).group(1)
    assert link in message.get_body(preferencelist=("plain",)).get_content()

    # Follow the mail's link and confirm with the keyboard.
    page.goto(link)
    assert f"关键词：{QUERY}" in page.locator("main").inner_text()
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"已退订：关键词：{QUERY}" in page.locator("main .notice").inner_text()
    page.goto(_url(live_demo, "/accounts/subscriptions/"))
    assert f"关键词：{QUERY}" not in page.locator("main").inner_text()
    page.goto(link)
    assert "已经退订" in page.locator("main").inner_text()


@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_every_subscriptions_page_has_no_axe_violations_at_both_widths(page, live_demo, reader, mode):
    _mode(page, mode)
    for name, path in (
        ("list", "/accounts/subscriptions/"),
        ("new", "/accounts/subscriptions/new/"),
        ("new-tags", "/accounts/subscriptions/new/?kind=tags"),
        ("new-unit", "/accounts/subscriptions/new/?kind=unit"),
        ("inbox", "/accounts/subscriptions/inbox/"),
        ("unsubscribe-invalid", "/accounts/subscriptions/unsubscribe/not-a-token/"),
    ):
        page.goto(_url(live_demo, path))
        _check(page, name, mode)
    # A form sent back with its errors: focus goes to the summary, which names the field.
    page.goto(_url(live_demo, "/accounts/subscriptions/new/?kind=search"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "请填写此项" in page.locator("#error-summary").inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    _check(page, "new-errors", mode)
    # A change of a subscription (the demo citizen's own), and its page of confirmation to unsubscribe.
    page.goto(_url(live_demo, "/accounts/subscriptions/"))
    with page.expect_navigation():
        page.locator(".subs-list .mine-open a").first.click()
    assert "/edit/" in page.url
    _check(page, "edit", mode)
    _mode(page, "standard")


def test_the_search_results_offer_to_subscribe_to_the_query(page, live_demo, reader):
    page.goto(_url(live_demo, "/search/?q=养老"))
    entry = page.locator(".subscribe-entry a")
    assert entry.inner_text() == "订阅此关键词"
    with page.expect_navigation():
        entry.click()
    assert page.locator("#id_q").input_value() == "养老"
