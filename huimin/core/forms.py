"""Form glue shared by the admin forms."""

from django import forms
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError

INCOMPLETE_FORM = "表单数据不完整（缺少管理字段），无法读取。请刷新页面后重新编辑；已保存的内容没有改变。"


class CompleteDataFormMixin:
    """Refuse a post whose widgets cannot read their own data with a 400, before anything is cleaned.

    A StreamField's widget reads `<name>-count` and each block's `-type` and `-order`; a post without them
    (not a browser's: a script's, or a page that did not load) raised KeyError or ValueError deep inside
    Wagtail and answered 500. Such a post is not an editor's mistake to correct field by field, so it is
    refused as a whole with a Chinese 400 (core/400.html) and the page or snippet stays as it was."""

    def full_clean(self):
        if self.is_bound:
            for name, bound in self._bound_items():
                if bound.field.disabled:
                    continue
                try:
                    bound.data  # noqa: B018 - reading is the check
                except (KeyError, ValueError, TypeError, IndexError) as error:
                    raise BadRequest(f"{INCOMPLETE_FORM}（字段 {name}：{type(error).__name__}）") from error
        return super().full_clean()


# Field errors in Chinese for the admin's service forms; an app may extend or override them (`field_errors`).
FIELD_ERRORS = {
    "required": "请填写此项。",
    "max_length": "内容过长：最多 %(limit_value)d 个字。",
    "invalid": "格式不正确。",
    "invalid_choice": "请从列表中选择。",
    "empty": "上传的文件是空的。",
    "missing": "没有收到文件，请重新选择。",
    "null_characters_not_allowed": "含有不可见的控制字符，请删除后重新填写。",
}


class ServiceForm(forms.Form):
    """A form whose values a service takes. It only collects what people type; the service's refusals come
    back onto it (`apply_error`), by field where the field is here (`error_fields` maps the service's keys to
    this form's fields), the rest as the form's own, so what was typed stays on the screen. `action` names the
    form on a screen with several (and prefixes its ids); `title` and `button` are its heading and button."""

    action = ""
    title = ""
    button = ""
    error_fields: dict[str, str] = {}
    field_errors: dict[str, str] = FIELD_ERRORS

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.action}_%s" if self.action else "id_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(self.field_errors)

    def apply_error(self, error: Exception) -> None:
        if isinstance(error, PermissionDenied):
            self.add_error(None, str(error) or "您没有办理此项的权限。")
            return
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                name = self.error_fields.get(key, key)
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
            return
        for message in error.messages if isinstance(error, ValidationError) else [str(error)]:
            self.add_error(None, message)
