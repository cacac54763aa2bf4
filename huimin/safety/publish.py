"""Publication guarded by the content-safety checks, on every path Wagtail publishes a page by a person.

- **The editor's own 发布** (and 定时发布, which is the same button with a go-live time): the page forms
  (`ContentSafetyFormMixin`, in `AccessiblePageForm` and `SafetyPageForm`) check what was submitted, inline
  children included. A veto (禁止发布) refuses publication with every place named; a warning (提醒确认)
  refuses it until the checkbox “我已核实上述提示内容无误”, shown under the form with the findings, is ticked.
  Saving a draft is never refused.
- **The workflow**: its first step, `ContentSafetyTask` (workflow.py). When the workflow finishes,
  `finish.publish_workflow_state` (settings.WAGTAIL_FINISH_WORKFLOW_ACTION) checks the latest revision again
  and refuses a veto (an approver may have edited the page after the safety step).
- **Bulk publish** in the page explorer: refused for any page whose latest revision has a finding (a warning
  cannot be confirmed in bulk; the editor publishes such a page from its own editor).
- **Wagtail's action registry** (`register_actions`): the page publish action looked up there (as the admin
  API does) refuses a veto.

Scheduled publication (Wagtail's `publish_scheduled`) makes live a revision that went through one of the
above when it was scheduled; the daily sweep catches what a later change of the dictionary finds.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail import hooks
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.log_actions import log

CONFIRM_FIELD = "safety_confirmed"
CONFIRM_LABEL = "我已核实上述提示内容无误"
CONFIRM_ACTION = "huimin_safety.confirm"
PUBLISH_ACTION = "action-publish"
MAX_LISTED = 10


class SafetyRefused(PermissionDenied):
    """A publication or approval the content-safety checks do not allow; the message says why, in Chinese."""


def refusal(found, *, limit: int = 3) -> str:
    """The refusal of a page with veto findings, in one Chinese paragraph."""
    return f"内容安全检查发现 {len(found.vetoes)} 处禁止发布的内容，页面不能发布：" + "；".join(
        found.summary(found.vetoes, limit=limit)
    )


def log_confirmation(page, user, found, *, revision=None) -> None:
    """The audit entry of a person confirming the warnings of a page they publish or approve."""
    terms = found.terms(found.warnings)
    log(
        instance=page.specific if hasattr(page, "specific") else page,
        action=CONFIRM_ACTION,
        user=user,
        data={"title": page.title[:200], "count": len(found.warnings), "words": "、".join(terms)[:500]},
        revision=revision,
    )


def check_revision(revision, *, now=None):
    """The review of a revision's content (see pages.review)."""
    from .pages import review

    now = now or timezone.now()
    return review(revision.as_object(), today=timezone.localdate(now))


def guard_revision(revision, *, now=None, warnings: bool = False) -> None:
    """Raise `SafetyRefused` when the revision has a veto finding (or, with `warnings`, any finding)."""
    found = check_revision(revision, now=now)
    if found.vetoes:
        raise SafetyRefused(refusal(found))
    if warnings and found.warnings:
        raise SafetyRefused(
            f"内容安全检查发现 {len(found.warnings)} 处提示，须在页面编辑器中核实确认后逐页发布。"
        )


# --- the editor's form -------------------------------------------------------------------------------------


class SafetyConfirmWidget(forms.CheckboxInput):
    """The confirmation checkbox, rendered (with the findings it confirms) only after a publication was
    refused for warnings; otherwise nothing."""

    template = "safety/publish_confirm.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = None

    def render(self, name, value, attrs=None, renderer=None):
        if self.review is None:
            return ""
        checkbox = super().render(name, value, attrs, renderer)
        attrs = attrs or {}
        findings = self.review.warnings
        context = {
            "checkbox": checkbox,
            "id": attrs.get("id") or f"id_{name}",
            "label": CONFIRM_LABEL,
            "findings": findings[:MAX_LISTED],
            "more": max(0, len(findings) - MAX_LISTED),
        }
        return render_to_string(self.template, context)


