"""Framework-level tables shared by every app."""

from django.conf import settings
from django.db import models


class Attempt(models.Model):
    """One counted attempt in a rate-limited bucket (a letter sent, a wrong query password). The key is an
    HMAC of the client's address or number, so no address is stored in the clear."""

    bucket = models.CharField("类别", max_length=40)
    key_hash = models.CharField("来源摘要", max_length=64)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "频率限制记录"
        indexes = [models.Index(fields=["bucket", "key_hash", "at"])]
        # Lifting a login lock forgets the failures counted here (`huimin.core.lockout`).
        permissions = [("unlock_login", "解除登录锁定")]

    def __str__(self):
        return f"{self.bucket} {self.at:%Y-%m-%d %H:%M}"


class AuditLog(models.Model):
    """No table: the holder of the audit-log viewer's permission (docs/decisions/0013). The log itself is
    Wagtail's (`PageLogEntry`, `ModelLogEntry`); this model only gives `huimin_core.view_auditlog` a name
    that the security auditor's group is granted by `huimin.sites.services` (core imports no app)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_auditlog", "查看和导出审计日志")]
        verbose_name = verbose_name_plural = "审计日志"

    def __str__(self):
        return "审计日志"


class PreviousPassword(models.Model):
    """The hash of a password a staff member had, so the last few are not used again
    (`core.login.PasswordHistoryValidator`). Only the newest HUIMIN_PASSWORD_HISTORY are kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="previous_passwords"
    )
    password = models.CharField("密码摘要", max_length=128)
    set_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-set_at"])]

    def __str__(self):
        return f"{self.user} {self.set_at:%Y-%m-%d %H:%M}"
