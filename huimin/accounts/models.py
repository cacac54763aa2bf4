"""Citizen accounts of the whole site group: one account, one login on every site.

An `Account` belongs to a Django user that is never staff (staff sign in to the admin, with their second
factor, and not here). A natural person (自然人) or a legal person (法人, with its unified social credit
code); a mobile number or an e-mail address, verified by a code, is how it signs in. `AccountTag` holds the
tags a user chose or that came from the registration (a legal person's industry and region), with keys and
values from the group's vocabularies (`tags.py`). `VerificationCode` keeps only a hash of each code sent;
`LoginTicket` carries one login from the hub to another host of the group, once, within a minute.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .enums import AccountKind, CodeChannel, CodePurpose, TagSource


class Account(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="citizen"
    )
    kind = models.CharField(
        "账号类型", max_length=10, choices=AccountKind.choices, default=AccountKind.PERSON
    )
    display_name = models.CharField("称呼", max_length=60, blank=True)
    mobile = models.CharField("手机号码", max_length=20, blank=True)
    mobile_verified_at = models.DateTimeField("手机验证时间", null=True, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    email_verified_at = models.DateTimeField("邮箱验证时间", null=True, blank=True)
    org_name = models.CharField("单位名称", max_length=100, blank=True, help_text="法人账号填写")
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    terms_version = models.CharField("同意的服务条款版本", max_length=20)
    terms_accepted_at = models.DateTimeField("同意服务条款时间")
    profiling_consent = models.BooleanField("允许记录浏览以推荐内容", default=False)
    profiling_consent_at = models.DateTimeField("推荐授权变更时间", null=True, blank=True)
    oidc_issuer = models.CharField("统一身份认证来源", max_length=200, blank=True)
    oidc_subject = models.CharField("统一身份认证标识", max_length=255, blank=True)
    created_at = models.DateTimeField("注册时间")
    registered_site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name="注册网站",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户账号"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["mobile"], condition=~Q(mobile=""), name="account_unique_mobile"),
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="account_unique_email"),
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="account_unique_oidc_subject",
            ),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="account_unique_credit_code"
            ),
        ]

    def __str__(self):
        return self.display_name or self.masked_login()

    def masked_login(self) -> str:
        """The mobile number or e-mail address with its middle hidden, for screens and logs."""
        if self.mobile:
            return f"{self.mobile[:3]}****{self.mobile[-4:]}"
        if self.email:
            name, _, domain = self.email.partition("@")
            return f"{name[:2]}***@{domain}"
        return f"用户{self.pk}"


class AccountTag(models.Model):
    account = models.ForeignKey(Account, verbose_name="账号", on_delete=models.CASCADE, related_name="tags")
    key = models.CharField("标签类别", max_length=30)
    value = models.CharField("标签", max_length=100)
    source = models.CharField("来源", max_length=20, choices=TagSource.choices, default=TagSource.CHOSEN)

    class Meta:
        verbose_name = verbose_name_plural = "用户标签"
        constraints = [
            models.UniqueConstraint(fields=["account", "key", "value"], name="account_tag_unique"),
        ]

    def __str__(self):
        return f"{self.key}:{self.value}"


class VerificationCode(models.Model):
    channel = models.CharField("发送方式", max_length=10, choices=CodeChannel.choices)
    address = models.CharField("手机或邮箱", max_length=254, db_index=True)
    purpose = models.CharField("用途", max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField("验证码摘要", max_length=128)
    created_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("校验次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "验证码"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["address", "purpose", "created_at"], name="code_address_purpose")]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"


class LoginTicket(models.Model):
    token_hash = models.CharField("票据摘要", max_length=64, unique=True)
    session_key = models.CharField("会话", max_length=40)
    host = models.CharField("目标网站", max_length=255)
    created_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("失效时间", db_index=True)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录票据"

    def __str__(self):
        return f"{self.host} {self.created_at:%Y-%m-%d %H:%M}"
