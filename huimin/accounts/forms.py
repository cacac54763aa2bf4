"""The public forms of sign-up, sign-in and password reset. They only collect what people type (lengths, the
required fields, the two passwords alike); the services decide, and their refusals come back onto the fields
(`ServiceForm.apply_error`).

Every code step has two screens, so it works without JavaScript: the address (发送验证码), then the code with
the rest. Between them the address travels in a signed, timestamped step token (`StepToken`), so any tab
can finish its own step and nothing is kept on the server for a visitor who goes away.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.html import format_html

from huimin.core.forms import FIELD_ERRORS, ServiceForm

from . import services, tags, validators
from .enums import AccountKind

FIELD_TEMPLATE = "core/includes/field.html"
ADDRESS_LABEL = "手机号码或电子邮箱"
STEP_SALT = "huimin.accounts.step"


@dataclass(frozen=True)
class Step:
    address: str
    channel: str
    purpose: str
    kind: str = AccountKind.PERSON


class StepToken:
    """The address a code was sent to (and, for sign-up, the kind of account), signed for the next screen."""

    @staticmethod
    def max_age() -> int:
        return (settings.HUIMIN_ACCOUNT_CODE_MINUTES + 30) * 60

    @staticmethod
    def dumps(step: Step) -> str:
        data = {"a": step.address, "c": step.channel, "p": step.purpose, "k": step.kind}
        return signing.dumps(data, salt=STEP_SALT)

    @classmethod
    def loads(cls, token: str, purpose: str) -> Step | None:
        if not isinstance(token, str) or len(token) > 1000:
            return None
        try:
            data = signing.loads(token, salt=STEP_SALT, max_age=cls.max_age())
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or data.get("p") != purpose:
            return None
        kind = data.get("k") if data.get("k") in AccountKind.values else AccountKind.PERSON
        address, channel = str(data.get("a", "")), str(data.get("c", ""))
        return Step(address=address, channel=channel, purpose=purpose, kind=kind)


class AccountForm(ServiceForm):
    """A public form rendered with the project's field template (labels saying 必填 in words, hints and
    errors named in aria-describedby)."""

    field_errors = {**FIELD_ERRORS, "max_length": "内容过长：最多 %(limit_value)d 个字符。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            self.dress(field)

    def dress(self, field) -> None:
        """The project's template and Chinese messages for a field (also for one added after __init__)."""
        field.template_name = FIELD_TEMPLATE
        field.marked_required = field.required or getattr(field, "marked_required", False)
        field.error_messages.update(self.field_errors)


def _address_field() -> forms.CharField:
    return forms.CharField(
        label=ADDRESS_LABEL,
        max_length=254,
        help_text="中国大陆手机号码（11 位）或电子邮箱地址，验证码将发送到这里。",
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


def _code_field() -> forms.CharField:
    return forms.CharField(
        label="验证码",
        max_length=12,
        help_text="请输入收到的 6 位数字。",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "code-input"}
        ),
    )


def _password_rules_text() -> str:
    rules = [rule.rstrip("。").replace("你", "您") for rule in services.password_rules()]
    return "密码要求：" + "；".join(rules) + "。"


class NewPasswordMixin:
    """Two password fields that must be the same; the rules are the project's password validators."""

    def add_password_fields(self, label: str = "密码") -> None:
        self.fields["password1"] = forms.CharField(
            label=f"设置{label}",
            max_length=services.MAX_PASSWORD,
            strip=False,
            help_text=_password_rules_text(),
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        )
        self.fields["password2"] = forms.CharField(
            label=f"再次输入{label}",
            max_length=services.MAX_PASSWORD,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        )

    def check_passwords(self, cleaned: dict) -> None:
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "两次输入的密码不一致，请重新输入。")


