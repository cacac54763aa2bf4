"""The one door for writes to service guides (办事指南) and the checker's vocabulary."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from wagtail.log_actions import log
from wagtail.models import Page

from huimin.core.pages import add_and_publish
from huimin.policies.models import ServiceObject

from .models import (
    GuideBasis,
    GuideIndexPage,
    GuideMaterial,
    GuideStep,
    ServiceGuidePage,
    ServiceTheme,
    VagueTerm,
)

GUIDE_FIELDS = (
    "item_code",
    "conditions",
    "address",
    "floor",
    "window",
    "unit",
    "free_of_charge",
    "fee",
    "hours",
    "consult_phone",
    "complaint_phone",
    "legal_days",
    "promised_days",
    "online_url",
)
BASIS_FIELDS = ("title", "policy", "clause", "url")
MATERIAL_FIELDS = (
    "name",
    "form",
    "medium",
    "copies",
    "required",
    "needs_form",
    "blank_form",
    "sample",
    "note",
)
STEP_FIELDS = ("title", "description")


def ensure_index(
    parent: Page, *, title: str, slug: str, aggregate_group: bool = False, actor=None
) -> GuideIndexPage:
    """The guide list page below `parent` at `slug`, created and published if missing."""
    existing = GuideIndexPage.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = GuideIndexPage(
        title=title,
        slug=slug,
        description=f"{title}：办理事项的申请条件、办理材料、办理地点、办理流程等。",
        keywords="办事指南,办事服务,政务服务",
        aggregate_group=aggregate_group,
    )
    return add_and_publish(parent, page, actor=actor, denied="您没有在此处创建办事指南栏目的权限。")


def _fill(page: ServiceGuidePage, data: dict) -> None:
    page.title = data.get("title", "")
    for name in GUIDE_FIELDS:
        if name in data:
            setattr(page, name, data[name])
    page.bases = [
        GuideBasis(**{k: item.get(k) for k in BASIS_FIELDS if k in item}) for item in data.get("bases", [])
    ]
    page.materials = [
        GuideMaterial(**{k: item[k] for k in MATERIAL_FIELDS if k in item})
        for item in data.get("materials", [])
    ]
    page.steps = [
        GuideStep(**{k: item[k] for k in STEP_FIELDS if k in item}) for item in data.get("steps", [])
    ]
    page.service_objects = list(ServiceObject.objects.filter(name__in=data.get("service_objects", ())))
    page.themes = list(ServiceTheme.objects.filter(name__in=data.get("themes", ())))


def _slug(data: dict) -> str:
    return data.get("slug") or slugify(data.get("item_code", ""), allow_unicode=False) or "guide"


@transaction.atomic
def upsert_guide(data: dict, parent: GuideIndexPage, actor=None, *, publish: bool = True):
    """Create or update (by slug below `parent`) a guide; publish it or keep it as a draft.

    Returns (page, created). A person must be allowed to publish below `parent` (or to edit it, for a
    draft); the system (`actor` None) always may. Elements may be blank: such a guide is saved as a draft
    and the checker names what is missing.
    """
    permissions = parent.permissions_for_user(actor) if actor is not None else None
    if permissions is not None:
        allowed = permissions.can_publish_subpage() if publish else permissions.can_add_subpage()
        if not allowed:
            raise PermissionDenied("您没有在此办事指南栏目发布办事指南的权限。")
    slug = _slug(data)
    existing = ServiceGuidePage.objects.child_of(parent).filter(slug=slug).first()
    if existing is None:
        page = ServiceGuidePage(slug=slug)
        _fill(page, data)
        if publish:
            return add_and_publish(parent, page, actor=actor), True
        page.live = False
        parent.add_child(instance=page)
        page.save_revision(user=actor)
        log(instance=page, action="wagtail.create", user=actor)
        return page, True
    page = existing.get_latest_revision_as_object()
    _fill(page, data)
    page.full_clean()
    revision = page.save_revision(user=actor)
    if publish:
        revision.publish(user=actor)
    return page, False


def add_vague_term(text: str, *, note: str = "", actor=None) -> VagueTerm:
    """Add a wording to the checker's vague list."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "模糊表述不能为空。"})
    term, created = VagueTerm.objects.get_or_create(text=text, defaults={"note": note})
    if created:
        log(instance=term, action="wagtail.create", user=actor)
    return term
