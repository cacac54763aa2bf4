from django.db import models


class OrgUnitKind(models.TextChoices):
    CITY_OFFICE = "city_office", "市政府办公室"
    COUNTY = "county", "县区"
    FUNCTION_AREA = "function_area", "功能区"
    DEPARTMENT_TIER1 = "dept_tier1", "市级部门第一档"
    DEPARTMENT_TIER2 = "dept_tier2", "市级部门第二档"
    OTHER = "other", "其他单位"


class Role(models.TextChoices):
    EDITOR = "editor", "编辑"
    MESSAGE_HANDLER = "message_handler", "留言办理员"
    UNIT_LEADER = "unit_leader", "单位审核人"
    SITE_ADMIN = "site_admin", "站点管理员"
    PLATFORM_ADMIN = "platform_admin", "平台管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    SECURITY_AUDITOR = "security_auditor", "安全审计员"


# Roles that work on one site's pages and media; the platform administrator spans the group.
SITE_ROLES = (Role.EDITOR, Role.MESSAGE_HANDLER, Role.UNIT_LEADER, Role.SITE_ADMIN)
# 三员 (docs/decisions/0013): the system administrator (the platform administrator), the security
# administrator and the security auditor. Group-wide, and no account holds two of them.
DUTY_ROLES = (Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR)
# The two that are not superusers: they hold nothing but their own group (no site role either).
SECURITY_ROLES = (Role.SECURITY_ADMIN, Role.SECURITY_AUDITOR)
