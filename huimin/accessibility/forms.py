"""The page form that refuses to publish content failing the accessibility rules (`content_rules`) or the
content-safety checks (`huimin.safety.publish.ContentSafetyFormMixin`).

Only publishing is refused: a draft is always saved, so nothing an editor typed is lost, and the form comes
back with every problem named on its field. The accessibility warnings never block; `wagtail_hooks` reports
them. A content-safety warning blocks until the editor ticks that it was checked.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

from huimin.core.forms import CompleteDataFormMixin
from huimin.safety.publish import ContentSafetyFormMixin

from . import content_rules

#: How many problems are named on one field; the rest are counted.
MAX_ERRORS_PER_FIELD = 10
PUBLISH_ACTION = "action-publish"


class AccessiblePageForm(ContentSafetyFormMixin, CompleteDataFormMixin, WagtailAdminPageForm):
    """Base form for page types with body content: `base_form_class = AccessiblePageForm`."""

    @property
    def is_publishing(self) -> bool:
        """Whether the editor pressed 发布 (the edit and create views post `action-publish`)."""
        return bool(self.data.get(PUBLISH_ACTION))

    def clean(self):
        cleaned_data = super().clean()
        if self.is_publishing:
            findings = content_rules.errors(self.accessibility_findings(cleaned_data))
            if findings:
                self._refuse_publishing(findings)
        return cleaned_data

    def accessibility_findings(self, cleaned_data=None) -> list[content_rules.Finding]:
        """The findings for the content as submitted. A field this form does not edit is read from the page;
        a field that failed its own validation is left out (its own error is shown already)."""
        cleaned_data = self.cleaned_data if cleaned_data is None else cleaned_data
        model = self._meta.model
        values = {}
        for name in content_rules.checked_fields(model):
            if name in self.fields:
                if name in cleaned_data:
                    values[name] = cleaned_data[name]
            else:
                values[name] = getattr(self.instance, name, None)
        return content_rules.check_values(model, values)

    def _refuse_publishing(self, findings: list[content_rules.Finding]) -> None:
        by_field: dict[str | None, list[content_rules.Finding]] = {}
        for finding in findings:
            by_field.setdefault(finding.field if finding.field in self.fields else None, []).append(finding)
        self.add_error(
            None,
            ValidationError(
                f"无障碍检查未通过，页面没有发布：共有 {len(findings)} 个问题须先修改。"
                "已填写的内容都还在，可以修改后再发布，或先保存草稿。",
                code="accessibility",
            ),
        )
        for field, field_findings in by_field.items():
            messages = [self._message(f, named=field is None) for f in field_findings[:MAX_ERRORS_PER_FIELD]]
            if len(field_findings) > MAX_ERRORS_PER_FIELD:
                messages.append(f"另有 {len(field_findings) - MAX_ERRORS_PER_FIELD} 个同类问题。")
            self.add_error(field, ValidationError(messages, code="accessibility"))

    def _message(self, finding: content_rules.Finding, *, named: bool) -> str:
        if named:
            return content_rules.describe(finding, self._meta.model)
        return finding.message + content_rules.located(finding)
