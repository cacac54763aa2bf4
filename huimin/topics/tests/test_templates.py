"""Copying a topic, saving it as a template, starting a topic from a template; who may do what; and the
admin buttons, views and editor panels of the designer."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import Site

from huimin.topics import services
from huimin.topics.models import TopicIndexPage, TopicPage, TopicTemplate

pytestmark = pytest.mark.django_db


def _user(name):
    return get_user_model().objects.get(username=name)


def _index(host):
    return TopicIndexPage.objects.child_of(Site.objects.get(hostname=host).root_page).get(slug="ztzl")


def _admin_client(client, username):
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    client.force_login(_user(username))
    return client


def _without_ids(data):
    if isinstance(data, dict):
        return {key: _without_ids(item) for key, item in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    return data


def _stream(value):
    """A body's components and settings, without the block ids Wagtail may assign afresh."""
    return _without_ids(value.get_prep_value())


def test_wagtails_copy_view_makes_a_draft_with_the_same_body_and_palette_and_a_new_slug(client, demo):
    source = TopicPage.objects.get(slug="kbqy")
    index = _index("127.0.0.1")
    _admin_client(client, "admin")
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[source.pk]),
        {"new_title": "开办企业（副本）", "new_slug": "kbqy-copy", "new_parent_page": index.pk},
    )
    assert response.status_code == 302
    copy = TopicPage.objects.get(slug="kbqy-copy")
    assert not copy.live and copy.title == "开办企业（副本）"
    assert copy.palette_id == source.palette_id and copy.kind == source.kind
    assert _stream(copy.body) == _stream(source.body)
    assert TopicPage.objects.get(slug="kbqy").live  # the source is untouched


def test_save_as_template_keeps_the_components_kind_and_palette(demo):
    source = TopicPage.objects.get(slug="ylfw")
    template = services.save_as_template(source, name="养老模板", actor=_user("portal-editor"))
    assert template.kind == source.kind and template.palette_id == source.palette_id
    assert _stream(template.body) == _stream(source.body)
    assert template.description == source.summary


def test_save_as_template_refuses_a_repeated_name_and_a_person_who_cannot_edit_the_topic(demo):
    source = TopicPage.objects.get(slug="ylfw")
    with pytest.raises(ValidationError, match="已有名为"):
        services.save_as_template(source, name="集成服务专题模板", actor=None)
    with pytest.raises(PermissionDenied):
        services.save_as_template(source, name="水利局的模板", actor=_user("slj-editor"))
    assert not TopicTemplate.objects.filter(name="水利局的模板").exists()


def test_create_from_template_makes_a_draft_with_the_templates_body_and_palette(demo):
    template = TopicTemplate.objects.get(name="集成服务专题模板")
    topic = services.create_topic_from_template(
        template, _index("127.0.0.1"), title="就业创业", slug="jycy", actor=_user("portal-editor")
    )
    topic.refresh_from_db()
    assert not topic.live and topic.has_unpublished_changes
    assert topic.latest_revision is not None
    assert topic.palette_id == template.palette_id and topic.kind == template.kind
    assert _stream(topic.body) == _stream(template.body)
    assert topic.get_parent().pk == _index("127.0.0.1").pk


def test_create_from_template_makes_a_slug_from_the_title_when_none_is_given(demo):
    template = TopicTemplate.objects.get(name="在线访谈专题模板")
    first = services.create_topic_from_template(template, _index("127.0.0.1"), title="访谈 一", actor=None)
    second = services.create_topic_from_template(template, _index("127.0.0.1"), title="访谈 一", actor=None)
    assert first.slug and second.slug and first.slug != second.slug


def test_a_water_bureau_editor_cannot_create_under_the_portals_topic_list(demo):
    template = TopicTemplate.objects.get(name="集成服务专题模板")
    with pytest.raises(PermissionDenied):
        services.create_topic_from_template(
            template, _index("127.0.0.1"), title="越权专题", slug="yq", actor=_user("slj-editor")
        )
    assert not TopicPage.objects.filter(slug="yq").exists()


