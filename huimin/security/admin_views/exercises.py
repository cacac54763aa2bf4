"""应急演练和渗透测试 in the admin: the register (filters `?site=&year=`) headed by the quarters that still
lack one, a new entry with its files, one entry with its files and an upload form, and the file download.
Site administrators record for their own sites; platform and security administrators for every site. An
entry or file of another site answers 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from huimin.core.audit import record_read
from huimin.letters import attachments

from .. import queries, services
from ..enums import ExerciseKind
from ..forms import ExerciseFilesForm, ExerciseForm
from ..models import Exercise, ExerciseFile
from . import MenuEntry, SecurityView

PAGE_SIZE = 50
LIST_URL = "security_exercises"


def _int(value, low: int = 1, high: int = 2**31 - 1) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def visible(request, pk: int) -> Exercise:
    found = queries.visible_exercises(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


class ListView(SecurityView):
    template_name = "security/exercises/list.html"
    page_title = "应急演练和渗透测试"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, query, now = self.request.user, self.request.GET, timezone.now()
        sites = list(queries.visible_sites(user))
        this_year = timezone.localdate(now).year
        filters = {"site": _int(query.get("site")), "year": _int(query.get("year"), 2000, 2100)}
        items = queries.visible_exercises(user)
        if filters["site"] is not None:
            items = items.filter(site_id=filters["site"])
        if filters["year"] is not None:
            items = items.filter(held_on__year=filters["year"])
        shown = [s for s in sites if filters["site"] in (None, s.pk)]
        page = Paginator(items, PAGE_SIZE).get_page(query.get("p"))
        params = {k: v for k, v in filters.items() if v is not None}
        context.update(
            {
                "filters": filters,
                "page": page,
                "items": page.object_list,
                "sites": sites if len(sites) > 1 else [],
                "years": list(range(this_year, max(this_year - 6, 2000) - 1, -1)),
                "gaps": queries.exercise_gaps(shown, now),
                "query": urlencode(params),
                "total": page.paginator.count,
                "may_record": bool(sites),
            }
        )
        return context


class NewView(SecurityView):
    template_name = "security/exercises/new.html"
    page_title = "登记应急演练或渗透测试"
    section_label, section_url = "应急演练和渗透测试", LIST_URL

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def _sites(self):
        return [
            s for s in queries.visible_sites(self.request.user) if queries.may_record(self.request.user, s)
        ]

    def get(self, request, *args, **kwargs):
        sites = self._sites()
        initial = {"site": str(sites[0].pk)} if len(sites) == 1 else {}
        chosen = _int(request.GET.get("site"))
        if chosen in {s.pk for s in sites}:
            initial["site"] = str(chosen)
        form = ExerciseForm(initial=initial, sites=sites)
        return self.render_to_response(self.get_context_data(form=form, sites=sites))

    def post(self, request, *args, **kwargs):
        sites = self._sites()
        form = ExerciseForm(request.POST, request.FILES, sites=sites)
        if form.is_valid():
            data = form.cleaned_data
            site = next((s for s in sites if s.pk == _int(data["site"])), None)
            try:
                exercise = services.record_exercise(
                    services.ExerciseData(
                        site=site,
                        kind=data["kind"],
                        held_on=data["held_on"],
                        title=data["title_text"],
                        scope=data["scope"],
                        organiser=data.get("organiser", ""),
                        findings=data.get("findings", ""),
                        fixes=data.get("fixes", ""),
                        uploads=data.get("uploads") or [],
                    ),
                    actor=request.user,
                    now=timezone.now(),
                )
            except (PermissionDenied, ValidationError) as error:
                form.apply_error(error)
            else:
                messages.success(request, f"已登记“{exercise.title}”。")
                return redirect(reverse("security_exercise", args=[exercise.pk]))
        return self.render_to_response(self.get_context_data(form=form, sites=sites), status=400)


class DetailView(SecurityView):
    template_name = "security/exercises/detail.html"
    page_title = "应急演练和渗透测试"
    section_label, section_url = "应急演练和渗透测试", LIST_URL

    def get_page_title(self):
        item = getattr(self, "_item", None)
        return item.title if item is not None else self.page_title

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def item(self) -> Exercise:
        self._item = visible(self.request, self.kwargs["pk"])
        return self._item

    def show(self, item: Exercise, form=None, status: int = 200):
        may_add = queries.may_record(self.request.user, item.site)
        context = self.get_context_data(
            item=item,
            files=list(item.files.all()),
            form=(form or ExerciseFilesForm()) if may_add else None,
            quarter=queries.quarter_label(*item.quarter),
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        return self.show(self.item())

    def post(self, request, *args, **kwargs):
        item = self.item()
        form = ExerciseFilesForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(item, form, status=400)
        try:
            stored = services.add_exercise_files(
                item, form.cleaned_data.get("uploads") or [], actor=request.user, now=timezone.now()
            )
        except PermissionDenied as error:
            form.apply_error(error)
            return self.show(item, form, status=403)
        except ValidationError as error:
            form.apply_error(error)
            return self.show(item, form, status=400)
        messages.success(request, f"已上传 {len(stored)} 个文件。")
        return redirect(reverse("security_exercise", args=[item.pk]))


def download(request, pk: int, file_pk: int):
    """A file of a register entry, for whoever sees the entry (404 for everyone else)."""
    if not request.user.has_perm("wagtailadmin.access_admin") or not queries.uses_security(request.user):
        raise PermissionDenied
    item = visible(request, pk)
    found = ExerciseFile.objects.filter(pk=file_pk, exercise=item).first()
    if found is None:
        raise Http404
    record_read(request, item, "演练和测试材料", file=found.pk)
    return attachments.download(found)


urlpatterns = [
    path("exercises/", ListView.as_view(), name=LIST_URL),
    path("exercises/new/", NewView.as_view(), name="security_exercise_new"),
    path("exercises/<int:pk>/", DetailView.as_view(), name="security_exercise"),
    path("exercises/<int:pk>/files/<int:file_pk>/", download, name="security_exercise_file"),
]
MENU = [MenuEntry("应急演练和渗透测试", LIST_URL, "tasks", 200, queries.uses_security)]
KINDS = ExerciseKind.choices
