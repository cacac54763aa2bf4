"""The 工作台 on the admin home, per role, with the demo: a handler's letters waiting and overdue, a leader's
pages waiting for approval, an editor's guides and columns with problems, a site administrator's inspection
findings of this month; each only of the person's own units and sites. And the menu offers no content tool
to a person who works on no pages (the security auditor)."""

import re

import pytest
from django.utils import timezone
from wagtail.models import Site

from huimin.core.tests.admin_text import sidebar_urls, visible_text

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def _panel(html: str, heading: str) -> str:
    """The visible text of the panel with this heading (up to the next panel)."""
    text = visible_text(html)
    assert heading in text, f"no panel {heading}"
    return text.split(heading, 1)[1][:3000]


def test_a_handler_sees_their_units_letters_and_never_another_units(
    demo, demo_clock, client, django_user_model
):
    from huimin.letters.enums import OPEN_STATES
    from huimin.letters.models import Letter
    from huimin.letters.queries import inbox, own_units
    from huimin.letters.wagtail_hooks import letters_panel

    handler = django_user_model.objects.get(username="slj-handler")
    units = own_units(handler)
    mine = list(inbox(handler))
    panel = letters_panel(handler)
    assert panel is not None and panel.heading == "待办留言"
    counted = sum(
        row.count for row in panel.counts if row.label in ("待签收", "办理中", "待补充材料", "待审核")
    )
    assert counted == len(mine)
    allowed = {f"/admin/letters/{letter.pk}/" for letter in Letter.objects.filter(unit_id__in=units)}
    assert all(row.url in allowed for row in panel.rows)

    other = Letter.objects.filter(state__in=OPEN_STATES).exclude(unit_id__in=units).exclude(unit=None)
    other = other.exclude(title__in=[letter.title for letter in mine]).first()
    assert other is not None, "the demo has open letters of other units"
    html = _home(client, handler)
    assert other.title not in visible_text(html)
    assert "待办留言" in visible_text(html)


def test_an_overdue_letter_is_counted_and_listed_first(demo, demo_clock, client, django_user_model):
    from huimin.letters.models import Letter
    from huimin.letters.queries import own_units
    from huimin.letters.wagtail_hooks import letters_panel

    handler = django_user_model.objects.get(username="slj-handler")
    letter = Letter.objects.filter(unit_id__in=own_units(handler), state="accepted").first()
    assert letter is not None
    now = timezone.now()
    Letter.objects.filter(pk=letter.pk).update(
        title="逾期测试留言",
        due_at=now - timezone.timedelta(hours=3),
        warn_at=now - timezone.timedelta(days=1),
    )
    panel = letters_panel(handler)
    overdue = next(row for row in panel.counts if row.label == "已超期")
    assert overdue.count >= 1 and overdue.alert
    assert any(row.label == "逾期测试留言" and row.alert for row in panel.rows)
    assert "逾期测试留言" in _panel(_home(client, handler), "待办留言")


def test_a_leader_sees_the_pages_waiting_for_approval(demo, client, django_user_model):
    from wagtail.models import TaskState

    from huimin.core.dashboard import approvals_panel

    leader = django_user_model.objects.get(username="portal-leader")
    panel = approvals_panel(leader)
    assert panel is not None
    waiting = TaskState.objects.reviewable_by(leader).count()
    assert panel.counts[0].count == waiting
    html = _home(client, leader)
    text = _panel(html, "待我审核的页面")
    assert ("没有等待您审核的页面。" in text) == (waiting == 0)
    # The items, with their approve and request-changes actions, are Wagtail's own list below the count.
    assert ('id="awaiting-review"' in html) == (waiting > 0)


def test_an_editor_sees_guides_and_columns_of_their_own_site_only(
    demo, demo_clock, client, django_user_model
):
    from wagtail.models import Page

    from huimin.guides.wagtail_hooks import guides_panel
    from huimin.inspection.wagtail_hooks import columns_panel

    editor = django_user_model.objects.get(username="slj-editor")
    root = Site.objects.get(hostname="slj.localhost").root_page
    for panel in (guides_panel(editor), columns_panel(editor)):
        assert panel is not None
        for row in panel.rows:
            page_id = int(re.search(r"/(\d+)/", row.url).group(1))
            assert Page.objects.get(pk=page_id).is_descendant_of(root) or page_id == root.pk
    text = visible_text(_home(client, editor))
    assert "办事指南问题" in text and "栏目更新" in text


def test_a_site_administrator_sees_this_months_findings_of_their_site_only(
    demo, demo_clock, client, django_user_model
):
    from huimin.inspection.models import Run, Target

    def run(hostname, counts, days_ago=0):
        site = Site.objects.get(hostname=hostname)
        target, _ = Target.objects.get_or_create(
            site=site, defaults={"name": hostname, "url": f"http://{hostname}/"}
        )
        return Run.objects.create(
            target=target, started=timezone.now() - timezone.timedelta(days=days_ago), score=90,
            counts=counts, report={"findings": []},
        )  # fmt: skip

    run("127.0.0.1", {"broken_link": 5})
    run("127.0.0.1", {"homepage_stale": 9}, days_ago=40)  # last month: not this month's
    run("jyj.localhost", {"column_empty": 7})  # another site
    admin = django_user_model.objects.get(username="portal-siteadmin")
    text = _panel(_home(client, admin), "本月巡查发现")
    assert "链接不可用 5" in text
    assert "首页不更新" not in text and "空白栏目" not in text


def test_empty_states_are_chinese(demo, client, django_user_model):
    from huimin.core.dashboard import WorkbenchPanel

    panel = WorkbenchPanel("t", "测试", order=1, counts=[], rows=[], empty="没有待办事项。")
    assert "没有待办事项。" in panel.render_html({})


def test_the_security_auditor_is_offered_no_content_tool(demo, client, django_user_model):
    auditor = django_user_model.objects.get(username="security-auditor")
    urls = sidebar_urls(_home(client, auditor))
    for hidden in ("/admin/interviews/", "/admin/reports/guide-check/", "/admin/opendata/"):
        assert not any(url.startswith(hidden) for url in urls), hidden
    editor = django_user_model.objects.get(username="portal-editor")
    assert "/admin/interviews/" in sidebar_urls(_home(client, editor))
