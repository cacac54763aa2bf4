"""The small forms of an application's screen in the admin, one per action. They only collect what the staff
type; every rule (who, from which state, the limits of the 条例) is the service's, and the service's errors
come back onto the form's fields (`apply_error`), so what was typed stays on the screen."""

from __future__ import annotations

from django import forms

from huimin.core.forms import FIELD_ERRORS, ServiceForm
from huimin.letters import attachments
from huimin.letters.forms import MultipleFileField

from . import answers
from .enums import CORRECTION_DAYS, MAX_EXTENSION_DAYS

ERRORS = {
    **FIELD_ERRORS,
    "min_value": "不能小于 %(limit_value)s。",
    "max_value": "不能大于 %(limit_value)s。",
}
# Grounds that are never chosen by hand: the platform records them itself (逾期未补正 by the sweep).
AUTOMATIC_GROUNDS = {"no_correction"}


class ActionForm(ServiceForm):
    """One action of the application's screen; `action` is posted with it and names the service."""

    field_errors = ERRORS
    reviewer_only = False


class RegisterForm(ActionForm):
    action = "register"
    title = "登记"
    button = "登记"


class CorrectionForm(ActionForm):
    action = "ask_correction"
    title = "告知补正"
    button = "告知补正"
    error_fields = {"correction_request": "request_text"}

    request_text = forms.CharField(
        label="需补正的事项",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="一次性告知申请人需要补正的事项；补正期间答复期限暂停计算。",
    )
    days = forms.IntegerField(
        label="补正期限（工作日）",
        min_value=1,
        max_value=60,
        initial=CORRECTION_DAYS,
        help_text="申请人须在此期限内补正，逾期视为放弃申请。",
    )


class ExtendForm(ActionForm):
    action = "extend"
    title = "延期"
    button = "同意延期"
    reviewer_only = True

    days = forms.IntegerField(
        label="延长的工作日数",
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        help_text=f"只能延长一次，最长 {MAX_EXTENSION_DAYS} 个工作日；系统将告知申请人。",
    )
    reason = forms.CharField(label="延期理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


def ground_choices() -> list:
    """Every ground, grouped by its answer (the select's optgroups; the script shows only the chosen
    answer's group, and without it the service refuses a ground of another answer)."""
    groups = [("", "不适用（予以公开、部分公开无需选择）")]
    for answer in answers.answers():
        grounds = [(g.code, g.name) for g in answer.grounds if g.code not in AUTOMATIC_GROUNDS]
        if grounds:
            groups.append((answer.name, grounds))
    return groups


class DraftForm(ActionForm):
    action = "draft_answer"
    title = "拟办答复"
    button = "提交审签"
    error_fields = {"answer_ground": "ground", "answer_text": "text"}

    answer = forms.ChoiceField(label="答复类型", choices=())
    ground = forms.ChoiceField(
        label="具体情形和法律依据",
        choices=(),
        required=False,
        help_text="不予公开、无法提供、不予处理须选择具体情形。",
    )
    text = forms.CharField(
        label="答复内容",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="写入答复告知书。",
    )
    referral = forms.CharField(
        label="负责公开的机关及联系方式",
        max_length=300,
        required=False,
        help_text="本机关不掌握该信息的，告知申请人向哪个机关申请。",
    )
    released = MultipleFileField(
        label="公开的政府信息（文件）",
        required=False,
        help_text="予以公开、部分公开且不是纸质提供的，须上传文件；出错时请重新选择文件。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [("", "请选择"), *answers.answer_choices()]
        self.fields["ground"].choices = ground_choices()
        self.fields["released"].widget.attrs["multiple"] = True

    def clean_released(self):
        files = self.cleaned_data.get("released") or []
        attachments.check_all(files)  # the letters' checks: kind by content, size, number
        return files


class SendBackForm(ActionForm):
    action = "send_back"
    title = "退回"
    button = "退回重办"
    reviewer_only = True

    note = forms.CharField(label="退回意见", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class SignOffForm(ActionForm):
    action = "sign_off"
    title = "审签"
    button = "审签并答复申请人"
    reviewer_only = True


FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (RegisterForm, CorrectionForm, ExtendForm, DraftForm, SendBackForm, SignOffForm)
}
