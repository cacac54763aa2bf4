"""The accessibility rules in the Wagtail editor: publishing content with hard failures is refused with the
problem named and nothing typed lost, a draft is always saved (with a warning), warnings never block, and the
editor's 检查 panel runs the project's axe rules."""

import json

import pytest
from django.test import Client
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Revision
from wagtail.test.utils.form_data import querydict_from_html, rich_text

from huimin.accessibility.enums import MODE_COOKIE
from huimin.accessibility.forms import AccessiblePageForm
from huimin.accessibility.wagtail_hooks import EXTRA_AXE_RULES
from huimin.articles.models import ArticlePage
from huimin.policies.models import InterpretationPage, PolicyPage
from huimin.sites.tests.html import soup

pytestmark = pytest.mark.django_db
BODY_FEATURES = ArticlePage._meta.get_field("body").features
WARNINGS_ONLY = (
    "<h2>一、办理条件</h2><h4>（一）材料</h4>"
    '<p>申请表请<a href="https://www.suqian.gov.cn/files/form.docx">点击这里</a>下载。</p>'
)


@pytest.fixture
def editor(client, demo, django_user_model):
    user = django_user_model.objects.create_superuser("a11y-editor", password="not-used-here")
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(user)
    return client


@pytest.fixture
def article(demo):
    return ArticlePage.objects.live().order_by("pk").first()


@pytest.fixture
def image(db):
    return Image.objects.create(title="政务服务中心大厅", file=get_test_image_file())


def _edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def _form_data(client, url, **changes):
    """What the editor's form would post as it stands, with `changes`; `body` is given as HTML."""
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.setdefault("charts-count", "0")  # the (empty) charts stream, whose inputs the editor's script makes
    if "body" in changes:
        changes["body"] = rich_text(changes["body"], features=BODY_FEATURES)
    for name, value in changes.items():
        data[name] = value
    return data


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _missing_alt(image, marker):
    return f'<p>{marker}</p><embed alt="" embedtype="image" format="fullwidth" id="{image.pk}"/>'


