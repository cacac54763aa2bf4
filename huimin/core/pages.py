"""Page-tree glue shared by the apps' services."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import F
from django.utils import timezone
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.signals import page_published


def add_and_publish(
    parent: Page, page: Page, *, actor=None, denied: str = "您没有在此处发布页面的权限。"
) -> Page:
    """Add `page` below `parent`, already published, with its first revision as the live one.

    `actor` None is the system (commands, importers, the demo builder); a person must be allowed to publish
    below `parent`, otherwise `PermissionDenied(denied)`. The page is validated once (Wagtail's
    Page.save() runs full_clean(), so invalid fields raise ValidationError before anything is written) and
    saved once, instead of going through add, revision and publish as three validated saves; the audit log
    and the `page_published` signal are the same as Wagtail's publish action gives.
    """
    if actor is not None and not parent.permissions_for_user(actor).can_publish_subpage():
        raise PermissionDenied(denied)
    now = timezone.now()
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.first_published_at or now
    page.last_published_at = page.last_published_at or now
    parent.add_child(instance=page)
    revision = page.save_revision(user=actor, changed=False, clean=False)
    Page.objects.filter(pk=page.pk).update(live_revision=revision)
    page.live_revision = revision
    log(instance=page, action="wagtail.create", user=actor)
    log(instance=page, action="wagtail.publish", user=actor, revision=revision)
    page_published.send(sender=page.specific_class, instance=page, revision=revision)
    return page


def add_and_publish_many(
    parent: Page, pages: list[Page], *, actor=None, denied: str = "您没有在此处发布页面的权限。"
) -> list[Page]:
    """`add_and_publish` for a batch of new pages of one type below one parent, in bulk.

    Each page is validated as Wagtail's save would (`full_clean`, which also checks the slug among the
    siblings); slugs repeated within the batch are refused too. Then the tree rows, the specific rows, the
    first revisions, the many-to-many links and the audit log are written with a handful of statements for
    the whole batch, and `page_published` is sent for each page, as for one page. The search and reference
    indexes are not updated here: the caller queues that once for the batch
    (`huimin.core.tasks.queue_page_indexing`).
    Call inside a transaction; a `ValidationError` leaves nothing written.
    """
    if not pages:
        return []
    if actor is not None and not parent.permissions_for_user(actor).can_publish_subpage():
        raise PermissionDenied(denied)
    model = type(pages[0])
    if any(type(page) is not model for page in pages):
        raise ValueError("add_and_publish_many takes pages of one type")
    parent = Page.objects.select_for_update().get(pk=parent.pk)  # serialises concurrent adds below it
    last = parent.get_children().order_by("-path").values_list("path", flat=True).first()
    step = Page._str2int(last[-Page.steplen :]) if last else 0
    now = timezone.now()
    seen: dict[str, Page] = {}
    for page in pages:
        step += 1
        page.path = Page._get_path(parent.path, parent.depth + 1, step)
        page.depth, page.numchild = parent.depth + 1, 0
        page.locale_id = page.locale_id or parent.locale_id
        page.draft_title = page.title
        page.live, page.has_unpublished_changes = True, False
        page.first_published_at = page.first_published_at or now
        page.last_published_at = page.last_published_at or now
        page.latest_revision_created_at = now
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.full_clean(validate_unique=False)  # checked below for the whole batch at once
        if page.slug in seen:
            raise ValidationError({"slug": f"本批次中“{seen[page.slug].title}”已使用地址 {page.slug}。"})
        seen[page.slug] = page
    _check_unique(model, pages)

    created = Page.objects.bulk_create([Page(**_base_values(page)) for page in pages])
    for page, row in zip(pages, created, strict=True):
        page.pk = page.page_ptr_id = row.pk
    _insert_local_rows(model, pages)
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    _commit_relations(pages)

    content_type = ContentType.objects.get_for_model(model)
    base_type = ContentType.objects.get_for_model(Page)
    revisions = Revision.objects.bulk_create(
        Revision(
            content_type=content_type,
            base_content_type=base_type,
            object_id=str(page.pk),
            created_at=now,
            user=actor,
            content=page.serializable_data(),
            object_str=str(page),
        )
        for page in pages
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision = page.live_revision = revision
    Page.objects.bulk_update(pages, ["latest_revision", "live_revision"], batch_size=500)
    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            content_type=content_type,
            label=page.get_admin_display_title()[:255],
            action=action,
            timestamp=now,
            user=actor,
            page_id=page.pk,
            revision=revision if action == "wagtail.publish" else None,
            data={},
        )
        for page, revision in zip(pages, revisions, strict=True)
        for action in ("wagtail.create", "wagtail.publish")
    )
    for page, revision in zip(pages, revisions, strict=True):
        page_published.send(sender=model, instance=page, revision=revision)
    return pages


def _check_unique(model, pages: list[Page]) -> None:
    """The page type's own unique fields, against the database and within the batch: one query per field.
    (The tree's unique `path` is laid out above; `translation_key` is a fresh UUID per page.)"""
    for field in model._meta.local_concrete_fields:
        if not field.unique or field.primary_key:
            continue
        values = [getattr(page, field.attname) for page in pages]
        taken = set(
            model._default_manager.filter(**{f"{field.attname}__in": values}).values_list(
                field.attname, flat=True
            )
        )
        seen = set()
        for page, value in zip(pages, values, strict=True):
            if value in taken or value in seen:
                raise ValidationError({field.name: page.unique_error_message(model, [field.name])})
            seen.add(value)


def _base_values(page: Page) -> dict:
    return {f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields if f.attname != "id"}


def _insert_local_rows(model, pages: list[Page]) -> None:
    """Insert the rows of a page type's own table (Django's bulk_create refuses multi-table models)."""
    fields = model._meta.local_concrete_fields
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values bound
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [[f.get_db_prep_save(f.pre_save(page, add=True), connection) for f in fields] for page in pages]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _commit_relations(pages: list[Page]) -> None:
    """Write new pages' in-memory child objects (ParentalKey) and many-to-many links
    (ParentalManyToManyField), the links in one statement per field for the whole batch."""
    model = type(pages[0])
    for relation in get_all_child_relations(model):
        for page in pages:
            getattr(page, relation.get_accessor_name()).commit()
    for field in get_all_child_m2m_relations(model):
        through = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        through.objects.bulk_create(
            through(**{f"{source}_id": page.pk, f"{target}_id": item.pk})
            for page in pages
            for item in getattr(page, "_cluster_related_objects", {}).get(field.name, [])
        )
