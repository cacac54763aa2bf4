"""The forms of 信息报送 in the admin. They only collect what people type: every rule (who, which column,
which state, the limits) is the service's (`services/submissions.py`), and its refusals come back onto the
fields (`apply_error`), so what was typed stays on the screen. The unit and the column are posted as ids and
checked by the service, never trusted from the choices shown."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from huimin.core.forms import ServiceForm
from huimin.letters import attachments

from .enums import Adoption, SubmissionKind

QUARTERS = [("", "不适用"), ("1", "第一季度"), ("2", "第二季度"), ("3", "第三季度"), ("4", "第四季度")]


def _select(choices) -> forms.CharField:
    """A select whose posted value is passed on as typed (the service checks it)."""
    return forms.CharField(required=False, widget=forms.Select(choices=choices))


class ContentFields(ServiceForm):
    """What an item says: the fields a unit fills in when submitting and revising."""

    column = _select([])
    quarter = _select(QUARTERS)
    title_text = forms.CharField(label="标题", strip=False, widget=forms.TextInput(attrs={"maxlength": 200}))
    body = forms.CharField(label="正文", strip=False, widget=forms.Textarea(attrs={"rows": 12}))
    attachment = forms.FileField(label="附件", required=False)

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].label = "拟投栏目"
        self.fields["column"].help_text = "信息报送须选择门户网站的栏目；选题计划和答复口径可不选。"
        self.fields["column"].widget.choices = [("", "请选择栏目"), *columns]
        self.fields["quarter"].label = "选题季度"
        self.fields["quarter"].help_text = "仅政务专题选题计划须选择。"
        self.fields["attachment"].help_text = attachment_rules()
        self.fields["title_text"].widget.attrs.update({"autocomplete": "off"})

    # the service names the field "title"; the form's own `title` is its heading
    def apply_error(self, error: Exception) -> None:
        if isinstance(error, ValidationError) and "title" in getattr(error, "error_dict", {}):
            error.error_dict["title_text"] = error.error_dict.pop("title")
        super().apply_error(error)


def attachment_rules() -> str:
    names = "、".join(kind.label for kind in attachments.allowed().values())
    return f"可选：1 个{names}，不超过 {settings.HUIMIN_LETTER_ATTACHMENT_MAX_MB} MB。"


class SubmitForm(ContentFields):
    action = "submit"
    title = "报送信息"
    button = "报送"

    unit = _select([])
    kind = forms.ChoiceField(label="报送类型", choices=SubmissionKind.choices, initial=SubmissionKind.INFO)
    field_order = ["unit", "kind", "column", "quarter", "title_text", "body", "attachment"]

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = "报送单位"
        self.fields["unit"].required = True
        self.fields["unit"].widget.choices = [(str(unit.pk), unit.name) for unit in units]


class ReviseForm(ContentFields):
    action = "revise"
    title = "修改报送内容"
    button = "保存修改"

    remove_attachment = forms.BooleanField(label="删除原附件", required=False)


class WithdrawForm(ServiceForm):
    action = "withdraw"
    title = "撤回"
    button = "撤回报送"


class AdoptForm(ServiceForm):
    action = "adopt"
    title = "采用"
    button = "采用"

    adoption = forms.ChoiceField(label="采用方式", choices=Adoption.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}), strip=False
    )
    make_page = forms.BooleanField(
        label="在拟投栏目生成文章草稿（原文采用、改写采用的信息报送）", required=False, initial=True
    )

    def __init__(self, *args, points=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adoption"].error_messages["required"] = "请选择采用方式。"
        if points:
            self.fields["adoption"].choices = [
                (value, f"{label}（{points[value]:g} 分）" if value in points else label)
                for value, label in Adoption.choices
            ]


class RejectForm(ServiceForm):
    action = "reject"
    title = "不予采用"
    button = "不予采用"

    reason = forms.CharField(
        label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}), strip=False
    )


DETAIL_FORMS = {form.action: form for form in (ReviseForm, WithdrawForm, AdoptForm, RejectForm)}
