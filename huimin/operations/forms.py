"""The forms of 值班读网: arranging a site's roster and recording a reading. They only read what was typed;
the services decide what is allowed and their refusals come back onto the fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from . import queries
from .enums import Rotation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "请按 2026-11-02 的格式填写日期。", "required": "请填写日期。"}


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return queries.person_label(obj)


class OrderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.title}（{obj.get_state_display()}）"


class ServiceErrorsMixin:
    def apply_error(self, error: ValidationError) -> None:
        """Put a service's refusal onto the field it names (the whole form when it names none)."""
        if hasattr(error, "error_dict"):
            for name, errors in error.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error.messages)


class ArrangeForm(ServiceErrorsMixin, forms.Form):
    people = PersonChoiceField(
        label="值班人员",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="只能选择在本网站有角色的人员；按列出的顺序轮流值班。",
        error_messages={
            "required": "请至少选择一名值班人员。",
            "invalid_choice": "所选人员在本网站没有角色。",
        },
    )
    start = forms.DateField(label="开始日期", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    end = forms.DateField(label="结束日期", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    rotation = forms.ChoiceField(
        label="轮换方式",
        choices=Rotation.choices,
        initial=Rotation.DAILY,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择轮换方式。", "invalid_choice": "请选择轮换方式。"},
    )
    note = forms.CharField(
        label="备注",
        required=False,
        max_length=200,
        help_text="如值班要求、联系方式，最多 200 字。",
        error_messages={
            "max_length": "备注不能超过 200 个字。",
            "null_characters_not_allowed": "备注含有空字符。",
        },
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = queries.site_people(site)

    def ordered_people(self) -> list:
        """The chosen people in the order the form lists them."""
        chosen = {user.pk for user in self.cleaned_data["people"]}
        return [user for user in self.fields["people"].queryset if user.pk in chosen]


class ReadingForm(ServiceErrorsMixin, forms.Form):
    day = forms.DateField(label="读网日期", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    pages_read = forms.IntegerField(
        label="浏览页面数",
        min_value=1,
        max_value=10_000_000,
        help_text="今天浏览了本网站多少个页面（首页、栏目页、信息页都算）。",
        error_messages={
            "required": "请填写浏览的页面数。",
            "invalid": "浏览页面数应为整数。",
            "min_value": "请填写浏览的页面数（至少 1 个）。",
            "max_value": "浏览页面数太大。",
        },
    )
    urls = forms.CharField(
        label="浏览的页面地址（选填）",
        required=False,
        max_length=40_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个地址，如 https://www.example.gov.cn/gzdt/。",
        error_messages={
            "max_length": "页面地址太多太长。",
            "null_characters_not_allowed": "页面地址含有空字符。",
        },
    )
    problems = forms.CharField(
        label="发现的问题（选填）",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="错别字、错误链接、过期信息、打不开的页面等；没有发现问题可不填。需要整改的，请提交工单。",
        error_messages={
            "max_length": "发现的问题写得太长了。",
            "null_characters_not_allowed": "发现的问题含有空字符。",
        },
    )
    work_orders = OrderChoiceField(
        label="关联的工单（选填）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="本网站尚未办结的工单；读网时核对过的可在此勾选。",
        error_messages={
            "invalid_choice": "只能关联本网站未办结的工单。",
            "invalid_pk_value": "工单选择有误。",
        },
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_orders"].queryset = queries.open_orders(site)