def test_create_from_template_refuses_a_taken_slug_and_a_parent_that_is_not_a_topic_list(demo):
    template = TopicTemplate.objects.get(name="集成服务专题模板")
    with pytest.raises(ValidationError, match="已有地址"):
        services.create_topic_from_template(template, _index("127.0.0.1"), title="重复", slug="kbqy")
    home = Site.objects.get(hostname="127.0.0.1").root_page
    with pytest.raises(ValidationError, match="专题专栏列表"):
        services.create_topic_from_template(template, home, title="放错地方", slug="fcdf")


def test_the_create_from_template_view_shows_only_lists_the_person_may_add_to(client, demo):
    _admin_client(client, "slj-editor")
    html = client.get(reverse("topics_create_from_template")).content.decode()
    assert "宿迁市人民政府" not in html and "沭阳县人民政府" not in html
    assert "您没有可以新建专题的专题专栏" in html

    _admin_client(client, "portal-editor")
    html = client.get(reverse("topics_create_from_template")).content.decode()
    assert "宿迁市人民政府 · 专题专栏" in html and "沭阳县人民政府" not in html


def test_the_create_from_template_view_refuses_another_sites_list_with_a_message(client, demo):
    template = TopicTemplate.objects.get(name="集成服务专题模板")
    _admin_client(client, "slj-editor")
    response = client.post(
        reverse("topics_create_from_template"),
        {"template": template.pk, "parent": _index("127.0.0.1").pk, "title": "越权", "slug": "yq2"},
    )
    assert response.status_code == 200
    assert (
        "选择一个有效的选项" in response.content.decode()
        or "Select a valid choice" in response.content.decode()
    )
    assert not TopicPage.objects.filter(slug="yq2").exists()


def test_the_create_from_template_view_creates_a_draft_and_opens_its_editor(client, demo):
    template = TopicTemplate.objects.get(name="集成服务专题模板")
    _admin_client(client, "portal-editor")
    response = client.post(
        reverse("topics_create_from_template"),
        {"template": template.pk, "parent": _index("127.0.0.1").pk, "title": "<b>社保</b>", "slug": "sb"},
    )
    topic = TopicPage.objects.get(slug="sb")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[topic.pk])
    assert not topic.live and topic.title == "<b>社保</b>"


def test_the_save_as_template_view_saves_and_refuses_people_who_cannot_edit(client, demo):
    topic = TopicPage.objects.get(slug="rxry")
    url = reverse("topics_save_as_template", args=[topic.pk])
    _admin_client(client, "slj-editor")
    assert client.get(url).status_code in (302, 403)
    _admin_client(client, "portal-editor")
    response = client.post(url, {"name": "入学模板", "description": ""})
    assert response.status_code == 302
    assert TopicTemplate.objects.get(name="入学模板").palette_id == topic.palette_id
    response = client.post(url, {"name": "入学模板", "description": ""})
    assert response.status_code == 200 and "已有名为“入学模板”的专题模板" in response.content.decode()


def test_the_topic_editor_has_the_designer_tabs_and_the_copy_and_template_buttons(client, demo):
    topic = TopicPage.objects.get(slug="kbqy")
    _admin_client(client, "portal-editor")
    html = client.get(reverse("wagtailadmin_pages:edit", args=[topic.pk])).content.decode()
    for tab in ("基本信息", "专题内容", "样式"):
        assert tab in html
    assert "复制为新专题" in html and reverse("wagtailadmin_pages:copy", args=[topic.pk]) in html
    assert "另存为专题模板" in html and reverse("topics_save_as_template", args=[topic.pk]) in html


def test_the_topic_list_listing_offers_copy_as_new_topic(client, demo):
    _admin_client(client, "portal-editor")
    index = _index("127.0.0.1")
    html = client.get(reverse("wagtailadmin_explore", args=[index.pk])).content.decode()
    assert "复制为新专题" in html
