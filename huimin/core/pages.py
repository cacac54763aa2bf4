"""Page-tree glue shared by the apps' services."""

from django.core.exceptions import PermissionDenied
from wagtail.log_actions import log
from wagtail.models import Page


def add_and_publish(
    parent: Page, page: Page, *, actor=None, denied: str = "您没有在此处发布页面的权限。"
) -> Page:
    """Add `page` below `parent` and publish it, with an audit entry for its creation.

    `actor` None is the system (commands, the demo builder); a person must be allowed to publish below
    `parent`, otherwise `PermissionDenied(denied)`. Wagtail's Page.save() runs full_clean(), so invalid
    fields raise ValidationError before anything is written.
    """
    if actor is not None and not parent.permissions_for_user(actor).can_publish_subpage():
        raise PermissionDenied(denied)
    parent.add_child(instance=page)
    log(instance=page, action="wagtail.create", user=actor)
    page.save_revision(user=actor, log_action=False).publish(user=actor)
    return page
