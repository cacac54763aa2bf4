"""The public forms of 依申请公开: the application, the correction, the withdrawal. Fields render with the
project's accessible field template, errors are in Chinese, and the application's rules are the service's
(`services.validate`), so the form and the service never disagree."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from huimin.core.human_check import FIELD_ANSWER, FIELD_TOKEN, HumanCheckMixin
from huimin.letters import attachments
from huimin.letters.forms import (
    CHINESE_ERRORS,
    HUMAN_HINT,
    ChineseErrors,
    MultipleFileField,
    QueryForm,
    use_project_fields,
)

from . import services
from .enums import ApplicantType, Delivery, IdType, OrgKind

# Django's own message for a NUL character is English; the service's words, for every field of these forms.
ERRORS = {
    **CHINESE_ERRORS,
    "null_characters_not_allowed": "含有无法识别的控制字符（如 NUL），请删除后重新提交。",
}

__all__ = ["ApplicationForm", "CorrectionForm", "QueryForm", "WithdrawForm"]

# The service's field names are the form's; the service's "unit" error belongs to the form's "unit".
SERVICE_FIELDS = (
    "applicant_type", "org_kind", "name", "contact_person", "id_type", "id_number", "phone", "email",
    "address", "postcode", "description", "purpose", "delivery", "unit",
)  # fmt: skip


def _attachment_field(label: str) -> MultipleFileField:
    field = MultipleFileField(label=label, required=False)
    field.help_text = attachments.rules_text()
    field.widget.attrs["accept"] = ",".join(e for k in attachments.allowed().values() for e in k.extensions)
    return field


class ApplicationForm(HumanCheckMixin, ChineseErrors, forms.Form):
    """The application for government information (政府信息公开申请表).

    `units`: the units this site takes applications for. `kept`: files of an application waiting for
    confirmation (dicts with "name" and "size"), each with a box to remove it. `human_checked`: the human
    check was answered for that application already."""

    applicant_type = forms.ChoiceField(
        label="申请人类型",
        choices=ApplicantType.choices,
        widget=forms.RadioSelect,
        initial=ApplicantType.CITIZEN,
    )
    name = forms.CharField(
        label="姓名或名称", max_length=100, help_text="公民填写姓名，法人或其他组织填写名称。"
    )
    org_kind = forms.ChoiceField(
        label="组织类别",
        choices=[("", "（公民不填）"), *OrgKind.choices],
        required=False,
        help_text="法人或其他组织必填。",
    )
    contact_person = forms.CharField(
        label="联系人", max_length=50, required=False, help_text="法人或其他组织必填。"
    )
    id_type = forms.ChoiceField(
        label="证件类型",
        choices=IdType.choices,
        help_text="公民可选居民身份证、护照或通行证；法人或其他组织选统一社会信用代码。",
    )
    id_number = forms.CharField(label="证件号码", max_length=30, help_text="仅用于办理，不会公开。")
    phone = forms.CharField(
        label="联系电话", max_length=20, help_text="手机号码或固定电话，如 0527-84350000。"
    )
    email = forms.CharField(
        label="电子邮箱", max_length=254, required=False, help_text="选择以电子邮件获取的必填。",
        widget=forms.EmailInput,
    )  # fmt: skip
    address = forms.CharField(
        label="通信地址", max_length=200, required=False, help_text="选择纸质获取的必填。"
    )
    postcode = forms.CharField(label="邮政编码（选填）", max_length=6, required=False)
    description = forms.CharField(
        label="所需信息的内容描述",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请写明所需政府信息的名称、文号或者便于查询的其他特征。",
    )
    purpose = forms.CharField(label="用途（选填）", max_length=500, required=False)
    delivery = forms.ChoiceField(
        label="获取信息的方式", choices=Delivery.choices, widget=forms.RadioSelect, initial=Delivery.ONLINE
    )
    unit = forms.TypedChoiceField(label="申请的行政机关", coerce=int, choices=())
    # Left empty by people; filled by most form-filling robots. Hidden from view and from screen readers.
    website = forms.CharField(required=False, label="请勿填写此项")

    def __init__(self, *args, units=(), kept=(), human_checked=False, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        self.units = {unit.pk: unit for unit in units}
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]
        self.fields["unit"].help_text = "向哪个行政机关申请公开，就选择哪个机关。"
        self.kept = list(kept)
        self.human_checked = human_checked
        self.checked_uploads = []
        self.fields["attachments"] = _attachment_field(
            "身份证明材料（选填）" if not self.kept else "添加身份证明材料（选填）"
        )
        self.fields["attachments"].help_text = "如身份证复印件、营业执照复印件。" + attachments.rules_text()
        order = list(self.fields)
        order.remove("attachments")
        order.insert(order.index("unit") + 1, "attachments")
        if self.kept:
            self.fields["remove_files"] = forms.MultipleChoiceField(
                label="已上传的材料（勾选要删除的材料）",
                required=False,
                choices=[
                    (str(i), f"删除“{f['name']}”（{filesizeformat(f['size'])}）")
                    for i, f in enumerate(self.kept)
                ],
                widget=forms.CheckboxSelectMultiple,
            )
            order.insert(order.index("attachments") + 1, "remove_files")
        self.order_fields(order)
        if human_checked:
            del self.fields[FIELD_TOKEN], self.fields[FIELD_ANSWER]
        else:
            answer = self.fields[FIELD_ANSWER]
            answer.help_text = HUMAN_HINT
            answer.marked_required = True
            answer.widget.attrs["aria-required"] = "true"
        for name in ("org_kind", "contact_person", "email", "address"):
            self.fields[name].marked_required = False
        use_project_fields(self)
        for field in self.fields.values():
            field.error_messages.update(ERRORS)

    def clean_attachments(self):
        uploads = self.cleaned_data["attachments"]
        self.checked_uploads = attachments.check_all(uploads)
        return uploads

    def removed(self) -> set[int]:
        return {int(i) for i in self.cleaned_data.get("remove_files", []) if i.isdigit()}

    def data_for_service(self, **extra) -> services.ApplicationData:
        """The form's values as the service takes them (no attachments: the view adds them)."""
        c = self.cleaned_data
        return services.ApplicationData(
            site=self.site,
            unit=self.units.get(c.get("unit")),
            applicant_type=c.get("applicant_type", ""),
            org_kind=c.get("org_kind", ""),
            name=c.get("name", ""),
            id_type=c.get("id_type", ""),
            id_number=c.get("id_number", ""),
            contact_person=c.get("contact_person", ""),
            phone=c.get("phone", ""),
            email=c.get("email", ""),
            address=c.get("address", ""),
            postcode=c.get("postcode", ""),
            description=c.get("description", ""),
            purpose=c.get("purpose", ""),
            delivery=c.get("delivery", ""),
            **extra,
        )

    def clean(self):
        cleaned = forms.Form.clean(self) if self.human_checked else super().clean()
        try:
            services.validate(self.data_for_service())
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name not in self.errors:  # a field the form refused already keeps its own message
                    self.add_error(name if name in self.fields else None, messages)
        if "attachments" in cleaned and self.kept:
            total = len(self.kept) - len(self.removed()) + len(cleaned["attachments"])
            limit = settings.HUIMIN_LETTER_ATTACHMENT_MAX_FILES
            if total > limit:
                self.add_error("attachments", f"材料最多 {limit} 个（含已上传的材料）。")
        if self.errors and self.files:
            self.add_error(None, "请更正标出的内容；为安全起见，材料需要重新选择。")
        return cleaned


class CorrectionForm(ChineseErrors, forms.Form):
    correction_text = forms.CharField(
        label="补正内容", max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="请按照补正告知的要求补充或更正申请内容。",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"] = _attachment_field("补正材料（选填）")
        for each in self.fields.values():
            each.error_messages.update(ERRORS)
        use_project_fields(self)

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        attachments.check_all(uploads)
        return uploads


class WithdrawForm(ChineseErrors, forms.Form):
    reason = forms.CharField(label="撤回理由（选填）", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages.update(ERRORS)
