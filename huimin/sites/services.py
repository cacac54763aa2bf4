"""Every change of state in the site group goes through these functions.

Each runs in a transaction, checks what it is given, and writes an entry to Wagtail's audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from huimin.core.pages import add_and_publish

from .enums import DUTY_ROLES, SECURITY_ROLES, SITE_ROLES, Role
from .models import ColumnPage, ColumnType, HomePage, Membership, OrgUnit, SiteIdentity, SiteRoleGroup

PAGE_PERMISSIONS = {
    Role.EDITOR: ["add_page", "change_page"],
    Role.UNIT_LEADER: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    Role.SITE_ADMIN: [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
    Role.MESSAGE_HANDLER: [],
}
COLLECTION_PERMISSIONS = {
    Role.EDITOR: ["add", "change", "choose"],
    Role.UNIT_LEADER: ["add", "change", "choose"],
    Role.SITE_ADMIN: ["add", "change", "delete", "choose"],
    Role.MESSAGE_HANDLER: [],
}
SITE_SETTING_PERMISSIONS = {Role.SITE_ADMIN: ["change_siteidentity", "change_sitenavigation"]}
# The security roles' group-wide groups carry exactly these (app label, codename) and nothing else: no page,
# collection or site permission (docs/decisions/0013). The platform administrator is a superuser instead.
DUTY_PERMISSIONS = {
    Role.SECURITY_ADMIN: [
        ("wagtailadmin", "access_admin"),
        ("huimin_sites", "view_membership"),
        ("huimin_sites", "add_membership"),
        ("huimin_sites", "change_membership"),
        ("huimin_sites", "delete_membership"),
        ("huimin_core", "unlock_login"),
    ],
    Role.SECURITY_AUDITOR: [
        ("wagtailadmin", "access_admin"),
        ("huimin_core", "view_auditlog"),
    ],
}
MEDIA_MODELS = (("wagtailimages", "image"), ("wagtaildocs", "document"))


@dataclass(frozen=True)
class IdentityData:
    site_name: str
    site_code: str
    domain: str
    sponsor: str
    phone: str
    address: str
    email: str
    icp_number: str
    police_record_number: str
    conac_url: str
    organizer: str = ""


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _check_platform_admin(actor) -> None:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("只有平台管理员可以管理站点和人员角色。")


@transaction.atomic
def create_site(
    *,
    hostname: str,
    port: int,
    org_unit: OrgUnit,
    identity: IdentityData,
    home_title: str,
    home_keywords: str,
    home_intro: str = "",
    actor=None,
) -> Site:
    """Create a site of the group: home page, Wagtail site, identity, collection, role groups and workflow."""
    _check_platform_admin(actor)
    if Site.objects.filter(hostname=hostname).exists():
        raise ValidationError({"hostname": f"主机名 {hostname} 已被其他站点使用。"})
    identity_record = SiteIdentity(org_unit=org_unit, **identity.__dict__)
    identity_record.full_clean(exclude=["site"])

    root = Page.get_first_root_node()
    home = HomePage(
        title=home_title, slug=hostname.replace(".", "-"), keywords=home_keywords, intro=home_intro
    )
    add_and_publish(root, home, actor=actor)
    site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=identity.site_name)

    identity_record.site = site
    identity_record.collection = Collection.get_first_root_node().add_child(name=identity.site_name)
    identity_record.save()
    _ensure_role_groups(site, identity_record)
    log(
        instance=site,
        action="huimin.site.create",
        user=actor,
        data={"hostname": hostname, "site_code": identity.site_code},
    )
    return site


def _role_group(site: Site, role: Role, site_name: str) -> Group:
    """The site's own group for a role: found through SiteRoleGroup, never by name."""
    link = SiteRoleGroup.objects.select_related("group").filter(site=site, role=role).first()
    if link:
        return link.group
    name = f"{site_name}·{role.label}"
    if Group.objects.filter(name=name).exists():
        name = f"{site_name}（{site.hostname}）·{role.label}"
    group = Group.objects.create(name=name)
    SiteRoleGroup.objects.create(site=site, role=role, group=group)
    return group


