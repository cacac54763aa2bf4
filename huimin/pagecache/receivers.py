"""Where the page cache hears of changes. Invalidation is infrastructure, like Wagtail's own front-cache
purging, so it listens to Wagtail's and Django's signals rather than asking every service to remember it:
whatever publishes, unpublishes, moves, deletes or saves a live page, or changes a site, its identity or its
navigation, purges what it made stale (services.py says what that is)."""

from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import services


def _page_changed(sender, instance, **kwargs):
    services.purge_for_pages([instance], reason=f"页面 {instance.pk} 已发布或撤下")


def _page_moved(sender, instance, **kwargs):
    services.purge_for_pages([instance], reason=f"页面 {instance.pk} 已移动")
    before = kwargs.get("parent_page_before")
    if before is not None:
        services.purge_for_pages([before], reason=f"页面 {instance.pk} 移出的栏目")


def _page_saved(sender, instance, created=False, update_fields=None, **kwargs):
    # A draft saved (a new revision) changes nothing readers see; a live page saved outside publishing does.
    if not isinstance(instance, Page) or created or not instance.live:
        return
    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    services.purge_for_pages([instance], reason=f"页面 {instance.pk} 已保存")


# The fields Wagtail writes when a draft is saved or a page is locked, viewed by a workflow or given a
# revision: none of them changes what the published page shows.
DRAFT_FIELDS = frozenset(
    {
        "draft_title",
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "locked",
        "locked_at",
        "locked_by",
        "live_revision",
        "first_published_at",
        "last_published_at",
        "go_live_at",
        "expire_at",
        "expired",
        "url_path",
    }
)


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and type(instance) is instance.specific_class and instance.live:
        services.purge_for_pages([instance], reason=f"页面 {instance.pk} 已删除")


def _site_changed(sender, instance, **kwargs):
    # The site-group bar of every site lists the group's sites: a site added, renamed or removed purges all.
    services.purge(
        sites=[s.hostname.lower() for s in Site.objects.all()] + [instance.hostname.lower()],
        reason=f"站点 {instance.hostname} 已变更",
    )


def _site_setting_changed(sender, instance, **kwargs):
    site = getattr(instance, "site", None)
    if site is not None:
        services.purge(
            sites=[site.hostname.lower()], reason=f"{site.hostname} 的{sender._meta.verbose_name}已变更"
        )


def _migrated(sender, **kwargs):
    if sender.name == "huimin.pagecache":
        services.purge_all(reason="数据库已迁移")


def connect():
    page_published.connect(_page_changed, dispatch_uid="pagecache_published")
    page_unpublished.connect(_page_changed, dispatch_uid="pagecache_unpublished")
    post_page_move.connect(_page_moved, dispatch_uid="pagecache_moved")
    post_save.connect(_page_saved, dispatch_uid="pagecache_saved")
    pre_delete.connect(_page_deleted, dispatch_uid="pagecache_deleted")
    post_save.connect(_site_changed, sender=Site, dispatch_uid="pagecache_site_saved")
    post_delete.connect(_site_changed, sender=Site, dispatch_uid="pagecache_site_deleted")
    from huimin.sites.models import SiteIdentity, SiteNavigation

    for model in (SiteIdentity, SiteNavigation):
        post_save.connect(_site_setting_changed, sender=model, dispatch_uid=f"pagecache_{model.__name__}")
        post_delete.connect(
            _site_setting_changed, sender=model, dispatch_uid=f"pagecache_{model.__name__}_del"
        )
    post_migrate.connect(_migrated, dispatch_uid="pagecache_migrated")
