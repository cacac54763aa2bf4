"""依申请公开 in the admin: a unit's list of applications (filters, export), one application with every field,
its files, its record and the actions this person may take now, and the platform team's 督办 board.

Every action calls the service of the same name (`services.py` decides who may do what from which state);
its refusals come back onto the action's form in Chinese. Nobody sees an application of a unit they do not
work for: the screen, every action and every file answer 404, as for letters. Opening an application (the
applicant's identity in full) or one of its files, and exporting the list, are written to the audit log."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.audit import record_export, record_read
from huimin.core.exports import attachment, safe_cell, workbook_bytes
from huimin.letters import attachments

from . import answers, identity, queries, services
from .admin_forms import FORMS, ActionForm
from .enums import FileRole, Level, State
from .models import ApplicationFile

PAGE_SIZE = 50
EXPORT_LIMIT = 10_000
# What a person reads in the record for each step the services write (ApplicationEvent.action stays a code).
ACTION_LABELS = {
    "submit": "提交申请",
    "register": "登记",
    "ask_correction": "告知补正",
    "correct": "提交补正",
    "extend": "延长答复期限",
    "draft": "拟办答复",
    "send_back": "退回重办",
    "sign_off": "审签并答复",
    "withdraw": "撤回申请",
    "abandon": "逾期未补正，视为放弃",
}
LIST_URL = "disclosure_list"


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, "其他操作")


def available_actions(user, application) -> list[str]:
    """The actions this person may take on the application as it stands (the services check again)."""
    staff = services.is_staff_of(user, application)
    reviewer = services.is_reviewer_of(user, application)
    state = application.state
    found = []
    if staff and state == State.SUBMITTED:
        found.append("register")
    if staff and state in (State.SUBMITTED, State.PROCESSING) and application.correction_asked_at is None:
        found.append("ask_correction")
    if staff and state in (State.SUBMITTED, State.PROCESSING):
        found.append("draft_answer")
    if (
        reviewer
        and state in (State.SUBMITTED, State.PROCESSING, State.REVIEW)
        and not application.extension_days
    ):
        found.append("extend")
    if reviewer and state == State.REVIEW:
        found.append("send_back")
        if application.drafted_by_id != user.pk or user.is_superuser:
            found.append("sign_off")
    return found


def _number(value) -> int | None:
    return value if isinstance(value, int) else None


def run(action: str, application, form: ActionForm, user):
    """Call the service of `action` with the form's values."""
    data = form.cleaned_data
    calls = {
        "register": lambda: services.register(application, actor=user),
        "ask_correction": lambda: services.ask_correction(
            application, data.get("request_text", ""), actor=user, days=_number(data.get("days"))
        ),
        "extend": lambda: services.extend(
            application, _number(data.get("days")), data.get("reason", ""), actor=user
        ),
        "draft_answer": lambda: services.draft_answer(
            application,
            actor=user,
            answer=data.get("answer", ""),
            ground=data.get("ground", ""),
            text=data.get("text", ""),
            referral=data.get("referral", ""),
            released=data.get("released") or [],
        ),
        "send_back": lambda: services.send_back(application, data.get("note", ""), actor=user),
        "sign_off": lambda: services.sign_off(application, actor=user),
    }
    return calls[action]()


