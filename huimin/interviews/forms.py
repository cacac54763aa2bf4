"""Forms of the interviews app: the public question form and the staff transcript form."""

from __future__ import annotations

from django import forms

from huimin.core.human_check import HumanCheckMixin

from .enums import SpeakerRole
from .services import MAX_QUESTION

FIELD_TEMPLATE = "core/includes/field.html"


class QuestionForm(HumanCheckMixin, forms.Form):
    name = forms.CharField(
        label="称呼", max_length=50, required=False, help_text="可不填，不填则显示为“匿名”。"
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=30,
        required=False,
        help_text="选填，仅供工作人员联系您，不会公开。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    text = forms.CharField(
        label="您的问题",
        max_length=MAX_QUESTION,
        help_text=f"不超过 {MAX_QUESTION} 字。",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "请填写您的问题。",
            "max_length": f"问题不能超过 {MAX_QUESTION} 字（现在 %(show_value)d 字）。",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["max_length"] = "称呼不能超过 50 字。"
        self.fields["phone"].error_messages["max_length"] = "联系电话不能超过 30 位。"
        for field in self.fields.values():
            field.template_name = FIELD_TEMPLATE
            field.marked_required = field.required
        answer = self.fields.get("human_answer")
        if answer is not None:
            answer.marked_required = True


class LineForm(forms.Form):
    role = forms.ChoiceField(label="发言身份", choices=SpeakerRole.choices, initial=SpeakerRole.GUEST)
    speaker = forms.CharField(label="发言人", max_length=50)
    text = forms.CharField(label="内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    question = forms.ModelChoiceField(label="回答的网友提问", queryset=None, required=False, empty_label="无")

    def __init__(self, *args, interview=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = (
            interview.questions.filter(status="selected") if interview else None
        )
