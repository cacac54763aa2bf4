"""解除登录锁定: lifting a login lock (`huimin.core.login.unlock`) from the admin, by the security
administrator or a platform administrator (permission `huimin_core.unlock_login`), and from the command line
(`huimin login-unlock`). Each lift is written to the audit log (docs/decisions/0013)."""

from __future__ import annotations

import ipaddress

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from . import login

UNLOCK_PERMISSION = "huimin_core.unlock_login"
UNLOCK = "huimin.login_unlock"
LOG_ACTION = (UNLOCK, "解除登录锁定", "解除了登录锁定")


@transaction.atomic
def unlock_login(*, username: str = "", address: str = "", actor=None) -> int:
    """Forget the login failures of an account and/or an address; how many were forgotten."""
    if actor is not None and not actor.has_perm(UNLOCK_PERMISSION):
        raise PermissionDenied("只有安全管理员或平台管理员可以解除登录锁定。")
    username, address = (username or "").strip(), (address or "").strip()
    if not username and not address:
        raise ValidationError("请填写要解除锁定的账号或来源地址。")
    if address:
        try:
            address = str(ipaddress.ip_address(address))
        except ValueError:
            raise ValidationError("来源地址不是有效的 IP 地址。") from None
    removed = login.unlock(username, address)
    person = get_user_model().objects.filter(username__iexact=username).first() if username else None
    instance = person or actor
    if instance is not None:  # an address lifted from the command line has nothing to hang an entry on
        data = {"username": username, "address": address, "removed": removed}
        log(instance=instance, action=UNLOCK, user=actor, data=data)
    return removed


class UnlockForm(forms.Form):
    username = forms.CharField(
        label="账号",
        required=False,
        max_length=150,
        error_messages={
            "max_length": "账号最多 150 个字。",
            "null_characters_not_allowed": "账号含有不能识别的字符。",
        },
    )
    address = forms.CharField(
        label="来源地址",
        required=False,
        max_length=45,
        help_text="来自这个 IP 地址的登录失败次数过多时填写",
        error_messages={
            "max_length": "来源地址最多 45 个字符。",
            "null_characters_not_allowed": "来源地址含有不能识别的字符。",
        },
    )


class LoginUnlockView(WagtailAdminTemplateMixin, FormView):
    template_name = "core/lockout.html"
    page_title = "解除登录锁定"
    header_icon = "lock-open"
    form_class = UnlockForm

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(UNLOCK_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            removed = unlock_login(**form.cleaned_data, actor=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已解除登录锁定，清除了 {removed} 条登录失败记录。")
        return redirect(reverse("huimin_login_unlock"))

    def get_context_data(self, **kwargs):
        return super().get_context_data(lock_minutes=settings.HUIMIN_LOGIN_LOCK_MINUTES, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