def _ensure_role_groups(site: Site, identity: SiteIdentity) -> None:
    groups = {}
    for role in SITE_ROLES:
        group = _role_group(site, role, identity.site_name)
        group.permissions.add(_permission("wagtailadmin", "access_admin"))
        for codename in PAGE_PERMISSIONS[role]:
            GroupPagePermission.objects.get_or_create(
                group=group, page=site.root_page, permission=_permission("wagtailcore", codename)
            )
        for app_label, model in MEDIA_MODELS:
            for action in COLLECTION_PERMISSIONS[role]:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=identity.collection,
                    permission=_permission(app_label, f"{action}_{model}"),
                )
        for codename in SITE_SETTING_PERMISSIONS.get(role, []):
            GroupSitePermission.objects.get_or_create(
                group=group, site=site, permission=_permission("huimin_sites", codename)
            )
        groups[role] = group

    # Editors submit; the unit leader or the site administrator approves. Apps put their own steps in through
    # `construct_site_workflow` hooks (the content-safety check goes first).
    workflow = Workflow.objects.create(name=f"{identity.site_name}内容审核")
    task = GroupApprovalTask.objects.create(name=f"{identity.site_name}审核")
    task.groups.add(groups[Role.UNIT_LEADER], groups[Role.SITE_ADMIN])
    WorkflowTask.objects.create(workflow=workflow, task=task.task_ptr, sort_order=0)
    for construct in hooks.get_hooks("construct_site_workflow"):
        construct(workflow, site)
    WorkflowPage.objects.update_or_create(page=site.root_page, defaults={"workflow": workflow})


def duty_group(role: Role) -> Group:
    """The group-wide group of a security role, made on first use and recorded in `SiteRoleGroup` without a
    site. Each call brings its permissions to exactly `DUTY_PERMISSIONS[role]`: anything added by hand in
    Wagtail's group screen is taken away again, with any page, collection or site permission."""
    role = Role(role)
    link = SiteRoleGroup.objects.select_related("group").filter(site=None, role=role).first()
    if link:
        group = link.group
    else:
        name = f"网站群·{role.label}"
        if Group.objects.filter(name=name).exists():
            name = f"网站群·{role.label}（{role.value}）"
        group = Group.objects.create(name=name)
        SiteRoleGroup.objects.create(site=None, role=role, group=group)
    group.permissions.set([_permission(app, codename) for app, codename in DUTY_PERMISSIONS[role]])
    GroupPagePermission.objects.filter(group=group).delete()
    GroupCollectionPermission.objects.filter(group=group).delete()
    GroupSitePermission.objects.filter(group=group).delete()
    return group


def holds_role(user, role: Role) -> bool:
    """Whether an active person holds a group-wide role (the platform administrator: is a superuser)."""
    if user is None or not user.is_active:
        return False
    if Role(role) == Role.PLATFORM_ADMIN:
        return user.is_superuser
    return Membership.objects.filter(user=user, site=None, role=role).exists()


def _check_may_change_role(actor, user, role: Role) -> None:
    """Who may give or take which role (docs/decisions/0013). `actor=None` is the system (commands, the demo).

    - Nobody changes their own roles.
    - The three duty roles, by a platform administrator only.
    - Site roles, by a platform administrator or a security administrator.
    """
    if actor is None:
        return
    if actor.pk == user.pk:
        raise PermissionDenied("不能授予或撤销自己的角色，请由其他管理员办理。")
    if actor.is_active and actor.is_superuser:
        return
    if role in SITE_ROLES and holds_role(actor, Role.SECURITY_ADMIN):
        return
    if role in DUTY_ROLES:
        raise PermissionDenied(f"只有平台管理员可以授予或撤销{role.label}角色。")
    raise PermissionDenied("只有平台管理员或安全管理员可以管理人员角色。")


def _check_exclusive(user, role: Role) -> None:
    """三员分立: no account holds two of the duty roles, and the two security roles hold nothing else."""
    others = Membership.objects.filter(user=user).exclude(role=role).values_list("role", flat=True)
    held = {Role(r) for r in others}
    if role in SECURITY_ROLES and user.is_superuser and Role.PLATFORM_ADMIN not in held:
        raise ValidationError(
            {"user": f"该账号是超级用户，不能担任{role.label}：请先由平台管理员取消其超级用户身份。"}
        )
    if user.is_superuser:
        held.add(Role.PLATFORM_ADMIN)
    if role in DUTY_ROLES:
        conflicting = [r for r in DUTY_ROLES if r in held and r != role]
        if conflicting:
            names = "、".join(r.label for r in conflicting)
            raise ValidationError(
                {"role": f"三员分立：该账号已担任{names}，不能再担任{role.label}。平台管理员（系统管理员）、"
                 "安全管理员、安全审计员须由三个不同的账号担任。"}
            )  # fmt: skip
    if role in SECURITY_ROLES and held & set(SITE_ROLES):
        raise ValidationError(
            {"role": f"该账号在站点中担任其他角色，不能担任{role.label}：{role.label}不兼任任何其他角色。"}
        )
    if role in SITE_ROLES:
        security = [r for r in SECURITY_ROLES if r in held]
        if security:
            raise ValidationError(
                {"role": f"该账号担任{security[0].label}，不兼任站点角色，不能再担任{role.label}。"}
            )


