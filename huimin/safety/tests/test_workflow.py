"""The content-safety step of every site's approval workflow.

Personas (the demo's): the portal's editor who submits, the portal's 单位审核人 (portal-leader) who
reviews, and the 单位审核人 of another site (shuyang-leader), a stranger to the portal's pages. A page with a
wrong political expression ("中华人民共合国", a veto) cannot be approved; a page with a warning is approved
only with “我已核实上述提示内容无误” ticked; a clean page passes the step by itself.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.log_actions import registry as log_registry
from wagtail.models import GroupApprovalTask, PageLogEntry, Site, TaskState, WorkflowState, WorkflowTask

from huimin.articles.models import ArticlePage
from huimin.safety import workflow as safety_workflow
from huimin.safety.finish import publish_workflow_state
from huimin.safety.models import ContentSafetyTask, Term, TermCategory
from huimin.safety.publish import SafetyRefused
from huimin.sites.models import ColumnPage

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "127.0.0.1:8000"}
VETO = "中华人民共合国"
WARN = "样例提示用语"  # made by the tests (warn_term), in no shipped entry
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def user(username):
    return get_user_model().objects.get(username=username)


def warn_term() -> str:
    """A warning-only term of the dictionary (made here, so the test does not hang on the shipped list)."""
    category = TermCategory.objects.filter(kind="expression").order_by("pk").first()
    Term.objects.update_or_create(
        term=WARN,
        kind="expression",
        defaults={"category": category, "severity": "warn", "suggestion": "", "active": True},
    )
    return WARN


def draft_article(host: str, title: str, body: str, *, slug: str, editor: str | None = None) -> ArticlePage:
    """A draft article in a column of the site `host`, with one revision by its editor."""
    site = Site.objects.get(hostname=host)
    column = ColumnPage.objects.descendant_of(site.root_page).order_by("path").first()
    page = ArticlePage(title=title, slug=slug, body=body, live=False)
    column.add_child(instance=page)
    page.save_revision(user=user(editor) if editor else None)
    return page


def submit(page, username="portal-editor") -> WorkflowState:
    return page.get_workflow().start(page, user(username))


def current(page) -> TaskState:
    page.refresh_from_db()
    return page.current_workflow_task_state


def action_url(page, action, task_state):
    return reverse("wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk))


def refused(response) -> bool:
    """Wagtail's refusal in the admin: back to the dashboard with its error, nothing of the page shown."""
    messages = " ".join(str(m) for m in response.context["messages"]) if response.context else ""
    return response.redirect_chain[-1][0] == "/admin/" and "没有权限" in messages


@pytest.fixture
def leader(client, demo):
    client.force_login(user("portal-leader"))
    return client


# --- the step in the workflows -----------------------------------------------------------------------------


def test_every_sites_workflow_starts_with_the_content_safety_step(demo):
    for site in Site.objects.select_related("root_page"):
        steps = list(
            WorkflowTask.objects.filter(workflow=site.root_page.get_workflow()).order_by("sort_order")
        )
        assert [type(step.task.specific) for step in steps] == [ContentSafetyTask, GroupApprovalTask]
    assert ContentSafetyTask.objects.count() == 1  # one step serves every site


def test_installing_again_changes_nothing_and_puts_a_removed_step_back_first(demo):
    sites = Site.objects.count()
    assert safety_workflow.install_everywhere() == (sites, 0)
    workflow = Site.objects.get(hostname="shuyang.localhost").root_page.get_workflow()
    WorkflowTask.objects.filter(workflow=workflow, task__in=ContentSafetyTask.objects.all()).delete()
    assert safety_workflow.install_everywhere() == (sites, 1)
    steps = list(WorkflowTask.objects.filter(workflow=workflow).order_by("sort_order"))
    assert isinstance(steps[0].task.specific, ContentSafetyTask) and [s.sort_order for s in steps] == [0, 1]
    assert safety_workflow.install_everywhere() == (sites, 0)


def test_the_step_describes_itself_in_chinese():
    assert "禁止发布" in ContentSafetyTask.get_description()
    assert ContentSafetyTask.get_verbose_name() == "内容安全审查"


# --- a clean page ------------------------------------------------------------------------------------------


def test_a_clean_page_passes_the_safety_step_by_itself_and_waits_for_the_sites_approval(demo):
    page = draft_article(
        "127.0.0.1", "关于开展安全生产检查的通知", "<p>各单位：请按要求开展检查。</p>", slug="safety-clean"
    )
    submit(page)
    state = current(page)
    assert isinstance(state.task.specific, GroupApprovalTask)
    checked = TaskState.objects.get(
        workflow_state=state.workflow_state, task__in=ContentSafetyTask.objects.all()
    )
    assert checked.status == TaskState.STATUS_APPROVED and checked.finished_by is None
    assert checked.comment == safety_workflow.AUTO_APPROVED