def test_publishing_an_article_with_an_image_without_alt_is_refused_and_keeps_what_was_typed(
    editor, article, image
):
    live_revision, live_body = article.live_revision_id, article.body
    revisions = Revision.objects.filter(object_id=str(article.pk)).count()
    data = _form_data(
        editor,
        _edit_url(article),
        title="关于政务服务中心调整办公时间的通知（修订）",
        body=_missing_alt(image, "办公时间调整为每周一至周五。"),
        **{"action-publish": "action-publish"},
    )
    response = editor.post(_edit_url(article), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "无障碍检查未通过，页面没有发布" in html
    assert "图片没有替代文字" in html
    form = response.context["form"]
    assert any("图片没有替代文字" in error for error in form.errors["body"])
    # Everything typed is still in the form.
    assert form["title"].value() == "关于政务服务中心调整办公时间的通知（修订）"
    assert "办公时间调整为每周一至周五。" in form["body"].value()
    assert 'value="关于政务服务中心调整办公时间的通知（修订）"' in html
    # Nothing was published or saved.
    article.refresh_from_db()
    assert article.live_revision_id == live_revision and article.body == live_body
    assert not article.has_unpublished_changes
    assert Revision.objects.filter(object_id=str(article.pk)).count() == revisions


def test_saving_the_same_content_as_a_draft_succeeds_and_warns_that_it_blocks_publishing(
    editor, article, image
):
    live_body = article.body
    data = _form_data(editor, _edit_url(article), body=_missing_alt(image, "草稿段落。"))
    response = editor.post(_edit_url(article), data, follow=True)

    assert response.status_code == 200 and response.redirect_chain[-1][0] == _edit_url(article)
    messages = _messages(response)
    assert "草稿已保存，但发布时会被拒绝" in messages and "正文：图片没有替代文字" in messages
    assert "草稿已保存，但发布时会被拒绝" in response.content.decode()
    article.refresh_from_db()
    assert article.body == live_body and article.has_unpublished_changes
    draft = article.get_latest_revision_as_object()
    assert "草稿段落。" in draft.body and f'id="{image.pk}"' in draft.body


def test_publishing_with_only_warnings_succeeds_and_shows_the_warnings(editor, article):
    live_revision = article.live_revision_id
    data = _form_data(editor, _edit_url(article), body=WARNINGS_ONLY, **{"action-publish": "action-publish"})
    response = editor.post(_edit_url(article), data, follow=True)

    assert response.status_code == 200
    messages = _messages(response)
    assert "无障碍提示：有 2 处建议修改（不影响发布）" in messages
    assert "从二级标题直接到四级标题" in messages and "链接文字“点击这里”不能说明链接去向" in messages
    assert "须在发布前修改" not in messages
    article.refresh_from_db()
    assert article.live_revision_id != live_revision and "（一）材料" in article.body
    assert not article.has_unpublished_changes


def test_publishing_clean_content_says_nothing_about_accessibility(editor, article, image):
    alt = "政务服务中心大厅"
    body = f'<h2>办理地点</h2><embed alt="{alt}" embedtype="image" format="fullwidth" id="{image.pk}"/>'
    data = _form_data(editor, _edit_url(article), body=body, **{"action-publish": "action-publish"})
    response = editor.post(_edit_url(article), data, follow=True)

    assert response.status_code == 200 and "无障碍" not in _messages(response)
    article.refresh_from_db()
    assert alt in article.body


def test_creating_an_article_as_a_draft_warns_about_its_problems(editor, article, image):
    column = article.get_parent()
    url = f"/admin/pages/add/huimin_articles/articlepage/{column.pk}/"
    data = _form_data(
        editor, url, title="新建的通知", slug="a11y-new-notice", body=_missing_alt(image, "新段落")
    )
    refused = editor.post(url, {**data.dict(), "action-publish": "action-publish"})
    assert refused.status_code == 200 and "图片没有替代文字" in refused.content.decode()
    assert not ArticlePage.objects.filter(slug="a11y-new-notice").exists()

    saved = editor.post(url, data, follow=True)
    assert saved.status_code == 200
    assert "草稿已保存，但发布时会被拒绝" in _messages(saved)
    created = ArticlePage.objects.get(slug="a11y-new-notice")
    assert not created.live


def test_an_interpretation_with_a_video_but_no_captions_or_text_version_is_not_published(editor, demo):
    page = InterpretationPage.objects.live().filter(form="text").exclude(body="").order_by("pk").first()
    data = _form_data(
        editor,
        _edit_url(page),
        media_url="https://media.suqian.gov.cn/press/2026.mp4",
        text_alternative="",
        **{"action-publish": "action-publish"},
    )
    data.pop("captions", None)
    response = editor.post(_edit_url(page), data)
    assert response.status_code == 200
    assert "没有上传字幕文件，也没有填写文字版" in " ".join(response.context["form"].errors["media_url"])
    page.refresh_from_db()
    assert page.media_url == ""

    data["text_alternative"] = "主持人：各位记者朋友，大家上午好。……"
    published = editor.post(_edit_url(page), data)
    assert published.status_code == 302
    page.refresh_from_db()
    assert page.media_url == "https://media.suqian.gov.cn/press/2026.mp4"


@pytest.mark.parametrize("model", [ArticlePage, PolicyPage, InterpretationPage])
def test_every_page_type_with_body_content_uses_the_accessible_form(model):
    assert issubclass(model.get_edit_handler().get_form_class(), AccessiblePageForm)


@pytest.mark.parametrize("model", [ArticlePage, PolicyPage, InterpretationPage])
def test_the_checks_panel_runs_the_added_axe_rules_with_chinese_messages(editor, model):
    page = model.objects.live().order_by("pk").first()
    html = editor.get(_edit_url(page)).content.decode()
    assert 'data-side-panel="checks"' in html
    script = soup(html).find("script", id="checker-axe-configuration")
    config = json.loads(script.string)

    run_only = config["options"]["runOnly"]
    assert set(EXTRA_AXE_RULES) <= set(run_only)
    assert {
        "image-alt",
        "video-caption",
        "td-has-header",
        "th-has-data-cells",
        "table-duplicate-name",
        "list",
        "listitem",
        "color-contrast",
        "document-title",
    } <= set(run_only)
    assert {"heading-order", "link-name", "alt-text-quality", "empty-heading"} <= set(run_only)
    assert config["messages"]["image-alt"]["error_name"] == "图片缺少替代文字"
    assert config["messages"]["document-title"]["help_text"].startswith("填写页面标题")
    assert config["messages"]["heading-order"]["error_name"] == "标题层级不正确"
    assert config["context"]["include"] == ["html"]  # the whole document, so "document-title" applies


def _userbar_config(html):
    """The content checker's configuration in the userbar's template, or None when there is no userbar."""
    template = soup(html).find("template", id="wagtail-userbar-template")
    if template is None:
        return None
    return json.loads(template.find("script", id="checker-axe-configuration").string)


def test_a_page_viewed_by_an_editor_carries_the_checker_that_the_preview_panel_runs(editor, article):
    # The editor's 检查 panel runs axe inside the preview, through the userbar the page template renders.
    config = _userbar_config(editor.get(_path(article)).content.decode())
    assert config is not None and set(EXTRA_AXE_RULES) <= set(config["options"]["runOnly"])


def test_readers_get_no_userbar_and_the_text_version_stays_script_free(editor, article):
    reader = Client(HTTP_HOST="127.0.0.1:8000")
    assert _userbar_config(reader.get(_path(article)).content.decode()) is None
    editor.cookies[MODE_COOKIE] = "text"
    html = editor.get(_path(article)).content.decode()
    assert "mode-text" in html and "<script" not in html and _userbar_config(html) is None


def _path(page):
    return page.get_url_parts()[2]


@pytest.mark.parametrize("broken", [{"charts-count": None}, {"charts-count": "两个"}, {"charts-count": "1"}])
def test_a_post_without_the_streams_management_fields_is_a_chinese_400_and_nothing_changes(
    editor, article, broken
):
    url = _edit_url(article)
    data = _form_data(editor, url, title="不应保存的标题")
    for name, value in broken.items():  # "1" claims a block whose -type, -value and -order are missing
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    revisions = Revision.objects.filter(object_id=str(article.pk)).count()
    response = editor.post(url, data)
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()
    article.refresh_from_db()
    assert article.title != "不应保存的标题"
    assert Revision.objects.filter(object_id=str(article.pk)).count() == revisions
