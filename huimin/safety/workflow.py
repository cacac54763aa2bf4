"""The content-safety step of the publishing workflow (`ContentSafetyTask`, whose behaviour is here).

Every site's approval workflow starts with this step (`install`, called when a site is made and by
`huimin safety-sweep --install-workflow` for sites made before). When a page reaches it, the checks run on the
revision in review:

- nothing found: the step approves itself and the page goes on to the site's approval step;
- a warning (提醒确认): the site's 单位审核人 or 站点管理员 may approve only by ticking
  “我已核实上述提示内容无误” in the approval dialog, which shows every finding with its place marked;
- a veto (禁止发布): only “请求修改” is offered, and approval is refused whatever is posted.

On approval the checks run again, on the revision in review and on the page's latest revision (what the
workflow will publish), so a dictionary change or an edit in between is not missed.
"""

from __future__ import annotations

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail import hooks
from wagtail.forms import TaskStateCommentForm

from . import publish  # the publish guards (their hooks register on import)
from .pages import Review, review
from .publish import CONFIRM_LABEL, SafetyRefused

REVIEW_TEMPLATE = "safety/workflow_action_modal.html"
ACTION_LABELS = {
    "reject": "请求修改",
    "confirm": "核实后批准",
    "approve": "批准",
    "approve_comment": "批准并留言",
}
AUTO_APPROVED = "内容安全自动检查：未发现错误表述、有害信息或个人信息。"


class ApproveForm(TaskStateCommentForm):
    comment = forms.CharField(
        label="审核意见", required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )


class ConfirmForm(ApproveForm):
    """The approval of a page with warnings: the approver confirms having checked every one."""

    confirmed = forms.BooleanField(
        label=CONFIRM_LABEL,
        required=True,
        error_messages={"required": "请逐条核实上述提示，确认无误后勾选此项，再批准。"},
    )


class RejectForm(ApproveForm):
    """Request changes: a comment left empty is filled with what the checks found."""

    comment = forms.CharField(
        label="修改意见",
        required=False,
        max_length=2000,
        help_text="留空则自动附上检查发现的问题。",
        widget=forms.Textarea({"rows": 3}),
    )


# --- who reviews -------------------------------------------------------------------------------------------


def site_of(page):
    """The site whose tree holds the page (the deepest root), or None."""
    from wagtail.models import Site

    best = None
    for site in Site.objects.select_related("root_page"):
        root = site.root_page.path
        if page.path.startswith(root) and (best is None or len(root) > len(best.root_page.path)):
            best = site
    return best


def approver_roles():
    from huimin.sites.enums import Role

    return (Role.UNIT_LEADER, Role.SITE_ADMIN)


def may_review(page, user) -> bool:
    """The site's 单位审核人 and 站点管理员 (the same people as the site's approval step), and platform
    administrators."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_content_safety_reviews", None)
    if cache is None:
        cache = {}
        user._content_safety_reviews = cache
    if page.pk not in cache:
        from huimin.sites.models import SiteRoleGroup

        site = site_of(page)
        cache[page.pk] = site is not None and (
            SiteRoleGroup.objects.filter(site=site, role__in=approver_roles(), group__user=user).exists()
        )
    return cache[page.pk]


def reviewable_pages(user):
    """The pages (as text keys, as workflow states store them) a non-superuser may review here."""
    from wagtail.models import Page

    roots = list(
        Page.objects.filter(
            sites_rooted_here__role_groups__role__in=approver_roles(),
            sites_rooted_here__role_groups__group__user=user,
        ).values_list("path", flat=True)
    )
    if not roots:
        return None
    within = Q()
    for path in roots:
        within |= Q(path__startswith=path)
    return Page.objects.filter(within).annotate(key=Cast("pk", CharField())).values("key")


# --- what the checks say -----------------------------------------------------------------------------------


def review_task_state(task_state, *, now=None) -> Review:
    """The findings on the revision in review and, when the page has been edited since, on its latest
    revision (what the workflow would publish)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    revision = task_state.revision
    result = review(revision.as_object(), today=today)
    page = task_state.workflow_state.content_object
    latest_id = getattr(page, "latest_revision_id", None)
    if latest_id and latest_id != revision.pk:
        latest = page.get_latest_revision()
        if latest is not None:
            result = result.merged(review(latest.as_object(), today=today))
    return result


def _current_task_state(obj, task):
    from wagtail.models import TaskState

    return (
        TaskState.objects.filter(
            workflow_state__base_content_type=obj.get_base_content_type(),
            workflow_state__object_id=str(obj.pk),
            task=task,
            status=TaskState.STATUS_IN_PROGRESS,
        )
        .select_related("revision", "workflow_state")
        .first()
    )


