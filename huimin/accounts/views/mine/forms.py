"""The forms of the 我的 pages: claiming a record, choosing tags, closing the account. Chinese messages, the
project's accessible field template (labels, hints and errors linked to their control)."""

from __future__ import annotations

from django import forms

from huimin.letters.forms import CHINESE_ERRORS, use_project_fields

from ...mine import TagGroup

ERRORS = {
    **CHINESE_ERRORS,
    "null_characters_not_allowed": "含有无法识别的控制字符（如 NUL），请删除后重新填写。",
}


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(ERRORS)
        use_project_fields(self)


class ClaimForm(_Form):
    """认领: the query code and password given when the letter or application was sent."""

    code = forms.CharField(label="查询码", max_length=12, help_text="提交时页面上显示的查询码。")
    password = forms.CharField(
        label="查询密码", max_length=12, widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="提交时页面上显示的 6 位数字。",
    )  # fmt: skip

    def __init__(self, *args, what: str = "留言", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = f"提交{what}时页面上显示的查询码。"
        self.fields["password"].help_text = f"提交{what}时页面上显示的 6 位数字查询密码。"


class TagsForm(_Form):
    """One group of checkboxes per tag key; a value sent that is not offered is refused by the field."""

    def __init__(self, *args, groups: list[TagGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        for group in groups:
            if not group.values:
                continue
            self.fields[group.key] = forms.MultipleChoiceField(
                label=group.label,
                required=False,
                choices=[(value, value) for value in group.values],
                widget=forms.CheckboxSelectMultiple,
                initial=list(group.chosen),
                error_messages={**ERRORS, "invalid_choice": "请从列表中选择标签。"},
            )
        use_project_fields(self)

    def chosen(self) -> dict[str, list[str]]:
        return {key: list(values) for key, values in self.cleaned_data.items()}


class DeleteForm(_Form):
    """注销账号: the password (or, for an account signed in through the province, a recent sign-in) and a box
    saying the person understands."""

    password = forms.CharField(
        label="登录密码",
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="为确认是您本人操作，请输入登录密码。",
    )
    understood = forms.BooleanField(
        label="我已了解：注销后账号、订阅、消息和标签将被删除，且无法恢复",
        error_messages={"required": "请勾选确认您已了解注销的后果。"},
    )

    def __init__(self, *args, with_password: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_password:
            del self.fields["password"]
        self.fields["understood"].error_messages["required"] = "请勾选确认您已了解注销的后果。"
