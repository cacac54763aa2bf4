from django import forms

from .models import WorkCalendar
from .queries import DeadlineInputError, parse_from

UNIT_CHOICES = [("days", "工作日"), ("hours", "工作小时")]


class DeadlineForm(forms.Form):
    """The public deadline calculator. Values are checked again by the same functions the API uses."""

    start = forms.CharField(
        label="起始时间",
        max_length=40,
        help_text="如 2022-09-30 16:00（北京时间）",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "2022-09-30 16:00"}
        ),
    )
    amount = forms.DecimalField(
        label="时限", min_value=0.01, max_value=366 * 24, decimal_places=2, max_digits=7
    )
    unit = forms.ChoiceField(label="单位", choices=UNIT_CHOICES, initial="days", widget=forms.RadioSelect)
    calendar = forms.ModelChoiceField(
        label="工作日历",
        queryset=WorkCalendar.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="默认日历",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(
                {
                    "required": "请填写此项。",
                    "invalid": "请输入有效的数字。",
                    "invalid_choice": "请从列表中选择。",
                    "min_value": "时限须大于 0。",
                    "max_value": "时限过长，请检查。",
                    "max_digits": "数字过长，请检查。",
                    "max_decimal_places": "最多保留两位小数。",
                }
            )

    def clean_start(self):
        try:
            return parse_from(self.cleaned_data["start"])
        except DeadlineInputError as error:
            raise forms.ValidationError(str(error)) from None