class SafetyTaskMixin:
    """The behaviour of `models.ContentSafetyTask` (a Wagtail `Task` without fields of its own)."""

    @classmethod
    def get_description(cls):
        return (
            "自动检查错误表述、有害信息和个人信息：未发现问题自动通过；有提示须本站单位审核人或站点管理员"
            "核实确认，有禁止发布的内容只能退回修改。"
        )

    # Wagtail's task API -------------------------------------------------------------------------------------

    def start(self, workflow_state, user=None):
        task_state = super().start(workflow_state, user=user)
        if not review_task_state(task_state):
            task_state.approve(user=None, update=False, comment=AUTO_APPROVED)
        return task_state

    def user_can_access_editor(self, obj, user):
        return may_review(obj, user)

    def locked_for_user(self, obj, user):
        return not may_review(obj, user)

    def user_can_lock(self, obj, user):
        return may_review(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if not may_review(obj, user):
            return []
        actions = [("reject", ACTION_LABELS["reject"], True)]
        task_state = _current_task_state(obj, self)
        if task_state is None:
            return actions
        found = review_task_state(task_state)
        if found.vetoes:
            return actions
        if found.warnings:
            return [*actions, ("confirm", ACTION_LABELS["confirm"], True)]
        return [
            *actions,
            ("approve", ACTION_LABELS["approve"], False),
            ("approve", ACTION_LABELS["approve_comment"], True),
        ]

    def get_form_for_action(self, action):
        if action == "confirm":
            return ConfirmForm
        if action == "reject":
            return RejectForm
        return ApproveForm

    def get_template_for_action(self, action):
        return REVIEW_TEMPLATE

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from wagtail.models import Page, TaskState

        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser:
            return states
        pages = reviewable_pages(user)
        if pages is None:
            return TaskState.objects.none()
        return states.filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id__in=pages,
        )

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        confirmed = bool(kwargs.pop("confirmed", False))
        comment = kwargs.pop("comment", "") or ""
        page = task_state.workflow_state.content_object
        if not may_review(page, user):
            raise PermissionDenied("只有本站的单位审核人或站点管理员可以处理内容安全审查。")
        found = review_task_state(task_state)
        if action_name == "reject":
            if not comment.strip() and found:
                comment = "内容安全审查发现以下问题，请修改后重新提交：\n" + "\n".join(found.summary())
            task_state.reject(user=user, comment=comment)
            return None
        if action_name not in ("approve", "confirm"):
            raise PermissionDenied("无法识别的审核操作。")
        if found.vetoes:
            raise SafetyRefused(
                f"内容安全审查不予通过：发现 {len(found.vetoes)} 处禁止发布的内容，只能请求修改。"
                + "；".join(found.summary(found.vetoes, limit=3))
            )
        if found.warnings and not confirmed:
            raise SafetyRefused(
                f"内容安全审查发现 {len(found.warnings)} 处提示，须核实后勾选“{CONFIRM_LABEL}”才能批准。"
            )
        task_state.approve(user=user, comment=comment)
        if found.warnings:
            publish.log_confirmation(page, user, found, revision=task_state.revision)
        return None


# --- the step in every site's workflow ---------------------------------------------------------------------


def safety_task():
    """The group's content-safety step: one task serves every site (the page's site says who reviews)."""
    from .models import ContentSafetyTask

    task = ContentSafetyTask.objects.filter(active=True).order_by("pk").first()
    return task or ContentSafetyTask.objects.create(name="内容安全审查")


@transaction.atomic
def install(workflow) -> bool:
    """Put the content-safety step first in a workflow; False when it is there already."""
    from wagtail.models import WorkflowTask

    from .models import ContentSafetyTask

    content_type = ContentType.objects.get_for_model(ContentSafetyTask)
    steps = list(WorkflowTask.objects.filter(workflow=workflow).select_related("task").order_by("sort_order"))
    if steps and steps[0].task.content_type_id == content_type.pk:
        return False
    existing = [step for step in steps if step.task.content_type_id == content_type.pk]
    task = existing[0].task if existing else safety_task()
    for step in existing:
        step.delete()
    others = [step for step in steps if step not in existing]
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for number, step in enumerate(others, start=1):
        if step.sort_order != number:
            WorkflowTask.objects.filter(pk=step.pk).update(sort_order=number)
    return True


def install_everywhere() -> tuple[int, int]:
    """Put the step first in the workflow of every site's home page: (sites looked at, workflows changed)."""
    from wagtail.models import Site, WorkflowPage

    sites = changed = 0
    for site in Site.objects.select_related("root_page").order_by("pk"):
        sites += 1
        link = WorkflowPage.objects.filter(page=site.root_page).select_related("workflow").first()
        if link is not None and install(link.workflow):
            changed += 1
    return sites, changed


@hooks.register("construct_site_workflow")
def _site_workflow_starts_with_the_check(workflow, site):
    install(workflow)