class StartForm(AccountForm):
    """The first screen of a code step: where to send the code (and, for sign-up, the kind of account)."""

    action = ""

    def __init__(self, *args, with_kind: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_kind:
            self.fields["kind"] = forms.ChoiceField(
                label="注册类型",
                choices=AccountKind.choices,
                initial=AccountKind.PERSON,
                widget=forms.RadioSelect,
                help_text="企业、机关事业单位和社会组织请选择“法人”，需填写统一社会信用代码。",
            )
            self.dress(self.fields["kind"])
            self.order_fields(["kind", "address"])

    address = _address_field()


class RegisterForm(NewPasswordMixin, AccountForm):
    """The second screen of sign-up: the code, who the account is for, the password and the consent."""

    error_fields = {"address": "code", "password": "password1", "tags": None}

    code = _code_field()
    display_name = forms.CharField(
        label="称呼（选填）",
        max_length=60,
        required=False,
        help_text="在“我的”页面和消息中称呼您，例如“王先生”。",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def __init__(self, *args, kind: str = AccountKind.PERSON, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == AccountKind.LEGAL:
            del self.fields["display_name"]
            self.fields["org_name"] = forms.CharField(
                label="单位名称",
                max_length=100,
                help_text="与营业执照或登记证书上的名称一致。",
                widget=forms.TextInput(attrs={"autocomplete": "organization"}),
            )
            self.fields["credit_code"] = forms.CharField(
                label="统一社会信用代码",
                max_length=30,
                help_text="18 位，见营业执照或登记证书。",
                widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
            )
            known = tags.keys()  # the vocabularies, with the values of the moment
            vocabularies = {key.key: key for key in known}
            for name, label, hint in (
                ("industry", "所属行业", "用于向您推送本行业的政策。"),
                ("region", "所在区域", "单位注册地所在的县区或功能区。"),
            ):
                values = vocabularies[name].values if name in vocabularies else ()
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=[("", "请选择"), *((v, v) for v in values)], help_text=hint
                )
                self.fields[name].required_message = f"请选择{label}。"
        self.add_password_fields()
        terms = reverse("accounts:terms")
        self.fields["agree"] = forms.BooleanField(
            label="我已阅读并同意用户服务协议",
            help_text=format_html(
                '<a href="{}" target="_blank" rel="noopener">阅读《用户服务协议》（在新窗口打开）</a>', terms
            ),
        )
        for field in self.fields.values():
            self.dress(field)
            if hasattr(field, "required_message"):
                field.error_messages["required"] = field.required_message
        self.fields["agree"].error_messages["required"] = "请阅读并同意用户服务协议后再注册。"

    def clean_credit_code(self):
        return validators.validate_credit_code(self.cleaned_data["credit_code"])

    def clean(self):
        cleaned = super().clean()
        self.check_passwords(cleaned)
        return cleaned

    def registration(self, step: Step) -> services.Registration:
        data = self.cleaned_data
        legal = self.kind == AccountKind.LEGAL
        pairs = [(k, data[k]) for k in ("industry", "region") if legal and data.get(k)]
        return services.Registration(
            address=step.address,
            code=data["code"],
            password=data["password1"],
            kind=self.kind,
            display_name=data.get("display_name", ""),
            org_name=data.get("org_name", ""),
            credit_code=data.get("credit_code", ""),
            registration_tags=pairs,
        )


class PasswordLoginForm(AccountForm):
    error_fields = {"address": "login"}

    login = forms.CharField(
        label=ADDRESS_LABEL,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="密码",
        max_length=services.MAX_PASSWORD,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(AccountForm):
    """The second screen of a code login: the code alone."""

    error_fields = {"address": "code"}

    code = _code_field()


class ResetForm(NewPasswordMixin, AccountForm):
    """The second screen of a password reset: the code and the new password twice."""

    error_fields = {"address": "code", "password": "password1"}

    code = _code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_password_fields("新密码")
        for name in ("password1", "password2"):
            self.dress(self.fields[name])

    def clean(self):
        cleaned = super().clean()
        self.check_passwords(cleaned)
        return cleaned
