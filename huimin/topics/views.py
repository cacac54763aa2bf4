"""Admin views of the topic designer: 另存为专题模板 and 从模板新建专题.

The public pages are served by the page models (`TopicIndexPage`, `TopicPage`) and their templates.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import services
from .forms import CreateFromTemplateForm, SaveAsTemplateForm
from .models import TopicPage


def _add_service_error(form, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or "您没有执行此操作的权限。")
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class SaveAsTemplateView(WagtailAdminTemplateMixin, FormView):
    template_name = "topics/admin/save_as_template.html"
    form_class = SaveAsTemplateForm
    page_title = "另存为专题模板"
    header_icon = "copy"

    def dispatch(self, request, *args, **kwargs):
        self.topic = get_object_or_404(TopicPage, pk=kwargs["page_id"])
        if not self.topic.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.topic.get_admin_display_title()

    def get_initial(self):
        return {"name": f"{self.topic.title}模板"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            topic=self.topic,
            action_url=reverse("topics_save_as_template", args=[self.topic.pk]),
            submit_button_label="保存为模板",
            submit_button_active_label="正在保存…",
        )
        return context

    def form_valid(self, form):
        try:
            template = services.save_as_template(
                self.topic,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                actor=self.request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"已将“{self.topic.title}”另存为专题模板“{template.name}”，可用“从模板新建专题”使用它。",
        )
        return redirect("wagtailadmin_pages:edit", self.topic.pk)


class CreateFromTemplateView(WagtailAdminTemplateMixin, FormView):
    template_name = "topics/admin/create_from_template.html"
    form_class = CreateFromTemplateForm
    page_title = "从模板新建专题"
    header_icon = "doc-full-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = {}
        for key in ("template", "parent"):
            if self.request.GET.get(key, "").isdigit():
                initial[key] = int(self.request.GET[key])
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            action_url=reverse("topics_create_from_template"),
            submit_button_label="新建专题草稿",
            submit_button_active_label="正在新建…",
            no_templates=not form.fields["template"].queryset.exists(),
            no_indexes=not form.fields["parent"].queryset.exists(),
        )
        return context

    def form_valid(self, form):
        try:
            topic = services.create_topic_from_template(
                form.cleaned_data["template"],
                form.cleaned_data["parent"],
                title=form.cleaned_data["title"],
                slug=form.cleaned_data["slug"],
                actor=self.request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            _add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已从模板新建专题草稿“{topic.title}”，请编辑组件后提交发布。")
        return redirect("wagtailadmin_pages:edit", topic.pk)
