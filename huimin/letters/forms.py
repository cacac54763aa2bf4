from django import forms
from django.core.validators import RegexValidator

from huimin.core.human_check import HumanCheckMixin
from huimin.sites.models import OrgUnit

from . import attachments
from .enums import Kind, Rating

MOBILE = RegexValidator(r"\A1[3-9][0-9]{9}\Z", "请输入 11 位手机号码。")
CHINESE_ERRORS = {
    "required": "请填写此项。",
    "max_length": "内容过长：最多 %(limit_value)d 个字。",
    "invalid": "格式不正确。",
    "invalid_choice": "请从列表中选择。",
}


class _ChineseErrors:
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(CHINESE_ERRORS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by `attachments.check_all` in the form."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        return [f for f in data if f] if isinstance(data, (list, tuple)) else ([data] if data else [])


class LetterForm(HumanCheckMixin, _ChineseErrors, forms.Form):
    kind = forms.ChoiceField(label="留言类型", choices=Kind.choices, initial=Kind.CONSULT)
    chosen_unit = forms.ModelChoiceField(
        label="留言对象",
        queryset=OrgUnit.objects.all(),
        required=False,
        empty_label="不确定，由平台分办",
        help_text="选择您希望答复的地区或部门。",
    )
    title = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))
    contact_name = forms.CharField(label="姓名", max_length=50, help_text="仅用于办理，不会公开。")
    contact_phone = forms.CharField(
        label="手机号码", max_length=20, validators=[MOBILE], help_text="仅用于办理，不会公开。"
    )
    contact_email = forms.EmailField(label="电子邮箱（选填）", required=False)
    attachments = MultipleFileField(label="附件（选填）", required=False)
    may_publish = forms.BooleanField(label="同意在网站公开本留言和答复（个人信息会隐去）", required=False)
    # Left empty by people; filled by most form-filling robots. Hidden from view and from screen readers.
    website = forms.CharField(required=False, label="请勿填写此项")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attachments"]
        field.help_text = attachments.rules_text()
        field.widget.attrs["accept"] = ",".join(
            e for k in attachments.allowed().values() for e in k.extensions
        )

    def clean_attachments(self):
        uploads = self.cleaned_data["attachments"]
        attachments.check_all(uploads)
        return uploads

    def clean(self):
        cleaned = super().clean()
        if self.errors and self.files:
            self.add_error(None, "请更正标出的内容；为安全起见，附件需要重新选择。")
        return cleaned


class QueryForm(_ChineseErrors, forms.Form):
    code = forms.CharField(label="查询码", max_length=12)
    password = forms.CharField(label="查询密码", max_length=12, widget=forms.PasswordInput)


class SupplementForm(_ChineseErrors, forms.Form):
    supplement = forms.CharField(label="补充内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class RatingForm(_ChineseErrors, forms.Form):
    rating = forms.ChoiceField(label="您对答复是否满意", choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="评价意见（选填）", max_length=500, required=False)
