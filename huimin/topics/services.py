"""Every change of state of topic pages, palettes and templates goes through these functions.

Each checks permission (`actor` None is the system: the demo builder, commands), runs in a transaction and
writes Wagtail's audit log.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import log

from huimin.core.pages import add_and_publish

from .models import TopicIndexPage, TopicPage, TopicPalette, TopicTemplate

SAVE_AS_TEMPLATE_ACTION = "huimin.topic.save_as_template"
CREATE_FROM_TEMPLATE_ACTION = "huimin.topic.create_from_template"


def _body_copy(stream_value) -> list[dict]:
    """A stream's stored form, detached from the source (block ids are kept; they only need to be unique
    within one stream)."""
    return json.loads(json.dumps(stream_value.get_prep_value()))


@transaction.atomic
def save_palette(palette: TopicPalette, *, actor=None) -> TopicPalette:
    """Save a palette after its contrast check; only platform administrators change palettes."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("只有平台管理员可以修改专题配色。")
    palette.full_clean()
    creating = palette.pk is None
    palette.save()
    log(instance=palette, action="wagtail.create" if creating else "wagtail.edit", user=actor)
    return palette


@transaction.atomic
def publish_index(parent, index: TopicIndexPage, *, actor=None) -> TopicIndexPage:
    """Add a site's topic list (专题专栏) below its home page or a column, published."""
    return add_and_publish(parent, index, actor=actor, denied="您没有在此处新建专题专栏的权限。")


@transaction.atomic
def create_template(
    *,
    name: str,
    kind: str,
    palette: TopicPalette,
    body: list,
    description: str = "",
    actor=None,
    now: datetime | None = None,
) -> TopicTemplate:
    """Add a topic template from scratch; only platform administrators (or the system) do this."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("只有平台管理员可以新建专题模板。")
    if TopicTemplate.objects.filter(name=name).exists():
        raise ValidationError({"name": f"已有名为“{name}”的专题模板，请换一个名称。"})
    template = TopicTemplate(
        name=name,
        description=description,
        kind=kind,
        palette=palette,
        body=body,
        created_at=now or timezone.now(),
    )
    template.full_clean()
    template.save()
    log(instance=template, action="wagtail.create", user=actor)
    return template


@transaction.atomic
def publish_new_topic(parent: TopicIndexPage, topic: TopicPage, *, actor=None) -> TopicPage:
    """Add a topic page below a topic list, published (the demo and imports use this)."""
    return add_and_publish(parent, topic, actor=actor, denied="您没有在此专题专栏发布专题的权限。")


@transaction.atomic
def save_as_template(
    topic: TopicPage, *, name: str, actor=None, description: str = "", now: datetime | None = None
) -> TopicTemplate:
    """Keep a topic's components, kind and palette (its latest draft) as a reusable template."""
    if actor is not None and not topic.permissions_for_user(actor).can_edit():
        raise PermissionDenied("您没有编辑此专题的权限，不能将它另存为模板。")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写模板名称。"})
    if TopicTemplate.objects.filter(name=name).exists():
        raise ValidationError({"name": f"已有名为“{name}”的专题模板，请换一个名称。"})
    source = topic.get_latest_revision_as_object() if topic.pk else topic
    template = TopicTemplate(
        name=name,
        description=description.strip() or source.summary,
        kind=source.kind,
        palette_id=source.palette_id,
        body=_body_copy(source.body),
        created_at=now or timezone.now(),
    )
    template.full_clean()
    template.save()
    log(instance=template, action="wagtail.create", user=actor)
    log(instance=topic, action=SAVE_AS_TEMPLATE_ACTION, user=actor, data={"template": template.name})
    return template


def _available_slug(parent: TopicIndexPage, slug: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


@transaction.atomic
def create_topic_from_template(
    template: TopicTemplate,
    parent: TopicIndexPage,
    *,
    title: str,
    slug: str = "",
    actor=None,
    now: datetime | None = None,
) -> TopicPage:
    """Start a new topic from a template: a DRAFT below `parent` with the template's components and palette.

    The person must be allowed to add a page below `parent`. A blank slug is made from the title."""
    parent = parent.specific
    if not isinstance(parent, TopicIndexPage):
        raise ValidationError({"parent": "新专题只能建在“专题专栏列表”页面下。"})
    if actor is not None and not parent.permissions_for_user(actor).can_add_subpage():
        raise PermissionDenied("您没有在此专题专栏下新建专题的权限。")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写专题标题。"})
    slug = (slug or "").strip()
    if slug:
        if parent.get_children().filter(slug=slug).exists():
            raise ValidationError({"slug": f"此专题专栏下已有地址为“{slug}”的页面，请换一个。"})
    else:
        slug = _available_slug(parent, slugify(title, allow_unicode=True) or "topic")
    topic = TopicPage(
        title=title,
        slug=slug,
        kind=template.kind,
        summary=template.description[:500],
        palette_id=template.palette_id,
        body=_body_copy(template.body),
        pub_date=now or timezone.now(),
        live=False,
        owner=actor,
    )
    parent.add_child(instance=topic)
    topic.save_revision(user=actor, log_action=False)
    log(instance=topic, action="wagtail.create", user=actor)
    log(instance=topic, action=CREATE_FROM_TEMPLATE_ACTION, user=actor, data={"template": template.name})
    return topic
