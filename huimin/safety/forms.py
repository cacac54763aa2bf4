"""The forms of 内容安全 in the admin: a term, an import, and the text check. They only collect what a person
types; the rules (lengths, duplicates, who may edit) are the services', whose refusals come back onto the
form's fields (`apply_error`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from .dictionary import MAX_FILE_BYTES, NOTE_MAX, SUGGESTION_MAX, TERM_MAX
from .enums import Severity
from .models import TermCategory

ERRORS = {
    "required": "请填写此项。",
    "max_length": "内容过长：最多 %(limit_value)d 个字（现有 %(show_value)d 个字）。",
    "invalid": "格式不正确。",
    "invalid_choice": "请从列表中选择。",
    "invalid_pk_value": "请从列表中选择。",
    "null_characters_not_allowed": "含有无法识别的控制字符（如 NUL），请删除后重新提交。",
    "empty": "上传的文件是空的。",
    "missing": "请选择要上传的文件。",
}
CHECK_MAX = 200_000  # characters of pasted text the check screen takes


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(ERRORS)

    def apply_error(self, error: Exception) -> None:
        if isinstance(error, PermissionDenied):
            self.add_error(None, str(error) or "您没有修改词典的权限。")
        elif isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(key if key in self.fields else None, message)
        else:
            for message in error.messages if isinstance(error, ValidationError) else [str(error)]:
                self.add_error(None, message)


class TermForm(_Form):
    term = forms.CharField(
        label="词条",
        max_length=TERM_MAX,
        help_text="错误的写法或不得出现的词，至少 2 个字。比对时不区分繁简体、全半角，并忽略字间空格。",
    )
    suggestion = forms.CharField(
        label="正确写法",
        max_length=SUGGESTION_MAX,
        required=False,
        help_text="应改为的写法；不填表示该词应删除或改写。",
    )
    category = forms.ModelChoiceField(
        label="类别",
        queryset=TermCategory.objects.all(),
        empty_label="请选择类别",
        help_text="类别决定检查类型。",
    )
    severity = forms.ChoiceField(
        label="处理方式",
        choices=Severity.choices,
        initial=Severity.WARN,
        widget=forms.RadioSelect,
        help_text="禁止发布：发现即不能发布；提醒确认：审核人核实后可以发布。",
    )
    note = forms.CharField(
        label="备注", max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(
        label="启用", required=False, initial=True, help_text="停用的词条不参与检查。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: f"{c.name}（{c.get_kind_display()}）"


class ImportForm(_Form):
    file = forms.FileField(
        label="词表文件",
        help_text=(
            "制表符分隔的文本文件，每行：词条、正确写法、类别、处理方式（禁止发布或提醒确认）、备注；"
            "也接受“错误写法、正确写法、veto”的旧格式。UTF-8 或 GBK 编码，不超过 5 MB。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".tsv,.txt,.csv,text/plain"}),
    )
    dry_run = forms.BooleanField(label="只检查，不导入", required=False, help_text="先看将新增、更新多少条。")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError("词表文件过大：不能超过 5 MB。")
        return upload


class CheckForm(_Form):
    text = forms.CharField(
        label="要检查的文字",
        max_length=CHECK_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="粘贴稿件的标题和正文（可含 HTML），检查错误表述、有害信息和个人信息。",
    )
