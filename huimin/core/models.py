"""Framework-level tables shared by every app."""

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

    def __str__(self):
        return f"{self.bucket} {self.at:%Y-%m-%d %H:%M}"
