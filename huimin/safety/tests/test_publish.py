"""The content-safety check of the editor's own 发布 and of the other ways a person publishes a page.

The portal's 单位审核人 (portal-leader, who may publish) presses 发布 in the page editor: a veto refuses
publication with the places named (the draft may still be saved); a warning refuses it until
“我已核实上述提示内容无误” is ticked. Bulk publish and Wagtail's publish action refuse as well.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.actions import action_registry
from wagtail.models import PageLogEntry, Revision, get_page_models
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from huimin.articles.models import ArticlePage
from huimin.safety.publish import ContentSafetyFormMixin, SafePublishPageRevisionAction, SafetyRefused

from .test_workflow import HOST, VETO, draft_article, user, warn_term

pytestmark = pytest.mark.django_db
BODY_FEATURES = ArticlePage._meta.get_field("body").features
PUBLISH = {"action-publish": "action-publish"}


@pytest.fixture
def leader(client, demo):
    client.force_login(user("portal-leader"))
    return client


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def form_data(client, page, **changes):
    """What the page editor would post as it stands, with `changes` (`body` given as HTML)."""
    response = client.get(edit_url(page), **HOST)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.setdefault("charts-count", "0")
    if "body" in changes:
        changes["body"] = rich_text(changes["body"], features=BODY_FEATURES)
    for name, value in changes.items():
        data[name] = value
    return data


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def revisions(page) -> int:
    return Revision.objects.filter(object_id=str(page.pk)).count()


def test_publishing_a_wrong_expression_is_refused_with_its_place_and_keeps_what_was_typed(leader, demo):
    page = draft_article("127.0.0.1", "宪法宣传周活动安排", "<p>活动安排如下。</p>", slug="pub-veto")
    before = revisions(page)
    body = f"<p>活动安排如下。</p><p>学习《{VETO}宪法》全文。</p>"
    response = leader.post(edit_url(page), form_data(leader, page, body=body, **PUBLISH), **HOST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "内容安全检查未通过，页面没有发布" in html
    errors = " ".join(response.context["form"].non_field_errors())
    assert "正文" in errors and f"“{VETO}”应为“中华人民共和国”" in errors and f"【{VETO}】" in errors
    assert VETO in response.context["form"]["body"].value()  # nothing typed is lost
    page.refresh_from_db()
    assert not page.live and revisions(page) == before


def test_the_draft_with_a_wrong_expression_is_still_saved(leader, demo):
    page = draft_article("127.0.0.1", "宪法宣传周", "<p>安排。</p>", slug="pub-draft")
    data = form_data(leader, page, body=f"<p>{VETO}宪法</p>")
    assert leader.post(edit_url(page), data, **HOST).status_code == 302
    page.refresh_from_db()
    assert not page.live and VETO in page.get_latest_revision_as_object().body


@pytest.mark.parametrize(
    "title",
    [
        "中華人民共合國成立七十七周年",
        "中华人民\u200b共合国成立七十七周年",
        "中华人民共\u200c合\u2060国成立七十七周年",
    ],
    ids=["traditional", "zero-width", "joiners"],
)
def test_traditional_forms_and_invisible_characters_in_the_title_are_refused(leader, demo, title):
    page = draft_article("127.0.0.1", "国庆献礼", "<p>庆祝活动。</p>", slug="pub-hidden")
    response = leader.post(edit_url(page), form_data(leader, page, title=title, **PUBLISH), **HOST)
    assert response.status_code == 200
    assert "标题：“中华人民共合国”应为“中华人民共和国”" in " ".join(
        response.context["form"].non_field_errors()
    )
    page.refresh_from_db()
    assert not page.live


def test_a_warning_is_published_only_once_the_editor_ticks_the_confirmation(leader, demo):
    warn = warn_term()
    page = draft_article("127.0.0.1", "招商推介", "<p>推介。</p>", slug="pub-warn")
    data = form_data(leader, page, body=f"<p>本地企业荣获{warn}称号。</p>", **PUBLISH)
    assert "safety_confirmed" not in leader.get(edit_url(page), **HOST).content.decode()

    refused = leader.post(edit_url(page), data, **HOST)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "内容安全检查发现 1 处提示，页面没有发布" in html
    assert (
        'name="safety_confirmed"' in html
        and '<label for="id_safety_confirmed">我已核实上述提示内容无误</label>' in html
    )
    assert f"<mark>{warn}</mark>" in html
    page.refresh_from_db()
    assert not page.live

    data["safety_confirmed"] = "on"
    published = leader.post(edit_url(page), data, **HOST)
    assert published.status_code == 302
    page.refresh_from_db()
    assert page.live and warn in page.body
    entry = PageLogEntry.objects.get(page=page, action="huimin_safety.confirm")
    assert entry.user == user("portal-leader") and entry.data["words"] == warn


def test_a_confirmation_does_not_let_a_veto_through(leader, demo):
    page = draft_article("127.0.0.1", "宪法宣传", "<p>安排。</p>", slug="pub-veto-confirm")
    data = form_data(leader, page, body=f"<p>{VETO}</p>", safety_confirmed="on", **PUBLISH)
    assert leader.post(edit_url(page), data, **HOST).status_code == 200
    page.refresh_from_db()
    assert not page.live


def test_scheduling_publication_is_checked_like_publishing(leader, demo):
    page = draft_article("127.0.0.1", "宪法宣传", "<p>安排。</p>", slug="pub-scheduled")
    go_live = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    data = form_data(leader, page, body=f"<p>{VETO}</p>", go_live_at=go_live, **PUBLISH)
    assert leader.post(edit_url(page), data, **HOST).status_code == 200
    assert not Revision.objects.filter(object_id=str(page.pk), approved_go_live_at__isnull=False).exists()


def test_a_hostile_title_is_shown_escaped_and_sql_like_text_published_verbatim(leader, demo):
    page = draft_article("127.0.0.1", "通知", "<p>安排。</p>", slug="pub-hostile")
    title = f"<img src=x onerror=alert(1)>{VETO}"
    response = leader.post(edit_url(page), form_data(leader, page, title=title, **PUBLISH), **HOST)
    html = response.content.decode()
    assert "<img src=x onerror" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    sql = "关于'; DROP TABLE wagtailcore_page; --的说明"
    assert (
        leader.post(edit_url(page), form_data(leader, page, title=sql, **PUBLISH), **HOST).status_code == 302
    )
    page.refresh_from_db()
    assert page.live and page.title == sql


def test_another_sites_staff_cannot_publish_the_page(client, demo):
    page = draft_article("127.0.0.1", "通知", "<p>安排。</p>", slug="pub-stranger")
    client.force_login(user("portal-leader"))
    data = form_data(client, page, body="<p>改动</p>", **PUBLISH)
    client.force_login(user("shuyang-leader"))
    response = client.post(edit_url(page), data, **HOST)
    assert response.status_code in (302, 403, 404) and "/edit/" not in response.get("Location", "")
    page.refresh_from_db()
    assert not page.live


# --- the other ways of publishing -------------------------------------------------------------------------


def test_bulk_publishing_a_page_with_findings_is_refused(leader, demo):
    page = draft_article("127.0.0.1", "宪法宣传", f"<p>{VETO}</p>", slug="pub-bulk", editor="portal-editor")
    clean = draft_article("127.0.0.1", "普法宣传", "<p>安排。</p>", slug="pub-bulk-clean")
    url = f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}&id={clean.pk}&next=/admin/"
    response = leader.post(url, {"include_descendants": ""}, **HOST, follow=True)
    assert "没有批量发布" in messages_of(response) and "“宪法宣传”" in messages_of(response)
    page.refresh_from_db()
    clean.refresh_from_db()
    assert not page.live and not clean.live  # all or nothing


def test_wagtails_publish_action_refuses_a_veto(demo):
    assert action_registry.get_action_class(ArticlePage, "publish") is SafePublishPageRevisionAction
    page = draft_article("127.0.0.1", "宪法宣传", f"<p>{VETO}</p>", slug="pub-action")
    action = SafePublishPageRevisionAction(page.get_latest_revision(), user=user("portal-leader"))
    with pytest.raises(SafetyRefused, match="禁止发布"):
        action.execute()
    page.refresh_from_db()
    assert not page.live


@pytest.mark.parametrize("model", [m for m in get_page_models() if m.is_creatable], ids=lambda m: m.__name__)
def test_every_page_types_form_checks_content_safety(model):
    assert issubclass(model.get_edit_handler().get_form_class(), ContentSafetyFormMixin)
