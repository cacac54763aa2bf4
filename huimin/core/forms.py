"""Form glue shared by the admin forms."""

from django.core.exceptions import BadRequest

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
