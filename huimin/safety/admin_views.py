"""内容安全 in the admin: the dictionary (词典: a filtered list every admin user may read; adding, changing
and importing terms for platform and security administrators only), one term with its history, and 文字检查
(paste a draft and see what the checks find, with the places marked).

Every change calls a service (`services.add_term`, `change_term`, `import_terms`), whose refusals come back
onto the form in Chinese; a person who may not edit gets 403 on the editing screens and actions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import registry as log_action_registry

from huimin.core.admin_menu import MenuEntry

from . import queries, services
from .dictionary import TermsFileError
from .enums import TERM_CHECKS, Severity
from .forms import CheckForm, ImportForm, TermForm
from .models import Term

PAGE_SIZE = 50
LIST_URL = "safety_terms"
HISTORY_KEYS = (("changed", ""), ("to", "正确写法"), ("status", "状态"), ("file", "文件"))


class _View(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"
    editing = False  # screens and actions that change the dictionary

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not services.may_read_dictionary(user) or (
            self.editing and not services.may_edit_dictionary(user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(LIST_URL), "label": "内容安全词典"},
            {"url": "", "label": self.get_page_title()},
        ]


class DictionaryView(_View):
    template_name = "safety/admin/terms.html"
    page_title = "内容安全词典"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = queries.Filters.from_query(self.request.GET)
        page = Paginator(queries.terms(filters), PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            {
                "filters": filters,
                "page": page,
                "total": page.paginator.count,
                "query": urlencode(filters.as_params()),
                "categories": queries.categories(),
                "kinds": [(c.value, c.label) for c in TERM_CHECKS],
                "severities": Severity.choices,
                "may_edit": services.may_edit_dictionary(self.request.user),
            }
        )
        return context


def _term(pk: int) -> Term:
    found = Term.objects.select_related("category").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _history_rows(term: Term) -> list[dict]:
    rows = []
    for entry in queries.history(term)[:100]:
        data = entry.data or {}
        details = [
            f"{label}：{data[key]}" if label else str(data[key])
            for key, label in HISTORY_KEYS
            if data.get(key)
        ]
        user = entry.user
        rows.append(
            {
                "when": entry.timestamp,
                "who": (user.get_full_name() or user.get_username()) if user is not None else "系统",
                "action": log_action_registry.get_action_label(entry.action),
                "details": "；".join(details),
            }
        )
    return rows


def _initial(term: Term) -> dict:
    return {
        "term": term.term,
        "suggestion": term.suggestion,
        "category": term.category_id,
        "severity": term.severity,
        "note": term.note,
        "active": term.active,
    }


def _data(form: TermForm) -> services.TermData:
    data = form.cleaned_data
    return services.TermData(
        term=data["term"],
        category=data["category"],
        severity=data["severity"],
        suggestion=data["suggestion"],
        note=data["note"],
        active=data["active"],
    )


class TermAddView(_View):
    template_name = "safety/admin/term.html"
    page_title = "添加词条"
    editing = True

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=TermForm(), may_edit=True))

    def post(self, request, *args, **kwargs):
        form = TermForm(request.POST)
        if form.is_valid():
            try:
                term = services.add_term(_data(form), actor=request.user)
            except (PermissionDenied, ValidationError) as error:
                form.apply_error(error)
            else:
                messages.success(request, f"已添加词条“{term.term}”。")
                return redirect(reverse("safety_term", args=[term.pk]))
        return self.render_to_response(self.get_context_data(form=form, may_edit=True), status=400)


class TermView(_View):
    """One term: its form for those who may edit (facts for the others) and its history."""

    template_name = "safety/admin/term.html"

    def get_page_title(self):
        return f"词条“{self.term.term}”"

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.term = _term(pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"term": self.term, "history": _history_rows(self.term)})
        return context

    def get(self, request, *args, **kwargs):
        may_edit = services.may_edit_dictionary(request.user)
        form = TermForm(initial=_initial(self.term)) if may_edit else None
        return self.render_to_response(self.get_context_data(form=form, may_edit=may_edit))

    def post(self, request, *args, **kwargs):
        if not services.may_edit_dictionary(request.user):
            raise PermissionDenied
        form = TermForm(request.POST)
        if form.is_valid():
            try:
                services.change_term(self.term, _data(form), actor=request.user)
            except (PermissionDenied, ValidationError) as error:
                form.apply_error(error)
            else:
                messages.success(request, "词条已保存。")
                return redirect(reverse("safety_term", args=[self.term.pk]))
        return self.render_to_response(self.get_context_data(form=form, may_edit=True), status=400)


class ImportView(_View):
    template_name = "safety/admin/import.html"
    page_title = "导入词表"
    editing = True

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportForm()))

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        report, problems = None, []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = services.import_terms(
                    upload.read(),
                    filename=upload.name,
                    actor=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except TermsFileError as error:
                problems = error.errors
            except PermissionDenied as error:
                form.apply_error(error)
        status = 200 if report is not None else 400
        return self.render_to_response(
            self.get_context_data(
                form=form, report=report, problems=problems[:100], more=len(problems) - 100
            ),
            status=status,
        )


class CheckView(_View):
    template_name = "safety/admin/check.html"
    page_title = "文字检查"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=CheckForm()))

    def post(self, request, *args, **kwargs):
        from . import engine

        form = CheckForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        text = form.cleaned_data["text"]
        source = engine.html_text(text) if "<" in text and ">" in text else text
        normalised = engine.normalise(source)
        hits = engine.check_normalised(normalised)
        rows = [
            {
                "hit": hit,
                "kind": hit.check_label + (f"·{hit.category}" if hit.category else ""),
                "verdict": hit.verdict(),
                "context": engine.context(normalised, hit),
            }
            for hit in hits
        ]
        vetoes = sum(1 for hit in hits if hit.veto)
        return self.render_to_response(
            self.get_context_data(
                form=form, rows=rows, checked=True, vetoes=vetoes, warnings=len(hits) - vetoes
            )
        )


def _may_edit(user) -> bool:
    return services.may_edit_dictionary(user)


urlpatterns = [
    path("terms/", DictionaryView.as_view(), name=LIST_URL),
    path("terms/new/", TermAddView.as_view(), name="safety_term_add"),
    path("terms/<int:pk>/", TermView.as_view(), name="safety_term"),
    path("terms/import/", ImportView.as_view(), name="safety_import"),
    path("check/", CheckView.as_view(), name="safety_check"),
]

MENU = [
    MenuEntry("词典", LIST_URL, "list-ul", 10, services.may_read_dictionary),
    MenuEntry("添加词条", "safety_term_add", "plus", 20, _may_edit),
    MenuEntry("导入词表", "safety_import", "upload", 30, _may_edit),
    MenuEntry("文字检查", "safety_check", "search", 40, services.may_read_dictionary),
]
