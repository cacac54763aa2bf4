from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import audit, audit_views, lockout, otp_views

LOGIN_LOG_ACTIONS = {
    "huimin.login": ("登录", "登录了管理后台"),
    "huimin.logout": ("退出登录", "退出了管理后台"),
    "huimin.login_failed": ("登录失败", "登录管理后台失败（密码错误或账号已暂停登录）"),
    "huimin.otp.enrol": ("绑定两步验证", "绑定了两步验证设备"),
    "huimin.otp.verify": ("两步验证通过", "通过了登录的两步验证"),
    "huimin.otp.failed": ("两步验证失败", "两步验证失败（验证码错误或尝试过于频繁）"),
    "huimin.otp.backup_codes": ("重新生成备用码", "重新生成了两步验证的备用码"),
    "huimin.otp.disable": ("停用两步验证", "停用了两步验证"),
    "huimin.otp.reset": ("重置两步验证", "两步验证设备被管理员重置"),
}


@hooks.register("register_log_actions")
def register_login_log_actions(actions):
    for action, (label, message) in LOGIN_LOG_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_second_factor_urls():
    return [
        path("two-factor/", otp_views.ManageView.as_view(), name="huimin_otp_manage"),
        path("two-factor/verify/", otp_views.VerifyView.as_view(), name="huimin_otp_verify"),
        path("two-factor/setup/", otp_views.EnrolView.as_view(), name="huimin_otp_setup"),
        path("two-factor/backup-codes/", otp_views.BackupCodesView.as_view(), name="huimin_otp_backup_codes"),
        path("two-factor/disable/", otp_views.DisableView.as_view(), name="huimin_otp_disable"),
    ]


@hooks.register("register_account_menu_item")
def register_second_factor_account_item(request):
    return {
        "url": reverse("huimin_otp_manage"),
        "label": "两步验证",
        "help_text": "登录时除密码外，再输入手机上身份验证器应用显示的验证码。",
    }


# --- 审计日志 and 解除登录锁定 (docs/decisions/0013) ------------------------------------------------------


class _PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_urls")
def register_audit_urls():
    return [
        path("audit-log/", audit_views.AuditLogView.as_view(), name="huimin_audit_log"),
        path("login-unlock/", lockout.LoginUnlockView.as_view(), name="huimin_login_unlock"),
    ]


@hooks.register("register_admin_menu_item")
def register_audit_menu_item():
    url = reverse("huimin_audit_log")
    return _PermissionMenuItem(
        "审计日志", url, icon_name="history", order=8900, permission=audit.AUDIT_PERMISSION
    )


@hooks.register("register_settings_menu_item")
def register_unlock_menu_item():
    return _PermissionMenuItem(
        "解除登录锁定",
        reverse("huimin_login_unlock"),
        icon_name="lock-open",
        order=900,
        permission=lockout.UNLOCK_PERMISSION,
    )


@hooks.register("register_log_actions")
def register_unlock_log_action(actions):
    actions.register_action(*lockout.LOG_ACTION)
