"""What a person sees in Wagtail's shared screens: one rule for pages, one for media, applied everywhere.

Wagtail's own listings (the page explorer, the document and image indexes and choosers) already follow the
groups `create_site` makes. These are the screens that did not, and the rule each now follows
(docs/decisions/0014-shared-screens-scope.md):

- **Pages a person reaches** are the subtrees their roles give them (`reachable_pages`, Wagtail's
  explorable pages). The page chooser (browse and search) lists those, in any state, and other sites' pages
  only while they show the public exactly what the chooser would show: live, with no unpublished changes
  (`choosable_pages`). Browsing into any other page answers 404.
- **Media a person reaches** are the collections their roles give them any permission on (`reachable_media`).
  The admin API's document and image endpoints list those only.
- **Bulk actions** (pages, documents, images) answer 404 when any object named is out of reach, before the
  confirmation page would show its title.
- **A document file** is served to someone who reaches its collection, and to everyone once a live page that
  is not private links it (the reference index knows); anything else answers 404, so an unpublished file is
  neither served nor confirmed to exist.

Platform administrators (superusers) reach everything.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404
from wagtail.models import Page, PageViewRestriction, ReferenceIndex
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import policy_registry

MEDIA_ACTIONS = ("add", "change", "delete", "choose")
PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock", "bulk_delete")


def unrestricted(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


def reachable_pages(user) -> QuerySet:
    """Pages in the subtrees the user's roles reach, with their ancestors (Wagtail's explorable pages)."""
    return policy_registry.get_by_type(Page).explorable_instances(user)


def permitted_pages(user) -> QuerySet:
    """Pages the user's roles give some permission on (their subtrees, without the ancestors)."""
    return policy_registry.get_by_type(Page).instances_user_has_any_permission_for(user, PAGE_ACTIONS)


def _public_pages() -> Q:
    return Q(live=True, has_unpublished_changes=False)


def choosable_pages(pages: QuerySet, user) -> QuerySet:
    """`pages` narrowed to what the page chooser may show this user."""
    if unrestricted(user):
        return pages
    # One `id` filter (an indexed FilterField), so the chooser's search can apply it too.
    visible = Page.objects.filter(Q(pk__in=reachable_pages(user).values("pk")) | _public_pages())
    return pages.filter(pk__in=visible.values("pk"))


def can_browse_page(user, page_id: int) -> bool:
    return choosable_pages(Page.objects.filter(pk=page_id), user).exists()


def _media_policy(model) -> CollectionOwnershipPermissionPolicy:
    return policy_registry.get_by_type(model)


def reachable_media(model, user) -> QuerySet:
    """Documents or images in the collections the user has any permission on."""
    return _media_policy(model).instances_user_has_any_permission_for(user, MEDIA_ACTIONS)


def can_reach_media(user, instance) -> bool:
    if unrestricted(user):
        return True
    return _media_policy(type(instance)).user_has_any_permission_for_instance(user, MEDIA_ACTIONS, instance)


def is_published_document(document) -> bool:
    """Whether a live, public page links the document (a field, a chooser block or a rich-text link)."""
    page_type = ContentType.objects.get_for_model(Page)
    references = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type)
    page_ids = {int(pk) for pk in references.values_list("object_id", flat=True)}  # stored as text
    pages = Page.objects.live().filter(pk__in=page_ids)
    for page in pages:
        if not PageViewRestriction.objects.filter(page__in=page.get_ancestors(inclusive=True)).exists():
            return True
    return False


def may_download(user, document) -> bool:
    return can_reach_media(user, document) or is_published_document(document)


# --- bulk actions ------------------------------------------------------------------------------------------


def bulk_targets_reachable(user, model, ids: list[str], parent_id: str | None) -> bool:
    """Whether every object a bulk-action URL names (ids, or "all" under a parent) is in the user's reach."""
    if unrestricted(user):
        return True
    if issubclass(model, Page):
        reachable = permitted_pages(user)
        if "all" in ids:
            return parent_id is not None and reachable.filter(pk=_int(parent_id)).exists()
        wanted = {_int(pk) for pk in ids}
        return len(wanted) == reachable.filter(pk__in=wanted).count()
    if "all" in ids:
        # "All" in a media listing means all the user's listing shows, which is already scoped.
        return True
    wanted = {_int(pk) for pk in ids}
    return len(wanted) == reachable_media(model, user).filter(pk__in=wanted).count()


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("无效的编号。") from None
