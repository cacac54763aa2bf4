"""The forms of 网站工单 in the admin: submitting, 修改, and one small form per step of an order's screen.

They only collect what a person types; every rule (who, from which state, what a field may hold, the
attachments' checks) is the service's, and the service's refusals come back onto the form's fields
(`apply_error`), so what was typed stays on the screen."""

from __future__ import annotations

from django import forms

from huimin.core.forms import FIELD_ERRORS, ServiceForm
from huimin.letters import attachments
from huimin.letters.forms import MultipleFileField

from . import queries
from .enums import Priority
from .models import WorkOrderKind
from .services import TEXT_FIELDS, WorkOrderError

ERRORS = {
    **FIELD_ERRORS,
    "max_length": "内容过长：最多 %(limit_value)d 个字（现有 %(show_value)d 个字）。",
    "invalid_pk_value": "请从列表中选择。",
    "null_characters_not_allowed": "含有无法识别的控制字符（如 NUL），请删除后重新提交。",
}
URL_HELP = "出现问题的页面网址（选填），如 https://www.suqian.gov.cn/zwgk/ ，或以 / 开头的本站路径。"
FILES_HELP = "截图或相关文档（选填）。"


def _files_field(label: str) -> MultipleFileField:
    field = MultipleFileField(label=label, required=False, help_text=FILES_HELP + attachments.rules_text())
    field.widget.attrs["multiple"] = True
    field.widget.attrs["accept"] = ",".join(e for k in attachments.allowed().values() for e in k.extensions)
    return field


def _text_field(
    name: str, *, textarea: int = 0, required: bool = True, help_text: str = ""
) -> forms.CharField:
    label, limit = TEXT_FIELDS[name]
    widget = forms.Textarea(attrs={"rows": textarea}) if textarea else forms.TextInput()
    return forms.CharField(
        label=label, max_length=limit, required=required, widget=widget, help_text=help_text, strip=True
    )


class _Form(ServiceForm):
    error_fields = {"uploads": "files"}  # the service's error keys -> this form's fields
    field_errors = ERRORS


def _kind_field(current: WorkOrderKind | None = None) -> forms.ModelChoiceField:
    kinds = WorkOrderKind.objects.filter(active=True)
    if current is not None:
        kinds = WorkOrderKind.objects.filter(pk=current.pk) | kinds
    field = forms.ModelChoiceField(
        label="类型", queryset=kinds.order_by("sort_order", "name"), empty_label="请选择"
    )
    field.help_text = "；".join(
        f"{kind.name}：{kind.description}" for kind in field.queryset if kind.description
    )
    return field


class SubmitForm(_Form):
    """提交工单."""

    site = forms.ModelChoiceField(label="网站", queryset=None, empty_label="请选择")
    kind = forms.ModelChoiceField(label="类型", queryset=WorkOrderKind.objects.none())
    priority = forms.ChoiceField(
        label="紧急程度",
        choices=Priority.choices,
        initial=Priority.NORMAL,
        help_text="紧急程度决定办理时限。",
    )
    title = _text_field("title", help_text="一句话说明问题，如“首页通知公告栏目无法打开”。")
    description = _text_field(
        "description", textarea=6, help_text="问题的具体情况、出现的位置和希望如何处理。"
    )
    url = _text_field("url", required=False, help_text=URL_HELP)
    files = _files_field("附件")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        sites = queries.submit_sites(user)
        self.fields["site"].queryset = sites
        self.fields["site"].label_from_instance = lambda site: site.site_name or site.hostname
        if len(sites) == 1:
            self.fields["site"].initial = sites[0].pk
        self.fields["kind"] = _kind_field()
        self.order_fields(["site", "kind", "priority", "title", "description", "url", "files"])
        for field in self.fields.values():
            field.error_messages.update(ERRORS)