@transaction.atomic
def assign_role(user, *, role: Role, org_unit: OrgUnit, site: Site | None = None, actor=None) -> Membership:
    """Give a person a role in an organisation unit, on one site or (the three duty roles) the whole group."""
    role = Role(role)
    _check_may_change_role(actor, user, role)
    _check_exclusive(user, role)
    if role in DUTY_ROLES:
        if site is not None:
            raise ValidationError({"site": f"{role.label}管理整个网站群，不属于单个站点。"})
        if role == Role.PLATFORM_ADMIN:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        else:
            user.groups.add(duty_group(role))
    else:
        if site is None:
            raise ValidationError({"site": f"{role.label}必须属于一个站点。"})
        group = SiteRoleGroup.objects.select_related("group").get(site=site, role=role).group
        user.groups.add(group)
    membership, created = Membership.objects.get_or_create(
        user=user, site=site, role=role, defaults={"org_unit": org_unit}
    )
    if not created and membership.org_unit_id != org_unit.pk:
        membership.org_unit = org_unit
        membership.save(update_fields=["org_unit"])
    if created:
        log(
            instance=membership,
            action="huimin.role.assign",
            user=actor,
            data={"user": user.get_username(), "role": role.value, "site": site.hostname if site else None},
        )
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, actor=None) -> None:
    user, role, site = membership.user, Role(membership.role), membership.site
    _check_may_change_role(actor, user, role)
    if role == Role.PLATFORM_ADMIN:
        user.is_superuser = user.is_staff = False
        user.save(update_fields=["is_superuser", "is_staff"])
    elif role in SECURITY_ROLES:
        user.groups.remove(duty_group(role))
    else:
        user.groups.remove(SiteRoleGroup.objects.get(site=site, role=role).group)
    log(
        instance=membership,
        action="huimin.role.revoke",
        user=actor,
        data={"user": user.get_username(), "role": role.value, "site": site.hostname if site else None},
    )
    membership.delete()


def add_column(
    parent: Page,
    *,
    title: str,
    slug: str,
    column_type: ColumnType,
    description: str,
    keywords: str,
    responsible_unit: OrgUnit,
    responsible_person: str,
    responsible_phone: str = "",
    update_cycle_days: int | None = None,
    show_in_menus: bool = True,
    actor=None,
) -> ColumnPage:
    column = ColumnPage(
        title=title,
        slug=slug,
        column_type=column_type,
        description=description,
        keywords=keywords,
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        responsible_phone=responsible_phone,
        update_cycle_days=update_cycle_days,
        show_in_menus=show_in_menus,
    )
    return add_and_publish(parent, column, actor=actor, denied="您没有在此处新建并发布栏目的权限。")


# --- Home page and appearance ------------------------------------------------------------------------------

UNCHANGED = object()  # a keyword argument left out: the field keeps its value


@transaction.atomic
def arrange_home(home: HomePage, body, *, user=None) -> HomePage:
    """Set a home page's blocks (`HomePage.body`: a StreamValue, or a list of (block type, value) pairs or of
    raw {"type", "value"} dicts) and publish them as a new revision. `user=None` is the system (the demo
    builder); a person must be allowed to publish the home page."""
    home = home.specific
    if user is not None and not home.permissions_for_user(user).can_publish():
        raise PermissionDenied("您没有发布本站首页的权限。")
    home.body = body
    home.full_clean()
    revision = home.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    home.refresh_from_db()
    return home


def _may_change_identity(user, identity: SiteIdentity) -> bool:
    if user is None or (user.is_active and user.is_superuser):
        return True
    return (
        user.is_active
        and GroupSitePermission.objects.filter(
            group__in=user.groups.all(), site=identity.site, permission__codename="change_siteidentity"
        ).exists()
    )


@transaction.atomic
def set_site_appearance(
    identity: SiteIdentity,
    *,
    banner=UNCHANGED,
    emblem=UNCHANGED,
    accent_colour=UNCHANGED,
    notice=UNCHANGED,
    user=None,
) -> SiteIdentity:
    """Change a site's look (页头横幅, 网站标志, 主题色) and its site-wide notice (全站提示); what is left out
    keeps its value. The colour must carry white text at 4.5:1. `user=None` is the system; a person needs the
    right to change the site's identity (the site administrator, a platform administrator)."""
    if not _may_change_identity(user, identity):
        raise PermissionDenied("您没有修改本站外观的权限。")
    changes = {"banner": banner, "emblem": emblem, "accent_colour": accent_colour, "notice": notice}
    changed = {name: value for name, value in changes.items() if value is not UNCHANGED}
    for name, value in changed.items():
        setattr(identity, name, value if name in ("banner", "emblem") else (value or "").strip())
    identity.full_clean()
    identity.save()
    log(
        instance=identity,
        action="wagtail.edit",
        user=user,
        data={"fields": sorted(changed)},
    )
    return identity