class _StaffView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full"

    def get_header_title(self):
        title, subtitle = self.get_page_title(), self.get_page_subtitle()
        return f"{title}（{subtitle}）" if subtitle else title

    def allowed(self, user) -> bool:
        return queries.is_disclosure_staff(user) or queries.may_see_board(user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin") or not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse(LIST_URL), "label": "依申请公开"}]


class ListView(_StaffView):
    template_name = "disclosure/admin/list.html"
    page_title = "依申请公开"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": "依申请公开"}]

    def get(self, request, *args, **kwargs):
        filters = queries.Filters.from_query(request.GET)
        if request.GET.get("export") == "xlsx":
            return export(request, filters)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        filters = queries.Filters.from_query(self.request.GET)
        applications = queries.listing(user, filters, now)
        page = Paginator(applications, PAGE_SIZE).get_page(self.request.GET.get("p"))
        units = list(queries.units_of(user))
        params = filters.as_params()
        context.update(
            {
                "filters": filters,
                "rows": queries.rows(page.object_list, now),
                "page": page,
                "states": State.choices,
                "levels": Level.choices,
                "units": units if len(units) > 1 else [],
                "years": queries.years(user),
                "query": urlencode(params),
                "export_query": urlencode({**params, "export": "xlsx"}),
                "show_board": queries.may_see_board(user),
                "total": page.paginator.count,
            }
        )
        return context


def export(request, filters: queries.Filters):
    """The list the person sees, as XLSX: applicants' names and ID numbers masked, every cell safe from
    being taken for a formula; recorded in the audit log."""
    from openpyxl import Workbook

    now = timezone.now()
    applications = list(queries.listing(request.user, filters, now)[:EXPORT_LIMIT])
    record_export(
        request,
        request.user,
        "依申请公开列表",
        count=len(applications),
        fmt="xlsx",
        filters=filters.described(),
    )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("依申请公开")
    sheet.append(
        [
            "查询码",
            "申请人",
            "申请人类型",
            "证件类型",
            "证件号码",
            "申请的行政机关",
            "受理网站",
            "所需政府信息的内容描述",
            "收到申请日期",
            "答复期限",
            "剩余工作日",
            "状态",
            "时限",
            "答复类型",
            "答复时间",
        ]
    )
    for row in queries.rows(applications, now):
        item = row.application
        cells = [
            item.query_code,
            row.applicant,
            item.get_applicant_type_display(),
            item.get_id_type_display(),
            identity.masked_id(item.id_number),
            item.unit.name,
            item.site.site_name or item.site.hostname,
            item.description,
            f"{item.received_on:%Y-%m-%d}",
            f"{item.due_on:%Y-%m-%d}" if item.due_on else "",
            row.left_label,
            item.get_state_display(),
            row.level.label,
            answers.label(item.answer, item.answer_ground),
            _local(item.answered_at),
        ]
        sheet.append([safe_cell(cell) for cell in cells])
    return attachment(workbook_bytes(book), f"依申请公开-{timezone.localdate():%Y%m%d}.xlsx")


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def visible(request, pk: int):
    """The application if this person may see it; 404 otherwise (another unit's must not even be confirmed
    to exist)."""
    found = (
        queries.visible_applications(request.user)
        .select_related("unit", "site", "calendar", "registered_by", "drafted_by", "signed_by", "extended_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


class DetailView(_StaffView):
    template_name = "disclosure/admin/detail.html"
    page_title = "依申请公开详情"

    def allowed(self, user) -> bool:
        return True  # an application this person may not see answers 404 (`visible`), not 403

    def get_page_subtitle(self):
        application = getattr(self, "_application", None)
        return f"查询码 {application.query_code}" if application is not None else ""

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_header_title()}]

    def application(self):
        self._application = visible(self.request, self.kwargs["pk"])
        return self._application

    def get(self, request, *args, **kwargs):
        return self.show(self.application())

    def show(self, application, failed: ActionForm | None = None, status: int = 200):
        # The applicant's identity, contact details and request in full (decision 0013).
        record_read(self.request, application, "依申请公开详情")
        context = self.get_context_data(application=application, failed=failed)
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = kwargs["application"]
        user, now = self.request.user, timezone.now()
        failed = kwargs.get("failed")
        names = available_actions(user, application)
        if failed is not None and failed.action not in names:
            names.insert(0, failed.action)
        forms = [failed if failed is not None and failed.action == name else FORMS[name]() for name in names]
        files = list(application.files.all())
        ground = None
        found = answers.by_code().get(application.answer)
        if found is not None:
            ground = found.ground(application.answer_ground)
        context.update(
            {
                "application": application,
                "row": queries.rows([application], now)[0],
                "events": _labelled(application.events.select_related("actor")),
                "forms": forms,
                "failed": failed,
                "applicant_files": [f for f in files if f.role == FileRole.APPLICANT],
                "released_files": [f for f in files if f.role == FileRole.RELEASED],
                "reply_files": [f for f in files if f.role == FileRole.REPLY],
                "answer_label": answers.label(application.answer, application.answer_ground),
                "ground": ground,
                "answer_names": dict(answers.answer_choices()),
                "is_drafter_waiting": application.state == State.REVIEW
                and application.drafted_by_id == user.pk
                and not user.is_superuser,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        application = self.application()
        action = request.POST.get("action", "")
        if action not in FORMS:
            raise Http404
        form = FORMS[action](request.POST, request.FILES)
        if not form.is_valid():
            return self.show(application, form, status=400)
        try:
            run(action, application, form, request.user)
        except PermissionDenied as error:
            form.apply_error(error)
            return self.show(application, form, status=403)
        except ValidationError as error:
            form.apply_error(error)
            return self.show(application, form, status=400)
        messages.success(request, f"已{form.title}。")
        return redirect(reverse("disclosure_detail", args=[application.pk]))


def _labelled(events):
    events = list(events)
    for event in events:
        event.action_label = action_label(event.action)
    return events


def download(request, pk: int, file_pk: int):
    """A file of an application (the applicant's, a released record, the reply letter), for the staff who
    may see the application; 404 for everyone else."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    application = visible(request, pk)
    found = ApplicationFile.objects.filter(pk=file_pk, application=application).first()
    if found is None:
        raise Http404
    record_read(request, application, f"依申请公开文件（{found.get_role_display()}）", file=found.pk)
    return attachments.download(found)


class BoardView(_StaffView):
    """督办: every open application of every unit that is late or near its time limit."""

    template_name = "disclosure/admin/board.html"
    page_title = "依申请公开督办"

    def allowed(self, user) -> bool:
        return queries.may_see_board(user)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        rows = queries.rows(queries.board(now)[:500], now)
        visible_ids = set(
            queries.visible_applications(self.request.user)
            .filter(pk__in=[row.application.pk for row in rows])
            .values_list("pk", flat=True)
        )
        context.update(
            {
                "rows": rows,
                "counts": queries.board_counts(rows),
                "openable": visible_ids,
                "overdue": sum(row.level == Level.OVERDUE for row in rows),
                "warning": sum(row.level == Level.WARNING for row in rows),
            }
        )
        return context