class EditForm(_Form):
    """修改: the fields the requester may change before dispatch, and more files."""

    priority = forms.ChoiceField(label="紧急程度", choices=Priority.choices)
    title = _text_field("title")
    description = _text_field("description", textarea=6)
    url = _text_field("url", required=False, help_text=URL_HELP)
    files = _files_field("补充附件")

    def __init__(self, *args, order, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "kind": order.kind_id,
                "priority": order.priority,
                "title": order.title,
                "description": order.description,
                "url": order.url,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["kind"] = _kind_field(order.kind)
        self.order_fields(["kind", "priority", "title", "description", "url", "files"])
        for field in self.fields.values():
            field.error_messages.update(ERRORS)

    def changes(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("kind", "priority", "title", "description", "url")}


# --- the steps of an order's screen -----------------------------------------------------------------------


class ActionForm(_Form):
    """One step of the order's screen; `action` is posted with it and names the service."""

    intro = ""
    multipart = False


class AcceptForm(ActionForm):
    action, title, button = "accept", "审核通过", "审核通过"
    intro = "确认问题属实、信息完整，工单转入待派发。"


class ReturnForm(ActionForm):
    action, title, button = "return", "退回", "退回"
    intro = "信息不完整或不属于网站运维事项的，写明理由退回提交人；提交人修改后可重新提交。"
    reason = _text_field("reason", textarea=3)


class MergeForm(ActionForm):
    action, title, button = "merge", "合并为重复工单", "合并"
    intro = "与同一网站另一张未办结的工单反映同一问题的，合并到该工单，本工单随之办结。"
    error_fields = {"duplicate_of": "number"}
    number = forms.CharField(label="合并到的工单编号", max_length=20, help_text="如 GD20261102-0001。")


class DispatchForm(ActionForm):
    action, title, button = "dispatch", "派发", "派发"
    intro = "派发给平台运维团队的管理员或外包服务商账号；已派发的可改派。"
    error_fields = {"assignee_kind": "assignee"}
    assignee = forms.ChoiceField(label="承办人", choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "请选择"), *queries.assignee_choices()]
        self.fields["assignee"].error_messages.update(ERRORS)


class StartForm(ActionForm):
    action, title, button = "start", "开始处理", "开始处理"
    intro = "确认接手本工单。"


class FixForm(ActionForm):
    action, title, button, multipart = "fix", "处理完成", "提交处理结果", True
    intro = "写明做了什么；提交后等待提交人确认。"
    error_fields = {"uploads": "files"}
    note = _text_field("note", textarea=4)
    files = _files_field("处理材料")


class ConfirmForm(ActionForm):
    action, title, button = "confirm", "确认办结", "确认办结"
    intro = "核实问题已解决后确认，工单办结。"


class ReopenForm(ActionForm):
    action, title, button = "reopen", "重新打开", "重新打开"
    intro = "问题没有解决的，写明情况退回承办人重新处理，办理时限重新计算。"
    reason = _text_field("reason", textarea=3)


class WithdrawForm(ActionForm):
    action, title, button = "withdraw", "撤销工单", "撤销"
    intro = "问题已不存在或提交有误的，写明理由撤销。"
    reason = _text_field("reason", textarea=3)


class AttachForm(ActionForm):
    action, title, button, multipart = "attach", "补充材料", "上传", True
    files = _files_field("补充材料")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].required = True
        self.fields["files"].help_text = "截图或相关文档。" + attachments.rules_text()


class AttachFixForm(AttachForm):
    action, title = "attach_fix", "补充处理材料"


FORMS = {
    form.action: form
    for form in (
        AcceptForm,
        ReturnForm,
        MergeForm,
        DispatchForm,
        StartForm,
        FixForm,
        ConfirmForm,
        ReopenForm,
        WithdrawForm,
        AttachForm,
        AttachFixForm,
    )
}
__all__ = ["FORMS", "ActionForm", "EditForm", "SubmitForm", "WorkOrderError"]
