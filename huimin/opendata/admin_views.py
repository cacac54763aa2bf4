"""The admin side of open data (数据开放): the datasets a person may edit with their resources, adding a
resource, uploading or fetching a new version, a version's reading (encoding, rows, problems by row and
column) with the column corrections, and the report of late datasets (数据更新提醒).

Every write goes through `services.py`; a dataset the person may not manage is not found (404), so
another unit's datasets are neither shown nor changed.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import queries, services
from .forms import ColumnsForm, FetchForm, ResourceForm, UploadForm
from .models import DataCatalogPage, DatasetPage, Resource, ResourceVersion
from .quality import late_datasets, quality

PAGE_SIZE = 50
ERRORS_SHOWN = 200
STALLED_MINUTES = 30  # a pending version waiting longer than this: the task worker is probably not running


def _managed_dataset(user, page_id: int) -> DatasetPage:
    dataset = DatasetPage.objects.filter(pk=page_id).select_related("unit", "theme").first()
    if dataset is None or not services.can_manage(user, dataset):
        raise Http404("没有这个数据集，或您无权管理它。")
    return dataset


def _managed_resource(user, rid: int) -> Resource:
    resource = Resource.objects.filter(pk=rid).select_related("current_version").first()
    if resource is None:
        raise Http404("没有这个数据资源。")
    _managed_dataset(user, resource.dataset_id)
    return resource


def _refusal(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "操作未完成。"


class _AdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DatasetListView(_AdminView):
    template_name = "opendata/admin/datasets.html"
    page_title = "数据集与资源"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        datasets = (
            queries.with_last_updated(queries.editable_datasets(self.request.user))
            .select_related("unit", "theme")
            .prefetch_related("resources__current_version")
            .order_by("unit__sort_order", "unit__name", "title")
        )
        page = Paginator(datasets, PAGE_SIZE).get_page(self.request.GET.get("p"))
        context["page"] = page
        context["rows"] = [(dataset, quality(dataset, now)) for dataset in page.object_list]
        catalogs = DataCatalogPage.objects.all().order_by("path")
        context["catalogs"] = [
            c for c in catalogs if c.permissions_for_user(self.request.user).can_add_subpage()
        ]
        return context


class DatasetAdminView(_AdminView):
    """One dataset's resources with their versions, and the form to add a resource."""

    template_name = "opendata/admin/dataset.html"

    def get_page_title(self):
        return f"数据资源：{self.dataset.title}"

    def dispatch(self, request, page_id: int, *args, **kwargs):
        if request.user.is_authenticated:
            self.dataset = _managed_dataset(request.user, page_id)
        return super().dispatch(request, page_id, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        resources = self.dataset.resources.select_related("current_version").prefetch_related("versions")
        context.update(
            {
                "dataset": self.dataset,
                "resources": [(r, sorted(r.versions.all(), key=lambda v: -v.number)) for r in resources],
                "form": form or ResourceForm(),
                "quality": quality(self.dataset, timezone.now()),
            }
        )
        return context

    def post(self, request, page_id: int):
        form = ResourceForm(request.POST)
        if form.is_valid():
            try:
                resource = services.create_resource(
                    self.dataset,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _refusal(error))
            else:
                messages.success(request, f"已添加数据资源“{resource.title}”，请上传文件或从地址获取。")
                return redirect(reverse("opendata_upload", args=[resource.pk]))
        return self.render_to_response(self.get_context_data(form=form))


def _render_upload(request, resource, upload_form=None, fetch_form=None, error="", status=200):
    limit_mb = services.max_upload_bytes() // 2**20
    context = {
        "page_title": f"上传新版本：{resource.title}",
        "header_icon": "upload",
        "resource": resource,
        "dataset": resource.dataset,
        "upload_form": upload_form or UploadForm(limit_mb=limit_mb),
        "fetch_form": fetch_form or FetchForm(initial={"url": resource.source_url}),
        "error": error,
        "limit_mb": limit_mb,
    }
    return TemplateResponse(request, "opendata/admin/upload.html", context, status=status)


@csrf_exempt
def upload_view(request, rid: int):
    """Upload a new version. The size limit is enforced while the body streams in (A's upload handler,
    installed before anything reads the request), so an over-limit file is refused without being read
    whole; CSRF is checked after that, by `_upload`."""
    if request.method == "POST":
        request.upload_handlers.insert(0, services.LimitedUploadHandler(request))
    return _upload(request, rid)


@csrf_protect
def _upload(request, rid: int):
    resource = _managed_resource(request.user, rid)
    if request.method != "POST":
        return _render_upload(request, resource)
    limit_mb = services.max_upload_bytes() // 2**20
    form = UploadForm(request.POST, request.FILES, limit_mb=limit_mb)
    refused = services.upload_refusal(request)
    if refused:
        return _render_upload(request, resource, error=refused, status=413)
    if not form.is_valid():
        return _render_upload(request, resource, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        version = services.add_version(
            resource,
            upload=upload,
            original_name=upload.name,
            actor=request.user,
            now=timezone.now(),
            background=upload.size > services.background_bytes(),
        )
    except services.UploadRefused as error:
        return _render_upload(request, resource, upload_form=form, error=str(error), status=400)
    except (ValidationError, PermissionDenied) as error:
        return _render_upload(request, resource, upload_form=form, error=_refusal(error), status=400)
    _report_version(request, version)
    return redirect(reverse("opendata_version", args=[version.pk]))


def fetch_view(request, rid: int):
    resource = _managed_resource(request.user, rid)
    if request.method != "POST":
        return redirect(reverse("opendata_upload", args=[resource.pk]))
    form = FetchForm(request.POST)
    if not form.is_valid():
        return _render_upload(request, resource, fetch_form=form, status=400)
    try:
        version = services.fetch_version(
            resource, url=form.cleaned_data["url"], actor=request.user, now=timezone.now()
        )
    except (services.UploadRefused, ValidationError, PermissionDenied) as error:
        return _render_upload(request, resource, fetch_form=form, error=_refusal(error), status=400)
    _report_version(request, version)
    return redirect(reverse("opendata_version", args=[version.pk]))


def _report_version(request, version) -> None:
    if version.status == "pending":
        messages.info(
            request,
            f"第 {version.number} 版（{filesizeformat(version.size)}）已保存，正在后台导入；"
            "导入需要一些时间，完成后刷新本页即可看到结果。导入完成前，公众看到的仍是上一版。",
        )
    elif version.status == "failed":
        messages.error(request, f"第 {version.number} 版已保存，但无法读取：{version.status_message}")
    elif version.error_count:
        messages.warning(
            request,
            f"第 {version.number} 版已导入 {version.row_count} 行，"
            f"发现 {version.error_count} 个问题，请查看下方列表。",
        )
    else:
        messages.success(request, f"第 {version.number} 版已导入 {version.row_count} 行。")


class VersionView(_AdminView):
    """A version's reading, and for the current version the form correcting its columns."""

    template_name = "opendata/admin/version.html"

    def get_page_title(self):
        return f"{self.version.resource.title} 第 {self.version.number} 版"

    def dispatch(self, request, vid: int, *args, **kwargs):
        if request.user.is_authenticated:
            self.version = get_object_or_404(ResourceVersion.objects.select_related("resource"), pk=vid)
            self.dataset = _managed_dataset(request.user, self.version.resource.dataset_id)
        return super().dispatch(request, vid, *args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.version.resource.current_version_id == self.version.pk and self.version.status == "loaded"

    def get_context_data(self, form=None, error="", **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "version": self.version,
                "resource": self.version.resource,
                "dataset": self.dataset,
                "errors": (self.version.errors or [])[:ERRORS_SHOWN],
                "errors_hidden": max(0, self.version.error_count - ERRORS_SHOWN),
                "form": (form or ColumnsForm(columns=self.version.columns or []))
                if self.is_current
                else None,
                "error": error,
                "stalled": self.version.status == "pending"
                and timezone.now() - self.version.uploaded_at > timedelta(minutes=STALLED_MINUTES),
                "stalled_minutes": STALLED_MINUTES,
            }
        )
        return context

    def post(self, request, vid: int):
        if not self.is_current:
            return self.render_to_response(
                self.get_context_data(error="只能修改当前版本的字段；请在当前版本页面修改。"), status=400
            )
        form = ColumnsForm(request.POST, columns=self.version.columns or [])
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            outcome = services.change_columns(
                self.version, form.corrected(), actor=request.user, now=timezone.now()
            )
        except (ValidationError, PermissionDenied) as error:
            return self.render_to_response(
                self.get_context_data(form=form, error=_refusal(error)), status=400
            )
        if outcome == "queued":
            messages.info(request, services.RETYPE_QUEUED + "完成后刷新本页即可看到结果。")
        elif outcome == "retyped":
            messages.success(request, "字段已更新，数据已按新的类型重新导入。")
        else:
            messages.success(request, "字段已更新。")
        return redirect(reverse("opendata_version", args=[self.version.pk]))


class LateReportView(_AdminView):
    """数据更新提醒: the late datasets of the units the person may edit (a superuser: all)."""

    template_name = "opendata/admin/late.html"
    page_title = "数据更新提醒"
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        datasets = queries.editable_datasets(self.request.user).live()
        context["rows"] = [
            {"dataset": d, "last_updated": last, "due": due, "overdue_days": (now - due).days}
            for d, last, due in late_datasets(datasets, now)
        ]
        return context
