"""The forms of 我的兴趣与推荐. Their fields are hidden or buttons (one small form per tag), so whatever is
wrong with a submission is said as the form's own error, in a sentence, not against an invisible field."""

from __future__ import annotations

from django import forms

from huimin.accounts import tags as vocabularies
from huimin.core.forms import ServiceForm

from .enums import Correction
from .rules import rules


class _SentenceErrorsForm(ServiceForm):
    error_fields = {"key": "-", "value": "-", "action": "-", "what": "-", "consent": "-"}
    field_errors = {}  # each field says its own sentence

    def messages(self) -> list[str]:
        """Every error of the form as sentences (the fields are hidden: no link to them would help)."""
        return [str(message) for errors in self.errors.values() for message in errors]


class ConsentForm(_SentenceErrorsForm):
    action = "consent"
    consent = forms.ChoiceField(
        choices=[("on", "开启"), ("off", "关闭")],
        error_messages={"required": "请选择开启或关闭。", "invalid_choice": "请选择开启或关闭。"},
    )


class CorrectionForm(_SentenceErrorsForm):
    action = "correct"
    what = forms.ChoiceField(
        choices=Correction.choices,
        error_messages={"required": "请选择要做的修改。", "invalid_choice": "没有这种修改。"},
    )
    key = forms.ChoiceField(
        choices=(),
        error_messages={"required": "缺少标签类别。", "invalid_choice": "没有这个标签类别。"},
    )
    value = forms.CharField(
        max_length=100,
        error_messages={
            "required": "缺少要修改的标签。",
            "max_length": "标签过长：最多 %(limit_value)d 个字。",
            "null_characters_not_allowed": "标签含有不可见的控制字符。",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = vocabularies.labels()
        self.fields["key"].choices = [(key, labels.get(key, key)) for key in rules().profile_keys]
