"""The public forms of subscriptions. They only collect what is typed or chosen; `criteria.py` checks and
normalises it and `services` refuses what is not allowed, and their refusals come back onto the form."""

from __future__ import annotations

from django import forms

from huimin.accounts import tags as vocabulary
from huimin.accounts.tags import keys as vocabulary_keys
from huimin.core.forms import ServiceForm

from .criteria import MAX_QUERY_CHARS, TAG_KEYS
from .enums import PUSHED_KINDS, Channel, Frequency, Mode

FIELD_TEMPLATE = "core/includes/field.html"
CHANNEL_HELP = "站内消息在“我的消息”中查看。电子邮件和短信只发送到您已验证的邮箱和手机号码。"


def _use_project_fields(form) -> None:
    for field in form.fields.values():
        field.template_name = FIELD_TEMPLATE
        field.marked_required = field.required or getattr(field, "marked_required", False)


class DeliveryForm(ServiceForm):
    """How often and by which channels: asked for every new subscription and when one is changed."""

    frequency = forms.ChoiceField(
        label="推送频率",
        choices=Frequency.choices,
        initial=Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
        help_text="每日汇总每天发送一次，每周汇总每周发送一次；站内消息总是即时送达。",
    )
    channels = forms.MultipleChoiceField(
        label="接收方式",
        choices=Channel.choices,
        initial=[Channel.INBOX],
        widget=forms.CheckboxSelectMultiple,
        help_text=CHANNEL_HELP,
    )

    def __init__(self, *args, reachable=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            Channel.EMAIL: "电子邮件" if Channel.EMAIL in reachable else "电子邮件（需先验证邮箱）",
            Channel.SMS: "短信" if Channel.SMS in reachable else "短信（需先验证手机号码）",
        }
        self.fields["channels"].choices = [
            (value, labels.get(value, label)) for value, label in Channel.choices
        ]
        _use_project_fields(self)


class TagsForm(DeliveryForm):
    """Tags to match (per key: any or all of the chosen values) and, optionally, the kinds of content."""

    kinds = forms.MultipleChoiceField(
        label="信息类型",
        choices=list(PUSHED_KINDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则推送所有类型。",
    )

    field_order = [
        *(name for key in TAG_KEYS for name in (key, f"{key}_mode")),
        "kinds",
        "frequency",
        "channels",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = vocabulary.labels()
        for spec in vocabulary_keys():
            if spec.key not in TAG_KEYS:
                continue
            self.fields[spec.key] = forms.MultipleChoiceField(
                label=labels[spec.key],
                choices=[(value, value) for value in spec.values],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"{spec.key}_mode"] = forms.ChoiceField(
                label=f"{labels[spec.key]}的匹配方式",
                choices=[(Mode.ANY, "满足其中任意一项"), (Mode.ALL, "须全部满足")],
                initial=Mode.ANY,
                required=False,  # left out: any
                widget=forms.RadioSelect,
            )
        self.order_fields(self.field_order)
        for field in self.fields.values():
            field.error_messages.update(self.field_errors)
        _use_project_fields(self)

    def chosen(self) -> dict[str, tuple[list[str], str]]:
        data = self.cleaned_data
        return {key: (data.get(key) or [], data.get(f"{key}_mode") or Mode.ANY) for key in TAG_KEYS}

    def tag_groups(self):
        """(values field, mode field) pairs for the template, in vocabulary order."""
        return [(self[key], self[f"{key}_mode"]) for key in TAG_KEYS if key in self.fields]


class UnitForm(DeliveryForm):
    unit = forms.TypedChoiceField(label="单位", coerce=int, choices=())

    field_order = ["unit", "frequency", "channels"]

    def __init__(self, *args, **kwargs):
        from huimin.sites.models import OrgUnit

        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "请选择单位"), *OrgUnit.objects.values_list("pk", "name")]
        self.fields["unit"].error_messages.update(self.field_errors)
        self.order_fields(self.field_order)
        _use_project_fields(self)


class SearchForm(DeliveryForm):
    q = forms.CharField(
        label="关键词",
        max_length=MAX_QUERY_CHARS,
        help_text="新发布的信息标题或正文中包含这些词时推送给您，多个词用空格分开。",
    )

    field_order = ["q", "frequency", "channels"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].error_messages.update(self.field_errors)
        self.order_fields(self.field_order)
        _use_project_fields(self)
