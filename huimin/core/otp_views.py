"""The admin's screens for the second factor (core/otp.py): the second step after the password, enrolment
with a QR code, the 两步验证 page of a person's account, new backup codes and turning it off."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import otp

STANDALONE = "core/otp/standalone.html"  # like the login page: nothing else of the admin around it
IN_ADMIN = "core/otp/in_admin.html"  # the admin's own furniture: menu, header


class CodeField(forms.CharField):
    """A code as typed; anything but six digits (or, with `backup`, a ten-character backup code) is a
    Chinese error before any device is asked, whatever was sent (a NUL byte, ten kilobytes, markup)."""

    def __init__(self, *, backup: bool, **kwargs):
        self.backup = backup
        self.invalid_message = (
            "请输入 6 位数字验证码或 10 位备用码。" if backup else "请输入身份验证器显示的 6 位数字。"
        )
        attrs = {
            "autocomplete": "one-time-code",
            "autocapitalize": "off",
            "spellcheck": "false",
            "maxlength": "16",
            "autofocus": True,
        }
        if not backup:
            attrs["inputmode"] = "numeric"
        super().__init__(
            label="验证码",
            error_messages={"required": "请输入验证码。"},
            widget=forms.TextInput(attrs=attrs),
            **kwargs,
        )

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        code = otp.normalize_code(value)
        if code is None or (not self.backup and not otp.TOTP_CODE.fullmatch(code)):
            raise ValidationError(self.invalid_message, code="invalid")
        return code


class VerifyForm(forms.Form):
    code = CodeField(
        backup=True,
        help_text="打开手机上的身份验证器应用，输入本账号当前显示的 6 位数字；"
        "手机不在身边时，可输入一个备用码。",
    )


class EnrolForm(forms.Form):
    code = CodeField(backup=False, help_text="扫描二维码（或手工输入密钥）后，输入应用显示的 6 位数字。")


def _next_url(request) -> str:
    """Where to go after the step: the `next` the middleware passed on, if it is a path of this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        len(candidate) < 2000
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return reverse("wagtailadmin_home")


class OTPView(WagtailAdminTemplateMixin, View):
    page_title = "两步验证"
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def render(self, **context):
        context.setdefault("next", _next_url(self.request))
        return self.render_to_response(self.get_context_data(**context))


class VerifyView(OTPView):
    """The second step after the password."""

    template_name = "core/otp/verify.html"

    def dispatch(self, request, *args, **kwargs):
        step = otp.pending_step(request.user)
        if step == otp.ENROL:
            return redirect(otp.step_url(otp.ENROL, _next_url(request)))
        if step is None:
            return redirect(_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(form=VerifyForm())

    def post(self, request):
        form = VerifyForm(request.POST)
        if form.is_valid():
            try:
                device = otp.verify(
                    request.user, form.cleaned_data["code"], address=otp.client_address(request)
                )
            except ValidationError as error:
                form.add_error("code", error)
            else:
                otp.mark_verified(request, device)
                return redirect(_next_url(request))
        return self.render(form=form)


class EnrolView(OTPView):
    """Enrolment: a QR code and the secret, confirmed by a code; the backup codes are shown once after."""

    template_name = "core/otp/setup.html"

    def dispatch(self, request, *args, **kwargs):
        if otp.pending_step(request.user) == otp.VERIFY:  # a password alone must not add a device
            return redirect(otp.step_url(otp.VERIFY, _next_url(request)))
        return super().dispatch(request, *args, **kwargs)

    def enrolment_page(self, form, forced: bool):
        device = otp.start_enrolment(self.request.user)
        return self.render(
            form=form,
            frame=STANDALONE if forced else IN_ADMIN,
            forced=forced,
            replacing=otp.has_device(self.request.user),
            qr=otp.qr_svg(device),
            secret=otp.secret_base32(device),
        )

    def get(self, request):
        return self.enrolment_page(EnrolForm(), forced=otp.pending_step(request.user) == otp.ENROL)

    def post(self, request):
        form = EnrolForm(request.POST)
        forced = otp.pending_step(request.user) == otp.ENROL
        if form.is_valid():
            try:
                enrolment = otp.confirm_enrolment(
                    request.user, form.cleaned_data["code"], address=otp.client_address(request)
                )
            except ValidationError as error:
                form.add_error("code", error)
            else:
                otp.mark_verified(request, enrolment.device)
                self.template_name = "core/otp/backup_codes.html"
                frame = STANDALONE if forced else IN_ADMIN
                return self.render(frame=frame, codes=enrolment.backup_codes, enrolled=True)
        return self.enrolment_page(form, forced=forced)


class ManageView(OTPView):
    """The 两步验证 page of a person's account: whether it is on, and what they can do."""

    template_name = "core/otp/manage.html"

    def get(self, request):
        return self.render(status=otp.status(request.user))


@method_decorator(require_POST, name="dispatch")
class BackupCodesView(OTPView):
    """Ten new backup codes, the old ones no longer good; shown once."""

    template_name = "core/otp/backup_codes.html"

    def post(self, request):
        if not otp.has_device(request.user):
            return redirect("huimin_otp_manage")
        codes = otp.new_backup_codes(request.user, actor=request.user)
        return self.render(frame=IN_ADMIN, codes=codes, enrolled=False)


@method_decorator(require_POST, name="dispatch")
class DisableView(OTPView):
    def post(self, request):
        try:
            otp.remove_devices(
                request.user, actor=request.user, reason=otp.DISABLE, address=otp.client_address(request)
            )
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "已停用两步验证。")
        return redirect("huimin_otp_manage")
