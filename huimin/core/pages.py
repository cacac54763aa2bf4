"""Page-tree glue shared by the apps' services."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page
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
