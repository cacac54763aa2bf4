"""System checks that read the database: run them with `huimin check --database default`."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def check_site_identities(app_configs=None, databases=None, **kwargs):
    """Every site must carry its national identity (网站标识码 and the footer items)."""
    if not databases:
        return []
    from wagtail.models import Site

    from .models import SiteIdentity

    problems = []
    try:
        for site in Site.objects.all():
            identity = SiteIdentity.objects.filter(site=site).first()
            missing = identity.missing_items() if identity else ["全部标识信息"]
            if missing:
                problems.append(
                    Warning(
                        f"站点 {site.hostname} 缺少网站标识信息：{'、'.join(missing)}",
                        hint="在管理后台“设置 → 网站标识”中为该站点填写。",
                        obj=site,
                        id="huimin.W001",
                    )
                )
    except DatabaseError:
        return []
    return problems


@register(Tags.database)
def check_separation_of_duties(app_configs=None, databases=None, **kwargs):
    """三员分立 (docs/decisions/0013) outside `assign_role` too: Wagtail's user and group screens can tick
    "superuser", or add a person or a permission to a security group, past the service."""
    if not databases:
        return []
    from django.contrib.auth import get_user_model

    from .enums import SECURITY_ROLES, SITE_ROLES, Role
    from .models import Membership, SiteRoleGroup
    from .services import DUTY_PERMISSIONS

    problems = []

    def warn(message, obj, hint):
        problems.append(Warning(message, hint=hint, obj=obj, id="huimin.W002"))

    try:
        links = {link.role: link for link in SiteRoleGroup.objects.filter(site=None).select_related("group")}
        held: dict[int, set] = {}
        for user_id, role in Membership.objects.values_list("user_id", "role"):
            held.setdefault(user_id, set()).add(Role(role))
        for role, link in links.items():
            for user in link.group.user_set.all():
                held.setdefault(user.pk, set()).add(Role(role))
                if Role(role) not in {Role(r) for r in user.memberships.values_list("role", flat=True)}:
                    warn(
                        f"账号 {user.get_username()} 在{Role(role).label}组中，"
                        "但没有通过“人员角色”授予该角色。",
                        user,
                        "在“网站群管理 → 人员角色”中授予，或把此人移出该组。",
                    )
            expected = set(DUTY_PERMISSIONS.get(Role(role), []))
            extra = sorted(
                f"{p.content_type.app_label}.{p.codename}"
                for p in link.group.permissions.select_related("content_type")
                if (p.content_type.app_label, p.codename) not in expected
            )
            has_object_permissions = any(
                related.exists()
                for related in (
                    link.group.page_permissions,
                    link.group.collection_permissions,
                    link.group.site_permissions,
                )
            )
            if extra or has_object_permissions:
                warn(
                    f"{Role(role).label}组有规定以外的权限：{'、'.join(extra) or '页面、媒体或站点权限'}",
                    link.group,
                    "下次授予该角色时会自动恢复为规定的权限；也可以在“设置 → 组”中删去。",
                )
        for user in get_user_model().objects.filter(is_superuser=True):
            held.setdefault(user.pk, set()).add(Role.PLATFORM_ADMIN)
        people = get_user_model().objects.in_bulk(list(held))
        for user_id, roles in held.items():
            duties = [r for r in (Role.PLATFORM_ADMIN, *SECURITY_ROLES) if r in roles]
            mixed = bool(roles & set(SECURITY_ROLES)) and bool(roles & set(SITE_ROLES))
            if len(duties) > 1 or mixed:
                names = "、".join(r.label for r in Role if r in roles)
                warn(
                    f"三员分立：账号 {people[user_id].get_username()} 同时担任{names}。",
                    people[user_id],
                    "平台管理员、安全管理员、安全审计员须由三个不同的账号担任，安全管理员和安全审计员不兼任站点角色。",
                )
    except DatabaseError:
        return []
    return problems
