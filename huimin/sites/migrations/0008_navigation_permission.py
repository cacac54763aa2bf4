"""Every site's administrators may edit their site's main navigation (as create_site grants new sites)."""

from django.db import migrations


def grant(apps, schema_editor):
    SiteRoleGroup = apps.get_model("huimin_sites", "SiteRoleGroup")
    links = SiteRoleGroup.objects.filter(role="site_admin", site__isnull=False)
    if not links.exists():  # a new database: create_site grants it to every site made from now on
        return
    # Permissions are made after the migrations run; this one is needed now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    content_type, _ = ContentType.objects.get_or_create(app_label="huimin_sites", model="sitenavigation")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="change_sitenavigation", defaults={"name": "Can change 主导航"}
    )
    for link in links:
        GroupSitePermission.objects.get_or_create(group_id=link.group_id, site_id=link.site_id, permission=permission)


def revoke(apps, schema_editor):
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    GroupSitePermission.objects.filter(
        permission__content_type__app_label="huimin_sites", permission__codename="change_sitenavigation"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("huimin_sites", "0007_site_notice"),
        ("wagtailcore", "0095_groupsitepermission"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
