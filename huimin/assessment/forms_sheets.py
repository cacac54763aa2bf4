"""The assessors' forms on a score sheet: a manual finding, an outside result, closing and reopening a sheet,
a quarterly bulletin score, copying or seeding an indicator table. They only read and check what was typed;
the services (`services/sheets.py`, `services/tables.py`) decide and save."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

MAX_NOTE = 2000


def _number_errors(field: forms.Field, label: str, high=None) -> None:
    field.error_messages.update(
        {
            "required": f"请填写{label}。",
            "invalid": f"{label}应为数字。",
            "min_value": f"{label}不能小于 0。",
            "max_digits": f"{label}的数字过长。",
            "max_decimal_places": f"{label}最多保留两位小数。",
            "max_whole_digits": f"{label}的数字过大。",
        }
    )
    if high is not None:
        field.error_messages["max_value"] = f"{label}不能超过 {high:g} 分。"


class _Form(forms.Form):
    """Chinese messages for required fields; text stripped of NUL and other control characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}。"

    def clean(self):
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str) and any(ord(c) < 32 and c not in "\r\n\t" for c in value):
                self.add_error(name, "含有无法显示的控制字符，请删除后再提交。")
        return data


class FindingForm(_Form):
    item = forms.CharField(
        label="抽查事项", max_length=200, help_text="抽查的栏目、页面或条目，如“领导信息·张三简历”。"
    )
    url = forms.URLField(label="网址", max_length=500, required=False, assume_scheme="https")
    screenshot = forms.FileField(label="截图", required=False, help_text="PNG 或 JPEG 图片，不超过 5 MB。")
    note = forms.CharField(
        label="说明", max_length=MAX_NOTE, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    deduction = forms.DecimalField(
        label="扣分",
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        initial=Decimal(0),
        help_text="该事项无问题时填 0。",
    )

    def __init__(self, *args, points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deduction"].max_value = points
        self.fields["deduction"].validators.append(_at_most(points, "扣分"))
        self.fields["deduction"].widget.attrs.update(min="0", max=f"{points:g}", step="0.01")
        _number_errors(self.fields["deduction"], "扣分", points)
        self.fields["item"].error_messages.update(
            {"required": "请写明抽查的事项。", "max_length": "抽查事项不能超过 200 字。"}
        )
        self.fields["url"].error_messages.update(
            {"invalid": "请填写以 http:// 或 https:// 开头的网址。", "max_length": "网址不能超过 500 字符。"}
        )
        self.fields["note"].error_messages["max_length"] = f"说明不能超过 {MAX_NOTE} 字。"
        self.fields["screenshot"].error_messages.update(
            {"invalid": "截图上传失败，请重新选择文件。", "empty": "截图文件是空的。"}
        )
        self.fields["screenshot"].widget.attrs["accept"] = "image/png,image/jpeg"


def _at_most(high: Decimal, label: str):
    def check(value):
        if value is not None and value > high:
            raise ValidationError(f"{label}不能超过 {high:g} 分。")

    return check


class ResultForm(_Form):
    amount = forms.DecimalField(label="分值", min_value=Decimal(0), max_digits=6, decimal_places=2)
    happened_on = forms.DateField(
        label="发生日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label="依据说明",
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如通报文号、检查名称与名次。",
    )
    url = forms.URLField(label="依据网址", max_length=500, required=False, assume_scheme="https")

    def __init__(self, *args, points: Decimal | None, amount_help: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["amount"]
        field.help_text = amount_help
        field.widget.attrs.update(min="0", step="0.01")
        if points is not None:
            field.validators.append(_at_most(points, "分值"))
            field.widget.attrs["max"] = f"{points:g}"
        _number_errors(field, "分值", points)
        self.fields["happened_on"].error_messages.update(
            {"required": "请填写发生日期。", "invalid": "请按 2026-03-31 的格式填写日期。"}
        )
        self.fields["note"].error_messages.update(
            {
                "required": "请写明依据（如通报文号、抽查名次）。",
                "max_length": f"说明不能超过 {MAX_NOTE} 字。",
            }
        )
        self.fields["url"].error_messages["invalid"] = "请填写以 http:// 或 https:// 开头的网址。"


class CloseForm(_Form):
    force = forms.BooleanField(
        label="按满分定稿",
        required=False,
        help_text="尚有未抽查或未录入的指标时，勾选表示确认这些指标按满分计入并定稿。",
    )


class ReopenForm(_Form):
    reason = forms.CharField(label="重新打开的理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages.update(
            {"required": "请写明重新打开的理由。", "max_length": "理由不能超过 500 字。"}
        )


class BulletinForm(_Form):
    unit = forms.TypedChoiceField(label="单位", coerce=int)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in range(1, 5)]
    )
    score = forms.DecimalField(
        label="通报得分", min_value=Decimal(0), max_value=Decimal(100), max_digits=6, decimal_places=2
    )
    note = forms.CharField(label="说明", max_length=500, required=False, help_text="如通报文号。")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]
        self.fields["unit"].error_messages["invalid_choice"] = "请选择参加年度考核的单位。"
        self.fields["quarter"].error_messages["invalid_choice"] = "季度应为 1 到 4。"
        self.fields["year"].error_messages.update(
            {
                "invalid": "请填写四位数字的年份。",
                "min_value": "请填写正确的年份。",
                "max_value": "请填写正确的年份。",
            }
        )
        self.fields["score"].widget.attrs.update(min="0", max="100", step="0.01")
        _number_errors(self.fields["score"], "通报得分", Decimal(100))
        self.fields["note"].error_messages["max_length"] = "说明不能超过 500 字。"


class YearForm(_Form):
    year = forms.IntegerField(label="考核年度", min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].error_messages.update(
            {
                "required": "请填写考核年度。",
                "invalid": "请填写四位数字的年份，如 2027。",
                "min_value": "请填写正确的年份。",
                "max_value": "请填写正确的年份。",
            }
        )
