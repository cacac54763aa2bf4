"""The forms of the security screens. They only collect what people type: every rule (who, which site, which
state, the limits, the files' kinds) is the service's, and its refusals come back onto the fields
(`apply_error`), so what was typed stays on the screen. The site is posted as an id and looked up among the
sites this person may record for, never trusted from the choices shown."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from huimin.core.forms import ServiceForm
from huimin.letters import attachments
from huimin.letters.forms import MultipleFileField

from .enums import ExerciseKind


class AcknowledgeForm(ServiceForm):
    action = "acknowledge"
    title = "确认预警"
    button = "确认，已在处置"
    note = forms.CharField(
        label="处置说明",
        required=False,
        strip=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="选填：已采取的措施或负责处置的人员。确认后不再升级通知。",
    )


class ResolveForm(ServiceForm):
    action = "resolve"
    title = "解除预警"
    button = "解除预警"
    note = forms.CharField(
        label="解除说明",
        strip=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="必填：问题已如何修复，或为何属于正常情况。首页疑似被篡改的预警解除后，以当前首页内容作为新的比对基准。",
    )


ALERT_FORMS = {form.action: form for form in (AcknowledgeForm, ResolveForm)}


def upload_rules() -> str:
    return attachments.rules_text()


class ExerciseForm(ServiceForm):
    title = "登记应急演练或渗透测试"
    button = "登记"

    site = forms.CharField(label="网站", widget=forms.Select())
    kind = forms.ChoiceField(label="类型", choices=ExerciseKind.choices, widget=forms.RadioSelect)
    held_on = forms.DateField(
        label="开展日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    title_text = forms.CharField(
        label="名称",
        strip=False,
        max_length=100,
        help_text="如：2026年第四季度网站被篡改应急演练",
        widget=forms.TextInput(attrs={"maxlength": 100, "autocomplete": "off"}),
    )
    organiser = forms.CharField(
        label="实施单位",
        required=False,
        strip=False,
        max_length=100,
        help_text="选填：组织演练或实施测试的单位、测试机构。",
        widget=forms.TextInput(attrs={"maxlength": 100}),
    )
    scope = forms.CharField(
        label="范围和内容",
        strip=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="演练的场景，或测试的系统、地址和方法。",
    )
    findings = forms.CharField(
        label="发现的问题",
        required=False,
        strip=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    fixes = forms.CharField(
        label="整改情况",
        required=False,
        strip=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    uploads = MultipleFileField(label="材料（选填）", required=False)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].widget.choices = [
            ("", "请选择网站"),
            *[(str(s.pk), s.site_name or s.hostname) for s in sites],
        ]
        self.fields["uploads"].help_text = "方案、报告、整改材料等。" + upload_rules()

    def apply_error(self, error: Exception) -> None:
        if (
            isinstance(error, ValidationError)
            and hasattr(error, "error_dict")
            and "title" in error.error_dict
        ):
            error = ValidationError(
                {("title_text" if key == "title" else key): value for key, value in error.error_dict.items()}
            )
        super().apply_error(error)


class ExerciseFilesForm(ServiceForm):
    action = "files"
    title = "上传材料"
    button = "上传"
    uploads = MultipleFileField(label="材料", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uploads"].help_text = upload_rules()
