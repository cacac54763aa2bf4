"""Keep the facet index honest: a change to what the public sees of the policies renews its token."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import PolicyPage
from .services import invalidate_library_index


def _policy_changed(sender, instance, **kwargs):
    if isinstance(instance, PolicyPage):
        invalidate_library_index()


def _tree_changed(sender, instance, **kwargs):
    """A moved page may carry policies into or out of a library (Wagtail sends it as a plain Page)."""
    if isinstance(instance, Page) and PolicyPage.objects.descendant_of(instance, inclusive=True).exists():
        invalidate_library_index()


def _restriction_changed(sender, instance, **kwargs):
    invalidate_library_index()


def connect() -> None:
    page_published.connect(_policy_changed, dispatch_uid="huimin_policies_index_published")
    page_unpublished.connect(_policy_changed, dispatch_uid="huimin_policies_index_unpublished")
    post_page_move.connect(_tree_changed, dispatch_uid="huimin_policies_index_moved")
    post_delete.connect(_policy_changed, sender=PolicyPage, dispatch_uid="huimin_policies_index_deleted")
    for signal, name in ((post_save, "saved"), (post_delete, "removed")):
        signal.connect(
            _restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"huimin_policies_restriction_{name}",
        )