# --- a veto ------------------------------------------------------------------------------------------------


def test_a_page_with_a_wrong_expression_cannot_be_approved_only_sent_back(leader, demo):
    page = draft_article(
        "127.0.0.1", "学习宣传贯彻宪法", f"<p>《{VETO}宪法》是国家的根本法。</p>", slug="safety-veto"
    )
    submit(page)
    state = current(page)
    assert isinstance(state.task.specific, ContentSafetyTask) and state.status == TaskState.STATUS_IN_PROGRESS

    actions = state.task.specific.get_actions(page, user("portal-leader"))
    assert [name for name, _label, _modal in actions] == ["reject"]

    # The dialog of 请求修改 shows the finding, its place and the term marked.
    dialog = leader.get(action_url(page, "reject", state), **HOST)
    assert dialog.status_code == 200
    html = json.loads(dialog.content)["html"]
    assert "不能批准，只能请求修改" in html
    assert "正文" in html and f"<mark>{VETO}</mark>" in html and "中华人民共和国" in html

    # Approval forced by a crafted post is refused (Wagtail's refusal: 403 to the dialog's script, else back
    # to the dashboard with an error), and nothing moves.
    for action in ("approve", "confirm"):
        data = {"comment": "", "confirmed": "on"}
        assert leader.post(action_url(page, action, state), data, **HOST, **XHR).status_code == 403
        assert refused(leader.post(action_url(page, action, state), data, **HOST, follow=True))
    with pytest.raises(SafetyRefused, match="禁止发布"):
        state.task.specific.on_action(state, user("portal-leader"), "approve", comment="", confirmed=True)
    assert current(page).pk == state.pk and current(page).status == TaskState.STATUS_IN_PROGRESS
    page.refresh_from_db()
    assert not page.live

    # 请求修改 with an empty comment sends the page back with the findings as the comment.
    sent_back = leader.post(action_url(page, "reject", state), {"comment": ""}, **HOST)
    assert sent_back.status_code == 302
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_REJECTED
    assert VETO in state.comment and "中华人民共和国" in state.comment and "正文" in state.comment
    assert state.workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES


@pytest.mark.parametrize(
    "written",
    ["中華人民共合國", "中华人民\u200b共合国", "中华 人民\u00a0共合国", "中华人民\ufeff共\u200d合国"],
    ids=["traditional", "zero-width-space", "spaces", "bom-and-joiner"],
)
def test_traditional_forms_and_invisible_characters_inside_the_term_are_caught(demo, written):
    page = draft_article("127.0.0.1", "宪法宣传周", f"<p>{written}成立以来……</p>", slug="safety-hidden")
    submit(page)
    state = current(page)
    assert isinstance(state.task.specific, ContentSafetyTask)
    found = safety_workflow.review_task_state(state)
    assert [f.hit.suggestion for f in found.vetoes] == ["中华人民共和国"]


def test_a_veto_typed_in_after_submission_is_found_at_approval(demo):
    """The reviewer edits the page in review; approval checks the latest revision as well."""
    warn = warn_term()
    page = draft_article("127.0.0.1", "招商推介会", f"<p>本地企业荣获{warn}称号。</p>", slug="safety-edited")
    submit(page)
    state = current(page)
    edited = page.get_latest_revision_as_object()
    edited.body = f"<p>{VETO}成立以来，本地企业荣获{warn}称号。</p>"
    edited.save_revision(user=user("portal-leader"))
    actions = state.task.specific.get_actions(page, user("portal-leader"))
    assert [name for name, _label, _modal in actions] == ["reject"]
    with pytest.raises(SafetyRefused):
        state.task.specific.on_action(state, user("portal-leader"), "confirm", confirmed=True)


# --- a warning ---------------------------------------------------------------------------------------------


