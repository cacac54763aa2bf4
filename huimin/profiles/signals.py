"""The item index follows publishing: these receivers queue a task that recomputes the affected items once
the transaction commits (`tasks.py`); they decide nothing themselves.

- a page published or unpublished: that page (`services.index_page` decides whether it is an item);
- a page moved, its slug changed, or a view restriction added or removed: the page and everything below it.
A deleted page takes its item with it (the item's key is the page), and the cached popular pools are
forgotten.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import tasks
from .rules import rules


def page_changed(sender, instance, **kwargs):
    if sender._meta.label in rules().indexed_models:
        tasks.queue_page(instance.pk)


def tree_changed(sender, instance, **kwargs):
    tasks.queue_tree(instance.pk)


def restriction_changed(sender, instance, **kwargs):
    if instance.page_id:
        tasks.queue_tree(instance.page_id)


def item_deleted(sender, instance, **kwargs):
    from .recommender import forget_pools

    forget_pools()  # a deleted page's item may sit in this process's cached popular pool


def connect() -> None:
    from .models import Item

    post_delete.connect(item_deleted, sender=Item, dispatch_uid="huimin_profiles.item_deleted")
    page_published.connect(page_changed, dispatch_uid="huimin_profiles.page_published")
    page_unpublished.connect(page_changed, dispatch_uid="huimin_profiles.page_unpublished")
    post_page_move.connect(tree_changed, dispatch_uid="huimin_profiles.page_moved")
    page_slug_changed.connect(tree_changed, dispatch_uid="huimin_profiles.page_slug_changed")
    post_save.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid="huimin_profiles.restrict"
    )
    post_delete.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid="huimin_profiles.unrestrict"
    )
