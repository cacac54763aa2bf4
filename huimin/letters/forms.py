from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat

from huimin.core.human_check import FIELD_ANSWER, FIELD_TOKEN, MAX_AGE, HumanCheckMixin
from huimin.sites.models import OrgUnit

from . import attachments
from .enums import Kind, Rating, Referral

# Its own code, so the field's generic "invalid" message does not replace this more helpful one.
MOBILE = RegexValidator(r"\A1[3-9][0-9]{9}\Z", "请输入 11 位手机号码。", code="mobile")
CHINESE_ERRORS = {
    "required": "请填写此项。",
    "max_length": "内容过长：最多 %(limit_value)d 个字。",
    "invalid": "格式不正确。",
    "invalid_choice": "请从列表中选择。",
}
# Every public form renders its fields with this template: a <label for> (or a <legend>) that says in
# words when the field must be filled in, the hint and the error each with an id, and the control, whose
# aria-describedby names both (Django adds that, and aria-invalid, itself).
FIELD_TEMPLATE = "core/includes/field.html"
HUMAN_HINT = (
    "可以用阿拉伯数字或汉字回答，例如 8 或 八。"
    f"本问题 {MAX_AGE // 3600} 小时内有效，超时请回答页面上的新问题。"
)


def use_project_fields(form) -> None:
    """Render every field of a public form with the project's field template (labels, hints, errors)."""
    for field in form.fields.values():
        field.template_name = FIELD_TEMPLATE
        # Marked "（必填）" in the label: the required fields, and any the form marks so itself.
        field.marked_required = field.required or getattr(field, "marked_required", False)


class ChineseErrors:
    """Mixin for public forms: Django's messages in Chinese, no label suffix, the project's field template."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(CHINESE_ERRORS)
        use_project_fields(self)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by `attachments.check_all` in the form."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        return [f for f in data if f] if isinstance(data, (list, tuple)) else ([data] if data else [])


class LetterForm(HumanCheckMixin, ChineseErrors, forms.Form):
    """The public message form.

    `kept`: the files of a submission waiting for confirmation (dicts with "name" and "size"), shown with a
    checkbox each to remove it; they count against the number of files allowed. `human_checked`: the
    visitor already answered the human check for that submission, so the question is not asked again."""

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

    def __init__(self, *args, kept=(), human_checked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = list(kept)
        self.human_checked = human_checked
        self.checked_uploads = []
        field = self.fields["attachments"]
        field.help_text = attachments.rules_text()
        field.widget.attrs["accept"] = ",".join(
            e for k in attachments.allowed().values() for e in k.extensions
        )
        if self.kept:
            field.label = "添加附件（选填）"
            self.fields["remove_files"] = forms.MultipleChoiceField(
                label="已上传的附件（勾选要删除的附件）",
                required=False,
                choices=[
                    (str(i), f"删除“{f['name']}”（{filesizeformat(f['size'])}）")
                    for i, f in enumerate(self.kept)
                ],
                widget=forms.CheckboxSelectMultiple,
            )
            order = list(self.fields)
            order.remove("remove_files")
            order.insert(order.index("attachments") + 1, "remove_files")
            self.order_fields(order)
        if human_checked:
            del self.fields[FIELD_TOKEN], self.fields[FIELD_ANSWER]
        else:
            answer = self.fields[FIELD_ANSWER]
            answer.help_text = HUMAN_HINT
            answer.marked_required = True  # required in effect; the mixin gives its own message
            answer.widget.attrs["aria-required"] = "true"
        use_project_fields(self)

    def clean_attachments(self):
        uploads = self.cleaned_data["attachments"]
        self.checked_uploads = attachments.check_all(uploads)
        return uploads

    def removed(self) -> set[int]:
        """Indexes of the kept files the visitor ticked to remove."""
        return {int(i) for i in self.cleaned_data.get("remove_files", [])}

    def clean(self):
        # With the check already answered for this submission, skip the mixin's check.
        cleaned = forms.Form.clean(self) if self.human_checked else super().clean()
        if "attachments" in cleaned and self.kept:
            total = len(self.kept) - len(self.removed()) + len(cleaned["attachments"])
            limit = settings.HUIMIN_LETTER_ATTACHMENT_MAX_FILES
            if total > limit:
                self.add_error("attachments", f"附件最多 {limit} 个（含已上传的附件）。")
        if self.errors and self.files:
            self.add_error(None, "请更正标出的内容；为安全起见，附件需要重新选择。")
        return cleaned


class QueryForm(ChineseErrors, forms.Form):
    code = forms.CharField(label="查询码", max_length=12)
    password = forms.CharField(label="查询密码", max_length=12, widget=forms.PasswordInput)


class SupplementForm(ChineseErrors, forms.Form):
    supplement = forms.CharField(label="补充内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class RatingForm(ChineseErrors, forms.Form):
    rating = forms.ChoiceField(label="您对答复是否满意", choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="评价意见（选填）", max_length=500, required=False)


# --- staff forms of the letter page (admin) ------------------------------------------------------------


class ReferElsewhereForm(forms.Form):
    """不属于受理范围: the channel to tell the citizen, and the handler's own words added to the reply."""

    referral = forms.ChoiceField(label="告知的渠道", choices=Referral.choices)
    note = forms.CharField(label="补充说明（选填）", max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(CHINESE_ERRORS)
        self.fields["referral"].error_messages["required"] = "请选择告知的渠道。"


class RedactForm(forms.Form):
    """Removing improper content from a published letter: which text, the passage, and why."""

    field = forms.ChoiceField(label="删除位置", choices=[("content", "留言内容"), ("reply", "答复内容")])
    passage = forms.CharField(label="要删除的文字", max_length=5000)
    reason = forms.CharField(label="删除理由", max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(CHINESE_ERRORS)
        self.fields["passage"].error_messages["required"] = "请填写要删除的文字（从原文中复制）。"
        self.fields["reason"].error_messages["required"] = "请填写删除理由。"