def test_a_warning_is_approved_only_with_the_confirmation(leader, demo):
    warn = warn_term()
    page = draft_article("127.0.0.1", "招商推介会", f"<p>本地企业荣获{warn}称号。</p>", slug="safety-warn")
    submit(page)
    state = current(page)
    actions = state.task.specific.get_actions(page, user("portal-leader"))
    assert [name for name, _label, _modal in actions] == ["reject", "confirm"]
    assert leader.post(action_url(page, "approve", state), {}, **HOST, **XHR).status_code == 403

    dialog = json.loads(leader.get(action_url(page, "confirm", state), **HOST).content)["html"]
    assert "我已核实上述提示内容无误" in dialog and f"<mark>{warn}</mark>" in dialog
    assert 'type="checkbox"' in dialog and 'name="confirmed"' in dialog

    # Without the tick: the dialog comes back with the error, and nothing is approved.
    unticked = leader.post(action_url(page, "confirm", state), {"comment": "已核"}, **HOST, **XHR)
    assert unticked.status_code == 200
    assert "请逐条核实上述提示" in json.loads(unticked.content)["html"]
    leader.post(action_url(page, "confirm", state), {"comment": "已核"}, **HOST)
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS
    with pytest.raises(SafetyRefused, match="须核实后勾选"):
        state.task.specific.on_action(state, user("portal-leader"), "confirm", comment="")

    ticked = leader.post(action_url(page, "confirm", state), {"comment": "已核实", "confirmed": "on"}, **HOST)
    assert ticked.status_code == 302
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_APPROVED and state.finished_by == user("portal-leader")
    assert isinstance(current(page).task.specific, GroupApprovalTask)
    entry = PageLogEntry.objects.filter(page=page, action="huimin_safety.confirm").get()
    assert entry.user == user("portal-leader") and entry.data["words"] == warn and entry.data["count"] == 1
    assert log_registry.get_action_label("huimin_safety.confirm") == "核实内容安全提示"


# --- who reviews -------------------------------------------------------------------------------------------


def test_only_the_sites_reviewers_see_and_act_on_the_step(client, demo):
    page = draft_article("127.0.0.1", "宪法宣传", f"<p>{VETO}</p>", slug="safety-who")
    submit(page)
    state = current(page)
    task = state.task.specific
    assert task.get_actions(page, user("portal-siteadmin"))
    assert task.get_actions(page, user("admin"))
    for stranger in ("portal-editor", "shuyang-leader", "shuyang-siteadmin"):
        assert task.get_actions(page, user(stranger)) == []
        assert task.locked_for_user(page, user(stranger))
    assert state in TaskState.objects.reviewable_by(user("portal-leader"))
    assert state not in TaskState.objects.reviewable_by(user("shuyang-leader"))

    client.force_login(user("shuyang-leader"))
    assert refused(client.get(action_url(page, "reject", state), **HOST, follow=True))
    assert refused(client.post(action_url(page, "reject", state), {"comment": "越权"}, **HOST, follow=True))
    with pytest.raises(Exception, match="只有本站的单位审核人或站点管理员"):
        task.on_action(state, user("shuyang-leader"), "reject", comment="越权")
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS


def test_a_hostile_title_and_comment_are_shown_escaped_and_kept_verbatim(leader, demo):
    title = '<script>alert("x")</script>\'; DROP TABLE wagtailcore_page; --'
    page = draft_article("127.0.0.1", title, f"<p>{VETO}</p>", slug="safety-hostile")
    submit(page)
    state = current(page)
    html = json.loads(leader.get(action_url(page, "reject", state), **HOST).content)["html"]
    assert "<script>alert" not in html
    comment = "<img src=x onerror=alert(1)>" + "长" * 3000
    too_long = leader.post(action_url(page, "reject", state), {"comment": comment}, **HOST, **XHR)
    assert "2000" in json.loads(too_long.content)["html"]  # refused: at most 2000 characters
    leader.post(action_url(page, "reject", state), {"comment": comment[:1000]}, **HOST)
    state.refresh_from_db()
    assert state.comment == comment[:1000]


# --- the workflow's end ------------------------------------------------------------------------------------


def test_the_finishing_workflow_refuses_a_veto_put_in_after_the_safety_step(demo, monkeypatch):
    monkeypatch.setattr(WorkflowState, "on_finish", publish_workflow_state)
    page = draft_article("127.0.0.1", "关于宪法宣传的通知", "<p>请各单位组织学习。</p>", slug="safety-finish")
    submit(page)
    state = current(page)
    assert isinstance(state.task.specific, GroupApprovalTask)
    edited = page.get_latest_revision_as_object()
    edited.body = f"<p>请各单位组织学习《{VETO}宪法》。</p>"
    edited.save_revision(user=user("portal-leader"))
    with pytest.raises(SafetyRefused):
        state.task.specific.on_action(state, user("portal-leader"), "approve", comment="")
    page.refresh_from_db()
    assert not page.live


def test_the_settings_finish_workflows_through_the_guard():
    assert WorkflowState.on_finish is publish_workflow_state
