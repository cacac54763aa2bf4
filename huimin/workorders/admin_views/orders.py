"""网站工单 in the admin: the list (filters, levels in words), 提交工单, one order with everything it holds
and a form for each step this person may take now, 修改, its files, and the platform team's 督办看板.

Every step calls the service of the same name (`services.py` decides who may do what from which state); its
refusals come back onto the step's form in Chinese. Nobody sees an order outside their scope
(`queries.visible_orders`): the screen, every step and every file answer 404. Downloading a file is written
to the audit log."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.admin_menu import MenuEntry
from huimin.core.audit import record_read
from huimin.letters import attachments

from .. import queries, services
from ..enums import EDITABLE_STATES, Assignee, Level, State
from ..forms import FORMS, ActionForm, EditForm, SubmitForm
from ..models import WorkOrder, WorkOrderFile

PAGE_SIZE = 30
LIST_URL = "workorders_list"
# How the checks' severities read in an order's findings table.
SEVERITY_LABELS = {
    "veto": "否决",
    "deduct": "扣分",
    "warn": "提醒",
    "warning": "提醒",
    "info": "提示",
    "error": "严重",
    "critical": "严重",
}


def may_submit(user) -> bool:
    return queries.submit_sites(user).exists()


def _safe_link(url: str) -> bool:
    return str(url or "").lower().startswith(("http://", "https://"))


class _View(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "clipboard-list"

    def get_header_title(self):
        title, subtitle = self.get_page_title(), self.get_page_subtitle()
        return f"{title}（{subtitle}）" if subtitle else title

    def allowed(self, user) -> bool:
        return queries.uses_workorders(user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin") or not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse(LIST_URL), "label": "网站工单"}]


class ListView(_View):
    template_name = "workorders/admin/list.html"
    page_title = "工单列表"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": "网站工单"}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        filters = queries.Filters.from_query(self.request.GET)
        page = Paginator(queries.listing(user, filters, now), PAGE_SIZE).get_page(self.request.GET.get("p"))
        sites = list(queries.site_choices(user))
        units = list(queries.unit_choices(user))
        context.update(
            {
                "filters": filters,
                "rows": queries.rows(page.object_list, now),
                "page": page,
                "total": page.paginator.count,
                "query": urlencode(filters.as_params()),
                "states": [("open", "未办结"), *State.choices],
                "levels": Level.choices,
                "kinds": queries.kind_choices(),
                "sites": sites if len(sites) > 1 else [],
                "units": units if len(units) > 1 else [],
                "may_submit": may_submit(user),
                "show_board": queries.is_platform(user),
            }
        )
        return context


class SubmitView(_View):
    template_name = "workorders/admin/submit.html"
    page_title = "提交工单"

    def allowed(self, user) -> bool:
        return may_submit(user)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        initial = {}
        site = queries.submit_sites(request.user).filter(pk=_id(request.GET.get("site"))).first()
        if site is not None:
            initial["site"] = site.pk
        url = request.GET.get("url", "")
        if url and len(url) <= 500:
            initial["url"] = url
        form = SubmitForm(user=request.user, initial=initial)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = SubmitForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.submit(
                    data["site"],
                    request.user,
                    kind=data["kind"],
                    priority=data["priority"],
                    title=data["title"],
                    description=data["description"],
                    url=data["url"],
                    uploads=data["files"],
                    now=timezone.now(),
                )
            except (PermissionDenied, ValidationError, services.WorkOrderError) as error:
                form.apply_error(error)
            else:
                messages.success(request, f"已提交工单 {order.number}，等待站点管理员审核。")
                return redirect(reverse("workorders_detail", args=[order.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _id(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def visible(request, pk: int) -> WorkOrder:
    """The order if this person may see it; 404 otherwise (another unit's must not even be confirmed to
    exist)."""
    found = (
        queries.visible_orders(request.user)
        .select_related(
            "site", "unit", "kind", "page", "requester", "reviewed_by", "assignee", "duplicate_of"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _assignee(value: str):
    from django.contrib.auth import get_user_model

    kind, _, pk = str(value or "").partition(":")
    user = get_user_model().objects.filter(pk=_id(pk)).first() if kind in Assignee.values else None
    if user is None:
        raise ValidationError({"assignee": "请选择承办人。"})
    return kind, user


def _merge_target(user, number: str) -> WorkOrder:
    target = queries.visible_orders(user).filter(number=number.strip().upper()).first()
    if target is None:
        raise ValidationError({"duplicate_of": f"没有找到编号为“{number.strip()[:20]}”的工单。"})
    return target


def run(action: str, order: WorkOrder, form: ActionForm, user, now):
    """Call the service of `action` with the form's values."""
    data = form.cleaned_data

    def dispatch():
        kind, assignee = _assignee(data.get("assignee"))
        return services.dispatch(order, user, assignee_kind=kind, assignee=assignee, now=now)

    calls = {
        "accept": lambda: services.accept(order, user, now=now),
        "return": lambda: services.return_order(order, user, reason=data.get("reason", ""), now=now),
        "merge": lambda: services.merge(
            order, user, duplicate_of=_merge_target(user, data.get("number", "")), now=now
        ),
        "dispatch": dispatch,
        "start": lambda: services.start(order, user, now=now),
        "fix": lambda: services.fix(
            order, user, note=data.get("note", ""), uploads=data.get("files"), now=now
        ),
        "confirm": lambda: services.confirm(order, user, now=now),
        "reopen": lambda: services.reopen(order, user, reason=data.get("reason", ""), now=now),
        "withdraw": lambda: services.withdraw(order, user, reason=data.get("reason", ""), now=now),
        "attach": lambda: services.add_files(
            order, user, data.get("files"), role=WorkOrderFile.Role.REQUEST, now=now
        ),
        "attach_fix": lambda: services.add_files(
            order, user, data.get("files"), role=WorkOrderFile.Role.FIX, now=now
        ),
    }
    return calls[action]()


