"""Every write to the policy library goes through these functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from huimin.core.pages import add_and_publish
from huimin.sites.models import OrgUnit

from .enums import DocKind, Validity
from .models import Industry, InterpretationPage, PolicyLibraryPage, PolicyPage, PolicyTopic, ServiceObject


@dataclass
class PolicyData:
    """Everything a policy document carries; importers and the demo fill it, `upsert_policy` stores it."""

    title: str
    index_number: str
    body: str
    pub_date: datetime
    issuer: OrgUnit
    doc_number: str = ""
    doc_kind: str = DocKind.NOTICE
    topic: PolicyTopic | None = None
    written_date: date | None = None
    keywords: str = ""
    summary: str = ""
    validity: str = Validity.VALID
    effective_date: date | None = None
    invalid_date: date | None = None
    industries: list[Industry] = field(default_factory=list)
    service_objects: list[ServiceObject] = field(default_factory=list)
    slug: str = ""
    is_demo: bool = False

    FIELDS = (
        "title",
        "index_number",
        "body",
        "pub_date",
        "issuer",
        "doc_number",
        "doc_kind",
        "topic",
        "written_date",
        "keywords",
        "summary",
        "validity",
        "effective_date",
        "invalid_date",
        "is_demo",
    )


def _check_can_publish(parent, actor, message="您没有在此政策文件库直接发布的权限，请提交审核。"):
    if actor is not None and not parent.permissions_for_user(actor).can_publish_subpage():
        raise PermissionDenied(message)


@transaction.atomic
def upsert_policy(library: PolicyLibraryPage, data: PolicyData, *, actor=None) -> tuple[PolicyPage, bool]:
    """Create or update (by 索引号) a policy in a library and publish it. Returns (page, created).

    A 索引号 owned by a page in another library is refused with that page named.
    """
    if data.pub_date.tzinfo is None:
        raise ValidationError({"pub_date": "发布日期必须带时区。"})
    existing = PolicyPage.objects.filter(index_number=data.index_number).first()
    if existing is not None and not existing.is_descendant_of(library):
        raise ValidationError(
            {
                "index_number": f"索引号 {data.index_number} 已被其他站点的《{existing.title}》"
                f"使用（页面编号 {existing.pk}）。"
            }
        )
    values = {name: getattr(data, name) for name in PolicyData.FIELDS}
    if existing is None:
        page = PolicyPage(**values, slug=data.slug or _slug(data.index_number))
        page.industries.set(data.industries)
        page.service_objects.set(data.service_objects)
        add_and_publish(library, page, actor=actor)
        return page, True
    _check_can_publish(library, actor)
    page = existing.specific.get_latest_revision_as_object()
    for name, value in values.items():
        setattr(page, name, value)
    page.industries.set(data.industries)
    page.service_objects.set(data.service_objects)
    page.save_revision(user=actor).publish(user=actor)
    return page, False


def _slug(index_number: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in index_number.lower()).strip("-")
    return f"p-{cleaned}"[:255]


@transaction.atomic
def link_interpretation(
    interpretation: InterpretationPage, policies: list[PolicyPage], *, actor=None
) -> None:
    """Set which policies an interpretation interprets. One relation serves both directions:
    the interpretation lists its policies and every policy lists its interpretations from the same rows."""
    _check_can_publish(interpretation.get_parent(), actor, "您没有修改此解读的权限。")
    page = interpretation.get_latest_revision_as_object() if interpretation.pk else interpretation
    page.policies.set(policies)
    revision = page.save_revision(user=actor)
    if interpretation.live:
        revision.publish(user=actor)
    log(
        instance=interpretation,
        action="huimin.policy.link",
        user=actor,
        data={"policies": [p.pk for p in policies]},
    )


@transaction.atomic
def publish_interpretation(
    parent, interpretation: InterpretationPage, policies: list[PolicyPage], *, actor=None
) -> InterpretationPage:
    """Add an interpretation linked to its policies and publish it."""
    interpretation.policies.set(policies)
    return add_and_publish(parent, interpretation, actor=actor)


@transaction.atomic
def publish_together(
    policy: PolicyPage, interpretation: InterpretationPage, *, actor=None, at: datetime | None = None
) -> None:
    """Publish (or schedule for `at`) a policy and its ready interpretation as one step.

    Both are linked first; with `at`, both go live together when Wagtail's `publish_scheduled` runs.
    """
    for page in (policy, interpretation):
        _check_can_publish(page.get_parent(), actor)
    if at is not None and at.tzinfo is None:
        raise ValidationError({"at": "定时发布时间必须带时区。"})
    interpretation = interpretation.get_latest_revision_as_object()
    interpretation.policies.add(policy)
    for page in (policy.get_latest_revision_as_object(), interpretation):
        page.go_live_at = at
        revision = page.save_revision(user=actor, approved_go_live_at=at)
        revision.publish(user=actor)
    log(
        instance=policy,
        action="huimin.policy.publish_together",
        user=actor,
        data={"interpretation": interpretation.pk, "at": at.isoformat() if at else None},
    )
