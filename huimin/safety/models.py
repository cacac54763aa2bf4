"""内容安全: the dictionary of wrong expressions and harmful terms, and the workflow step that checks a
revision before it is published."""

from wagtail.models import Task

from .workflow import SafetyTaskMixin


class ContentSafetyTask(SafetyTaskMixin, Task):
    """A workflow step that checks the revision in review: a veto finding blocks approval, a warning needs the
    approver's confirmation."""

    class Meta:
        verbose_name = "内容安全审查"
        verbose_name_plural = "内容安全审查"