def _finding_rows(order: WorkOrder) -> list[dict]:
    found = []
    for row in order.findings or []:
        if not isinstance(row, dict):
            continue
        url = str(row.get("url", ""))
        found.append(
            {
                "url": url,
                "link": _safe_link(url),
                "target": str(row.get("target", "") or row.get("term", "")),
                "evidence": str(row.get("evidence", "")),
                "severity": SEVERITY_LABELS.get(str(row.get("severity", "")), ""),
            }
        )
    return found


class DetailView(_View):
    template_name = "workorders/admin/detail.html"
    page_title = "工单详情"

    def allowed(self, user) -> bool:
        return True  # an order this person may not see answers 404 (`visible`), not 403

    def get_page_subtitle(self):
        order = getattr(self, "_order", None)
        return order.number if order is not None else ""

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_header_title()}]

    def order(self) -> WorkOrder:
        self._order = visible(self.request, self.kwargs["pk"])
        return self._order

    def get(self, request, *args, **kwargs):
        return self.show(self.order())

    def show(self, order, failed: ActionForm | None = None, status: int = 200):
        return self.render_to_response(self.get_context_data(order=order, failed=failed), status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order, failed = kwargs["order"], kwargs.get("failed")
        user, now = self.request.user, timezone.now()
        names = queries.available_actions(user, order)
        if failed is not None and failed.action not in names:
            names.insert(0, failed.action)
        forms = [failed if failed is not None and failed.action == name else FORMS[name]() for name in names]
        files = list(order.files.select_related("added_by"))
        context.update(
            {
                "order": order,
                "row": queries.rows([order], now)[0],
                "events": list(order.events.select_related("actor")),
                "forms": forms,
                "failed": failed,
                "request_files": [f for f in files if f.role == WorkOrderFile.Role.REQUEST],
                "fix_files": [f for f in files if f.role == WorkOrderFile.Role.FIX],
                "findings": _finding_rows(order),
                "from_findings": queries.from_findings(order),
                "url_link": _safe_link(order.url),
                "may_edit": queries.may_edit(user, order) and order.state in EDITABLE_STATES,
                "duplicates": list(order.duplicates.only("pk", "number", "title")),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        order = self.order()
        action = request.POST.get("action", "")
        if action not in FORMS:
            raise Http404
        form = FORMS[action](request.POST, request.FILES)
        if not form.is_valid():
            return self.show(order, form, status=400)
        try:
            run(action, order, form, request.user, timezone.now())
        except PermissionDenied as error:
            form.apply_error(error)
            return self.show(order, form, status=403)
        except (ValidationError, services.WorkOrderError) as error:
            form.apply_error(error)
            return self.show(order, form, status=400)
        messages.success(request, f"已{form.title}。")
        return redirect(reverse("workorders_detail", args=[order.pk]))


class EditView(_View):
    template_name = "workorders/admin/edit.html"
    page_title = "修改工单"

    def allowed(self, user) -> bool:
        return True  # 404 for an order outside the person's scope, 403 for one they may not change

    def get_page_subtitle(self):
        order = getattr(self, "_order", None)
        return order.number if order is not None else ""

    def get_breadcrumbs_items(self):
        order = self._order
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("workorders_detail", args=[order.pk]), "label": order.number},
            {"url": "", "label": "修改"},
        ]

    def order(self) -> WorkOrder:
        order = visible(self.request, self.kwargs["pk"])
        self._order = order
        if not queries.may_edit(self.request.user, order):
            raise PermissionDenied
        return order

    def get(self, request, *args, **kwargs):
        order = self.order()
        if order.state not in EDITABLE_STATES:
            messages.error(request, f"工单当前为“{order.get_state_display()}”，派发后不能再修改。")
            return redirect(reverse("workorders_detail", args=[order.pk]))
        return self.render_to_response(self.get_context_data(order=order, form=EditForm(order=order)))

    def post(self, request, *args, **kwargs):
        order = self.order()
        form = EditForm(request.POST, request.FILES, order=order)
        if form.is_valid():
            try:
                services.edit(
                    order,
                    request.user,
                    changes=form.changes(),
                    uploads=form.cleaned_data["files"],
                    now=timezone.now(),
                )
            except (PermissionDenied, ValidationError, services.WorkOrderError) as error:
                form.apply_error(error)
            else:
                messages.success(request, f"已修改工单 {order.number}。")
                return redirect(reverse("workorders_detail", args=[order.pk]))
        return self.render_to_response(self.get_context_data(order=order, form=form), status=400)


def download(request, pk: int, file_pk: int):
    """A file of an order, for the people who may see the order; 404 for everyone else."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    order = visible(request, pk)
    found = WorkOrderFile.objects.filter(pk=file_pk, order=order).first()
    if found is None:
        raise Http404
    record_read(request, order, f"工单附件（{found.get_role_display()}）", file=found.pk)
    return attachments.download(found)


class BoardView(_View):
    """督办看板: every open order of the group by level, the late and nearly late ones listed."""

    template_name = "workorders/admin/board.html"
    page_title = "工单督办看板"

    def allowed(self, user) -> bool:
        return queries.is_platform(user)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["board"] = queries.board(timezone.now())
        context["levels"] = Level
        return context


urlpatterns = [
    path("", ListView.as_view(), name=LIST_URL),
    path("new/", SubmitView.as_view(), name="workorders_submit"),
    path("board/", BoardView.as_view(), name="workorders_board"),
    path("<int:pk>/", DetailView.as_view(), name="workorders_detail"),
    path("<int:pk>/edit/", EditView.as_view(), name="workorders_edit"),
    path("<int:pk>/files/<int:file_pk>/", download, name="workorders_file"),
]

MENU = [
    MenuEntry("工单列表", LIST_URL, "list-ul", 10, queries.uses_workorders),
    MenuEntry("提交工单", "workorders_submit", "plus", 20, may_submit),
    MenuEntry("督办看板", "workorders_board", "warning", 30, queries.is_platform),
]