class ContentSafetyFormMixin:
    """For a Wagtail page form: refuse 发布 of content with a veto finding, and of content with warnings
    until `safety_confirmed` is ticked. Nothing is refused when the draft is only saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[CONFIRM_FIELD] = forms.BooleanField(
            label=CONFIRM_LABEL, required=False, widget=SafetyConfirmWidget()
        )
        self.safety_review = None

    @property
    def is_publishing_now(self) -> bool:
        return bool(self.is_bound and self.data.get(PUBLISH_ACTION))

    def is_valid(self):
        valid = super().is_valid()
        if self.is_publishing_now and self.safety_review is None:
            valid = self._check_content_safety() and valid
        return valid

    def _submitted_children(self) -> dict[str, list]:
        children = {}
        for name, formset in getattr(self, "formsets", {}).items():
            if name == "comments":
                continue
            rows = []
            for form in formset.forms:
                if formset.can_delete and formset._should_delete_form(form):
                    continue
                if form.instance.pk is None and not form.has_changed():
                    continue  # an empty extra row
                rows.append(form.instance)
            children[name] = rows
        return children

    def _check_content_safety(self) -> bool:
        from .pages import review

        found = review(self.instance, children=self._submitted_children(), today=timezone.localdate())
        self.safety_review = found
        if found.vetoes:
            lines = found.summary(found.vetoes, limit=MAX_LISTED)
            self.add_error(
                None,
                forms.ValidationError(
                    f"内容安全检查未通过，页面没有发布：发现 {len(found.vetoes)} 处禁止发布的内容，须先修改。"
                    "已填写的内容都还在，可以修改后再发布，或先保存草稿。",
                    code="content_safety",
                ),
            )
            self.add_error(None, forms.ValidationError(lines, code="content_safety"))
            return False
        if found.warnings and not self.cleaned_data.get(CONFIRM_FIELD):
            self.fields[CONFIRM_FIELD].widget.review = found
            self.add_error(
                None,
                forms.ValidationError(
                    f"内容安全检查发现 {len(found.warnings)} 处提示，页面没有发布：请逐条核实（见页面底部），"
                    f"确认无误后勾选“{CONFIRM_LABEL}”，再点发布。",
                    code="content_safety",
                ),
            )
            self.add_error(
                None,
                forms.ValidationError(found.summary(found.warnings, limit=MAX_LISTED), code="content_safety"),
            )
            return False
        return True

    def save(self, commit=True):
        page = super().save(commit=commit)
        found = self.safety_review
        if found is not None and found.warnings and not found.vetoes and page.pk:
            log_confirmation(page, getattr(self, "for_user", None), found)
        return page


class SafetyPageForm(ContentSafetyFormMixin, WagtailAdminPageForm):
    """Base form for page types without body content rules: `base_form_class = SafetyPageForm`."""


# --- the workflow's end, the registry and bulk publish -----------------------------------------------------


class SafePublishPageRevisionAction(PublishPageRevisionAction):
    """Wagtail's page publish action, refusing a revision with a veto finding."""

    def check(self, skip_permission_checks=False):
        super().check(skip_permission_checks=skip_permission_checks)
        guard_revision(self.revision)


@hooks.register("register_actions")
def register_safe_publish(registry):
    from wagtail.models import Page

    registry.register(Page, SafePublishPageRevisionAction)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_with_findings(request, action_type, objects, action_class_instance):
    from wagtail.models import Page

    if action_type != "publish" or not objects or not isinstance(objects[0], Page):
        return None
    pages = list(objects)
    form = getattr(action_class_instance, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages.extend(page.get_descendants().not_live().specific())
    refused = []
    for page in pages:
        revision = page.get_latest_revision()
        if revision is not None and check_revision(revision):
            refused.append(page.get_admin_display_title())
    if not refused:
        return None
    names = "、".join(f"“{title}”" for title in refused[:MAX_LISTED])
    more = f"等 {len(refused)} 个页面" if len(refused) > MAX_LISTED else ""
    messages.error(
        request,
        f"没有批量发布：{names}{more}经内容安全检查发现问题（禁止发布的内容或须核实的提示），"
        "请在页面编辑器中修改或核实确认后逐页发布。",
    )
    return redirect(action_class_instance.next_url)


@hooks.register("register_log_actions")
def register_safety_publish_log_actions(actions):
    actions.register_action(CONFIRM_ACTION, "核实内容安全提示", "核实了内容安全检查的提示并发布或批准")
