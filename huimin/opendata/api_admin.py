"""Admin of the data API's keys (接口密钥), for platform administrators only: list, issue, revoke.

A new key is shown once, on the page that answers the issuing form (never stored, never in a redirect's
URL, not cached). `admin_urls()` and `menu_item()` are registered by the app's `wagtail_hooks.py`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import apikeys
from .models import ApiKey

PAGE_SIZE = 50
LIST_URL = "opendata_api_keys"
ISSUE_URL = "opendata_api_key_issue"
REVOKE_URL = "opendata_api_key_revoke"


class _SuperuserOnly:
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ApiKeyListView(_SuperuserOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "opendata/admin/api_keys.html"
    page_title = "数据接口密钥"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        keys = ApiKey.objects.select_related("created_by").order_by("revoked_at", "-created_at", "-pk")
        context["page"] = Paginator(keys, PAGE_SIZE).get_page(self.request.GET.get("p"))
        return context


class IssueForm(forms.Form):
    name = forms.CharField(label="使用单位或应用名称", max_length=100)
    contact = forms.CharField(
        label="联系方式", max_length=200, required=False, help_text="联系人和电话或邮箱。"
    )
    hourly_limit = forms.IntegerField(
        label="每小时请求上限",
        min_value=1,
        max_value=apikeys.MAX_HOURLY_LIMIT,
        initial=10000,
        help_text="使用此密钥时每小时最多可请求的次数。",
    )


class ApiKeyIssueView(_SuperuserOnly, WagtailAdminTemplateMixin, FormView):
    template_name = "opendata/admin/api_key_issue.html"
    form_class = IssueForm
    page_title = "签发接口密钥"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=reverse(ISSUE_URL),
            submit_button_label="签发密钥",
            submit_button_active_label="正在签发…",
        )
        return context

    def form_valid(self, form):
        try:
            key, raw = apikeys.issue_key(
                form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                hourly_limit=form.cleaned_data["hourly_limit"],
                actor=self.request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        response = self.render_to_response(
            {**self.get_context_data(form=form), "issued": key, "raw_key": raw, "page_title": "密钥已签发"}
        )
        add_never_cache_headers(response)  # the raw key must not stay in any cache
        return response


class ApiKeyRevokeView(_SuperuserOnly, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        key = get_object_or_404(ApiKey, pk=pk)
        was_live = key.revoked_at is None
        apikeys.revoke_key(key, actor=request.user, now=timezone.now())
        if was_live:
            messages.success(request, f"已停用接口密钥“{key.name}”（{key.prefix}…），使用它的请求将被拒绝。")
        else:
            messages.info(request, f"接口密钥“{key.name}”此前已停用。")
        return redirect(reverse(LIST_URL))


def admin_urls() -> list:
    return [
        path("opendata/api-keys/", ApiKeyListView.as_view(), name=LIST_URL),
        path("opendata/api-keys/new/", ApiKeyIssueView.as_view(), name=ISSUE_URL),
        path("opendata/api-keys/<int:pk>/revoke/", ApiKeyRevokeView.as_view(), name=REVOKE_URL),
    ]


class _SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


def menu_item() -> MenuItem:
    return _SuperuserMenuItem("数据接口密钥", reverse(LIST_URL), icon_name="key", order=40)
