"""信息报送 in the admin: the list (filters `?unit=&year=&kind=&state=`, with each unit's progress against its
base for the year), a new item, one item with its record and the actions this person may take, and its
attachment. A unit's staff see only their own units' items; the portal office and the assessors see every
unit's. Another unit's item answers 404, as letters do. Every action calls the service of the same name."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry

from huimin.core.audit import record_read
from huimin.sites.models import ColumnPage, OrgUnit
from huimin.workdays.working_time import SHANGHAI

from .. import queries, sheets
from ..enums import CLASS_OF_KIND, Adoption, SubmissionKind, SubmissionState
from ..forms import DETAIL_FORMS, AdoptForm, ServiceForm, SubmitForm
from ..models import Submission
from ..services import submissions as services
from . import MenuEntry

PAGE_SIZE = 50
LIST_URL = "assessment_submissions"
FIELD_LABELS = {
    "title": "标题",
    "body": "正文",
    "column": "拟投栏目",
    "quarter": "选题季度",
    "attachment": "附件",
}


# --- who sees what ---------------------------------------------------------------------------------------


def sees_all(user) -> bool:
    return queries.is_portal_office(user) or queries.is_assessor(user)


def visible_submissions(user):
    found = Submission.objects.select_related("unit", "column", "submitted_by", "decided_by")
    if sees_all(user):
        return found
    return found.filter(unit_id__in=queries.own_unit_ids(user))


def own_assessed_units(user) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(pk__in=queries.own_unit_ids(user), kind__in=list(CLASS_OF_KIND)).order_by(
            "sort_order", "name"
        )
    )


def portal_columns() -> list[tuple[str, str]]:
    """The live columns of the portal, as (id, name with its place in the tree) for a select."""
    portal = queries.portal_site()
    if portal is None:
        return []
    columns = ColumnPage.objects.live().descendant_of(portal.root_page).order_by("path")
    base = portal.root_page.depth
    return [(str(c.pk), "　" * max(c.depth - base - 1, 0) + c.title) for c in columns]


LOST_UPLOAD = (
    "附件未能收到：文件名的编码无法识别（常见于旧版浏览器上传中文名文件）。"
    "请将文件改用简体中文或英文名称后重新选择上传。"
)
# What a multipart part costs beyond its name and value (boundary, headers), generously.
PART_OVERHEAD = 160
LOST_MARGIN = 512


def lost_upload(request) -> bool:
    """Whether the request carried a file the parser had to drop: Django skips a part whose headers are not
    UTF-8 (a file name in GBK), so no file arrives and the form would be saved without it. The body's size
    tells: far more bytes came than the fields received account for."""
    if request.FILES or not request.content_type.startswith("multipart/"):
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    accounted = sum(
        len(key.encode()) + len(value.encode()) + PART_OVERHEAD
        for key, values in request.POST.lists()
        for value in values
    )
    return length - accounted > LOST_MARGIN


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def _int(value, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


# --- screens ---------------------------------------------------------------------------------------------


class _View(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "form"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.has_perm("wagtailadmin.access_admin") or not queries.uses_assessment(user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse(LIST_URL), "label": "信息报送"}]


class ListView(_View):
    template_name = "assessment/submissions/list.html"
    page_title = "信息报送"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": "信息报送"}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        query = self.request.GET
        all_units = sees_all(user)
        units = sheets.assessed_units() if all_units else own_assessed_units(user)
        unit_ids = {unit.pk for unit in units}
        filters = {
            "unit": _int(query.get("unit"), 1, 2**31),
            "year": _int(query.get("year"), 2000, 2100),
            "kind": query.get("kind") if query.get("kind") in SubmissionKind.values else "",
            "state": query.get("state") if query.get("state") in SubmissionState.values else "",
        }
        items = visible_submissions(user)
        if filters["unit"] is not None:
            items = items.filter(unit_id=filters["unit"])
        if filters["year"] is not None:
            start, end = _year_bounds(filters["year"])
            items = items.filter(submitted_at__gte=start, submitted_at__lt=end)
        if filters["kind"]:
            items = items.filter(kind=filters["kind"])
        if filters["state"]:
            items = items.filter(state=filters["state"])
        page = Paginator(items, PAGE_SIZE).get_page(query.get("p"))
        this_year = now.astimezone(SHANGHAI).year
        year = filters["year"] or this_year
        params = {key: value for key, value in filters.items() if value not in (None, "")}
        progress, problem = [], ""
        try:
            if all_units:
                chosen = [filters["unit"]] if filters["unit"] in unit_ids else None
                progress = services.progress_all(year, now, chosen)
            else:
                shown = [u for u in units if filters["unit"] in (None, u.pk)]
                table = sheets.table_for(year)
                points = sheets.adoption_points_by_unit(year, now)
                best = sheets.class_max_points(year, now)
                progress = [
                    services.progress(unit, year, now, table=table, points=points, best=best)
                    for unit in shown
                ]
        except sheets.AssessmentError as error:
            problem = str(error)
        context.update(
            {
                "filters": filters,
                "page": page,
                "rows": [(item, services.describe(item)) for item in page.object_list],
                "units": units,
                "years": list(range(this_year, max(this_year - 6, 2000) - 1, -1)),
                "kinds": SubmissionKind.choices,
                "states": SubmissionState.choices,
                "query": urlencode(params),
                "total": page.paginator.count,
                "progress": progress,
                "progress_year": year,
                "progress_problem": problem,
                "sees_all": all_units,
                "may_submit": bool(own_assessed_units(user)),
            }
        )
        return context


class NewView(_View):
    template_name = "assessment/submissions/new.html"
    page_title = "报送信息"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def _form(self, data=None, files=None):
        units = own_assessed_units(self.request.user)
        return SubmitForm(data, files, units=units, columns=portal_columns()), units

    def get(self, request, *args, **kwargs):
        form, units = self._form()
        return self.render_to_response(self.get_context_data(form=form, units=units))

    def post(self, request, *args, **kwargs):
        form, units = self._form(request.POST, request.FILES)
        if lost_upload(request):
            form.is_valid()
            form.add_error("attachment", LOST_UPLOAD)
        elif form.is_valid():
            data = form.cleaned_data
            unit = OrgUnit.objects.filter(pk=_int(data["unit"], 1, 2**31) or 0).first()
            try:
                if unit is None:
                    raise ValidationError({"unit": "请选择报送单位。"})
                item = services.submit(
                    unit,
                    data["kind"],
                    title=data["title_text"],
                    body=data["body"],
                    column=data["column"] or None,
                    quarter=data["quarter"] or None,
                    attachment=data.get("attachment"),
                    actor=request.user,
                    now=timezone.now(),
                )
            except (PermissionDenied, ValidationError) as error:
                form.apply_error(error)
            else:
                messages.success(request, f"已报送“{item.title}”，等待门户网站采用。")
                return redirect(reverse("assessment_submission", args=[item.pk]))
        context = self.get_context_data(form=form, units=units)
        return self.render_to_response(context, status=400)


def visible(request, pk: int) -> Submission:
    """The item if this person may see it; 404 otherwise (another unit's must not even be confirmed)."""
    found = visible_submissions(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def available_actions(user, item: Submission) -> list[str]:
    if item.state != SubmissionState.SUBMITTED:
        return []
    found = []
    if queries.is_portal_office(user):
        found += ["adopt", "reject"]
    if queries.may_submit_for(user, item.unit_id):
        found += ["revise", "withdraw"]
    return found


def history(item: Submission) -> list[dict]:
    """The item's record from the audit log, oldest first, in words."""
    rows = []
    entries = ModelLogEntry.objects.for_instance(item).select_related("user").order_by("timestamp", "pk")
    for entry in entries:
        data = entry.data or {}
        if entry.action.endswith("revise"):
            note = "修改了" + "、".join(FIELD_LABELS.get(name, name) for name in data.get("changed", []))
        elif entry.action.endswith("adopt"):
            label = Adoption(data["adoption"]).label if data.get("adoption") in Adoption.values else ""
            note = f"{label}，{data.get('points', '')} 分" + (f"；{data['note']}" if data.get("note") else "")
        elif entry.action.endswith("reject"):
            note = data.get("reason", "")
        else:
            note = ""
        user = entry.user
        rows.append(
            {
                "at": entry.timestamp,
                "who": (user.get_full_name() or user.get_username()) if user else "系统",
                "action": log_registry.get_action_label(entry.action),
                "note": note,
            }
        )
    return rows


class DetailView(_View):
    template_name = "assessment/submissions/detail.html"
    page_title = "报送信息"

    def get_page_title(self):
        item = getattr(self, "_item", None)
        return f"报送信息：{item.title}" if item is not None else self.page_title

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def item(self) -> Submission:
        self._item = visible(self.request, self.kwargs["pk"])
        return self._item

    def _blank(self, name: str, item: Submission) -> ServiceForm:
        if name == "adopt":
            return AdoptForm(points=_points(item))
        if name == "revise":
            initial = {
                "title_text": item.title,
                "body": item.body,
                "column": str(item.column_id or ""),
                "quarter": str(item.quarter or ""),
            }
            return DETAIL_FORMS[name](initial=initial, columns=portal_columns())
        return DETAIL_FORMS[name]()

    def show(self, item: Submission, failed: ServiceForm | None = None, status: int = 200):
        names = available_actions(self.request.user, item)
        kept = failed.action if failed is not None else ""
        forms = [failed if name == kept else self._blank(name, item) for name in names]
        context = self.get_context_data(
            item=item,
            forms=forms,
            failed=failed,
            history=history(item),
            outcome=services.describe(item),
            is_caliber=item.kind == SubmissionKind.ANSWER_CALIBER,
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        return self.show(self.item())

    def post(self, request, *args, **kwargs):
        item = self.item()
        action = request.POST.get("action", "")
        if action not in DETAIL_FORMS:
            raise Http404
        extra = {"points": _points(item)} if action == "adopt" else {}
        if action == "revise":
            extra = {"columns": portal_columns()}
        form = DETAIL_FORMS[action](request.POST, request.FILES, **extra)
        if not form.is_valid():
            return self.show(item, form, status=400)
        if action == "revise" and lost_upload(request):
            form.add_error("attachment", LOST_UPLOAD)
            return self.show(item, form, status=400)
        data, user, now = form.cleaned_data, request.user, timezone.now()
        try:
            if action == "adopt":
                services.adopt(
                    item,
                    data["adoption"],
                    note=data.get("note", ""),
                    make_page=data.get("make_page", False),
                    actor=user,
                    now=now,
                )
            elif action == "reject":
                services.reject(item, data["reason"], actor=user, now=now)
            elif action == "withdraw":
                services.withdraw(item, actor=user, now=now)
            else:
                services.revise(
                    item,
                    title=data["title_text"],
                    body=data["body"],
                    column=data["column"] or None,
                    quarter=data["quarter"] or None,
                    attachment=data.get("attachment"),
                    remove_attachment=data.get("remove_attachment", False),
                    actor=user,
                    now=now,
                )
        except PermissionDenied as error:
            form.apply_error(error)
            return self.show(item, form, status=403)
        except ValidationError as error:
            form.apply_error(error)
            return self.show(item, form, status=400)
        messages.success(request, f"已{form.title}。")
        return redirect(reverse("assessment_submission", args=[item.pk]))


def _points(item: Submission) -> dict[str, float]:
    """The points each adoption would earn now, for the adopt form's choices (none without a table)."""
    now = timezone.now()
    found = {}
    for value in Adoption.values:
        try:
            found[value] = services.adoption_points(item.kind, value, now)[1]
        except ValidationError:
            continue
    return found


def download(request, pk: int) -> FileResponse:
    """An item's attachment, for whoever may see the item (404 for everyone else); recorded as read."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    item = visible(request, pk)
    if not item.attachment:
        raise Http404
    record_read(request, item, "信息报送附件", attachment=item.attachment_name)
    response = FileResponse(
        item.attachment.open("rb"),
        as_attachment=True,
        filename=item.attachment_name or "附件",
        content_type=services.content_type(item),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("submissions/", ListView.as_view(), name=LIST_URL),
    path("submissions/new/", NewView.as_view(), name="assessment_submission_new"),
    path("submissions/<int:pk>/", DetailView.as_view(), name="assessment_submission"),
    path("submissions/<int:pk>/file/", download, name="assessment_submission_file"),
]
MENU = [MenuEntry("信息报送", LIST_URL, "form", 300, queries.uses_assessment)]
