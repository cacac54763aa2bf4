"""Every write to the policy library goes through these functions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from huimin.core.pages import add_and_publish, add_and_publish_many
from huimin.core.tasks import queue_page_indexing
from huimin.sites.models import OrgUnit

from .enums import DocKind, Validity
from .models import (
    Industry,
    InterpretationPage,
    PolicyIndexToken,
    PolicyLibraryPage,
    PolicyPage,
    PolicyTopic,
    ServiceObject,
)


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


PUBLISH_DENIED = "您没有在此政策文件库直接发布的权限，请提交审核。"


def _check_can_publish(parent, actor, message=PUBLISH_DENIED):
    if actor is not None and not parent.permissions_for_user(actor).can_publish_subpage():
        raise PermissionDenied(message)


@transaction.atomic
def upsert_policy(library: PolicyLibraryPage, data: PolicyData, *, actor=None) -> tuple[PolicyPage, bool]:
    """Create or update (by 索引号) a policy in a library and publish it. Returns (page, created).

    A 索引号 owned by a page in another library is refused with that page named.
    """
    if data.pub_date.tzinfo is None:
        raise ValidationError({"pub_date": "发布日期必须带时区。"})
    existing = PolicyPage.owner_of(data.index_number)
    if existing is not None and not existing.is_descendant_of(library):
        raise ValidationError(
            {
                "index_number": f"索引号 {data.index_number} 已被其他站点的《{existing.title}》"
                f"使用（页面编号 {existing.pk}）。"
            }
        )
    if existing is None:
        return add_and_publish(library, _new_page(data), actor=actor), True
    _check_can_publish(library, actor)
    page = existing.specific.get_latest_revision_as_object()
    for name in PolicyData.FIELDS:
        setattr(page, name, getattr(data, name))
    page.industries.set(data.industries)
    page.service_objects.set(data.service_objects)
    page.save_revision(user=actor).publish(user=actor)
    return page, False


@transaction.atomic
def create_policies(library: PolicyLibraryPage, batch: list[PolicyData], *, actor=None) -> list[PolicyPage]:
    """Create and publish a batch of new policies in one library, in bulk (importers use this).

    All or nothing: a 索引号 in use (anywhere in the group, or twice in the batch) or any invalid field
    refuses the whole batch with a `ValidationError`, and the caller may retry the documents one by one with
    `upsert_policy` to learn which. The search and reference indexes are queued once for the batch.
    """
    for data in batch:
        if data.pub_date.tzinfo is None:
            raise ValidationError({"pub_date": "发布日期必须带时区。"})
    numbers = [data.index_number for data in batch]
    if len(set(numbers)) != len(numbers):
        raise ValidationError({"index_number": "同一批次中有重复的索引号。"})
    pages = add_and_publish_many(
        library, [_new_page(data) for data in batch], actor=actor, denied=PUBLISH_DENIED
    )
    queue_page_indexing(pages)
    return pages


def _new_page(data: PolicyData) -> PolicyPage:
    page = PolicyPage(
        **{name: getattr(data, name) for name in PolicyData.FIELDS},
        slug=data.slug or _slug(data.index_number),
    )
    page.industries.set(data.industries)
    page.service_objects.set(data.service_objects)
    return page


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


def invalidate_library_index() -> None:
    """Tell every process that the live policies changed, so its facet index is rebuilt before the next read.

    Called by the publishing signals (see `signals.py`) and by anything that writes policies in bulk.
    Runs in the caller's transaction: readers see the new token exactly when they see the change.
    """
    token = uuid.uuid4().hex
    if not PolicyIndexToken.objects.filter(pk=1).update(token=token, changed_at=timezone.now()):
        PolicyIndexToken.objects.create(pk=1, token=token)
