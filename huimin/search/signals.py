"""Indexing follows publishing: these receivers queue a task that recomputes the affected documents once
the transaction commits (`tasks.py`). They decide nothing themselves; the task asks the source.

- a page published or unpublished (Wagtail's `page_published` / `page_unpublished`), or deleted;
- a page moved, its slug changed, or view restrictions added or removed: the page and everything below it;
- a site's address changed: its whole tree, its letters and knowledge entries;
- a letter deleted (publication and its withdrawal are queued by `huimin.letters.services`).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import sources, tasks


def _indexed_type_ids() -> set[int]:
    return {ct.pk for ct in ContentType.objects.get_for_models(*sources.page_models()).values()}


def page_changed(sender, instance, **kwargs):
    if sources.page_kind(instance) is not None:
        tasks.queue_page(instance.pk)


def page_deleted(sender, instance, **kwargs):
    if instance.content_type_id in _indexed_type_ids():
        tasks.queue_page(instance.pk)


def tree_changed(sender, instance, **kwargs):
    tasks.queue_tree(instance.pk)


def restriction_changed(sender, instance, **kwargs):
    if instance.page_id:
        tasks.queue_tree(instance.page_id)


def letter_deleted(sender, instance, **kwargs):
    tasks.queue_letter(instance.pk)


def site_saved(sender, instance, created=False, **kwargs):
    """A site whose address changed: its documents' URLs are rewritten (only when they differ): its pages'
    through its tree, and each of its other documents (letters, knowledge entries) by key. The default
    site's address is also in the URL of the whole group's knowledge entries (the portal's Q&A page)."""
    from django.db.models import Q

    from .models import SearchDocument

    if created or not instance.root_page_id:
        return
    prefix = instance.root_url + "/"
    stale = SearchDocument.objects.filter(site=instance).exclude(url__startswith=prefix)
    if stale.exists():
        tasks.queue_tree(instance.root_page_id)
    portal = sources.Context(now=timezone.now()).default_site  # whose address the group's entries carry
    others = Q(site=instance)
    if portal is not None and portal.pk == instance.pk:
        others |= Q(site__isnull=True)
    for key in (
        SearchDocument.objects.filter(others)
        .exclude(key__startswith=f"{sources.PAGE_PREFIX}:")
        .exclude(url__startswith=prefix)
        .values_list("key", flat=True)
    ):
        tasks.queue(key)


def connect() -> None:
    from huimin.letters.models import Letter

    page_published.connect(page_changed, dispatch_uid="huimin_search.page_published")
    page_unpublished.connect(page_changed, dispatch_uid="huimin_search.page_unpublished")
    post_delete.connect(page_deleted, sender=Page, dispatch_uid="huimin_search.page_deleted")
    post_page_move.connect(tree_changed, dispatch_uid="huimin_search.page_moved")
    page_slug_changed.connect(tree_changed, dispatch_uid="huimin_search.page_slug_changed")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="huimin_search.restrict")
    post_delete.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid="huimin_search.unrestrict"
    )
    post_save.connect(site_saved, sender=Site, dispatch_uid="huimin_search.site_saved")
    post_delete.connect(letter_deleted, sender=Letter, dispatch_uid="huimin_search.letter_deleted")
