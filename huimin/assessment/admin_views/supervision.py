"""留言督办 and 通报 in the admin: the supervision table of a month or quarter (every assessed unit with the
handling units under it; each figure opens the letters behind it), the late letters' double deduction as
XLSX for 一张网, and the 通报 draft as a printable page and as DOCX. Assessors only (`queries.is_assessor`):
anyone else is refused in Chinese."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.audit import record_export
from huimin.core.exports import XLSX

from .. import notices, queries, supervision
from . import MenuEntry

REFUSED = "只有考核人员可以查看留言督办和通报。"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LETTERS_SHOWN = 200


def _require_assessor(request) -> None:
    if not queries.is_assessor(request.user):
        raise PermissionDenied(REFUSED)


def _period(text: str, now):
    """(the period asked for, or this month, and an error message when the asked one cannot be used)."""
    if not (text or "").strip():
        return supervision.current_period(now), ""
    try:
        return supervision.parse_period(text, now), ""
    except supervision.PeriodError as error:
        return supervision.current_period(now), f"{error}下面显示本月的情况。"


def _download(content: bytes, content_type: str, filename: str, ascii_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _cells(row, period, base: str) -> list[dict]:
    """A row's figures, each with the link to the letters behind it (none for zero)."""
    cells = []
    for key, label in supervision.MEASURES.items():
        count = row.count(key)
        query = urlencode({"period": period.key, "unit": row.unit.pk, "measure": key})
        cells.append({"key": key, "label": label, "count": count, "url": f"{base}?{query}" if count else ""})
    return cells


def _table(result, period) -> list[dict]:
    base = reverse("assessment_supervision_letters")
    lines = []
    for row in result.rows:
        lines.append({"row": row, "child": False, "cells": _cells(row, period, base)})
        lines += [
            {"row": child, "child": True, "cells": _cells(child, period, base)} for child in row.children
        ]
    return lines


class _AssessorView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        _require_assessor(request)
        return super().dispatch(request, *args, **kwargs)


class SupervisionView(_AssessorView):
    template_name = "assessment/supervision/index.html"
    page_title = "留言督办"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        period, error = _period(self.request.GET.get("period", ""), now)
        result = supervision.report(period, now)
        offered = supervision.recent_periods(now)
        if period.key not in {p.key for p in offered}:
            offered.insert(0, period)
        context.update(
            {
                "period": period,
                "periods": offered,
                "error": error,
                "report": result,
                "lines": _table(result, period),
                "total_cells": [
                    {"label": label, "count": result.total.count(key)}
                    for key, label in supervision.MEASURES.items()
                ],
                "running": period.running(now),
                "measures": supervision.MEASURES,
                "letters_url": reverse("assessment_supervision_letters"),
                "export_url": reverse("assessment_supervision_export")
                + "?"
                + urlencode({"period": period.key}),
                "notice_url": reverse("assessment_notice", args=[period.key]),
                "notice_docx_url": reverse("assessment_notice_docx", args=[period.key]),
            }
        )
        return context

    def render_to_response(self, context, **kwargs):
        if context.get("error"):
            kwargs.setdefault("status", 400)
        return super().render_to_response(context, **kwargs)


class SupervisionLettersView(_AssessorView):
    """The letters behind one figure of one unit (the table's links)."""

    template_name = "assessment/supervision/letters.html"
    page_title = "督办留言"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        try:
            period = supervision.parse_period(self.request.GET.get("period", ""), now)
        except supervision.PeriodError as error:
            raise Http404(str(error)) from None
        measure = self.request.GET.get("measure", "")
        unit_text = self.request.GET.get("unit", "")
        if measure not in supervision.MEASURES or not (unit_text.isascii() and unit_text.isdigit()):
            raise Http404("没有这项统计。")
        result = supervision.report(period, now)
        row = result.row_for(int(unit_text[:9]))
        if row is None:
            raise Http404("没有这个单位。")
        letters = list(supervision.letters_for(result, row.unit.pk, measure)[:LETTERS_SHOWN])
        steps = {(s.letter.pk, s.stage): s for s in result.late}
        entries = []
        for letter in letters:
            late = [
                steps[key]
                for key in ((letter.pk, stage) for stage, *_r in supervision.STAGES)
                if key in steps
            ]
            entries.append({"letter": letter, "title": supervision.masked_title(letter), "late": late})
        context.update(
            {
                "period": period,
                "unit": row.unit,
                "measure": supervision.MEASURES[measure],
                "count": row.count(measure),
                "entries": entries,
                "shown": LETTERS_SHOWN,
                "back_url": reverse("assessment_supervision") + "?" + urlencode({"period": period.key}),
            }
        )
        return context

    def get_page_subtitle(self):
        return ""


def export_deductions(request):
    """The late letters of a period with their double deduction, as XLSX for 一张网 (the export is
    recorded in the audit log)."""
    _require_assessor(request)
    now = timezone.now()
    try:
        period = supervision.parse_period(request.GET.get("period", ""), now)
    except supervision.PeriodError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    result = supervision.report(period, now)
    content = supervision.deductions_xlsx(result)
    record_export(
        request,
        request.user,
        "超期留言扣分（一张网）",
        count=len(result.deductions),
        fmt="xlsx",
        filters={"period": period.key},
    )
    return _download(content, XLSX, f"超期留言扣分-{period.label}.xlsx", f"deductions-{period.key}.xlsx")


class NoticeView(_AssessorView):
    template_name = "assessment/supervision/notice.html"
    page_title = "通报"
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        try:
            period = supervision.parse_period(self.kwargs["period"], now)
        except supervision.PeriodError as error:
            raise Http404(str(error)) from None
        notice = notices.compose(period, now)
        context.update(
            {
                "notice": notice,
                "ranking_columns": notices.RANKING_COLUMNS,
                "late_columns": notices.LATE_COLUMNS,
                "unsatisfied_columns": notices.UNSATISFIED_COLUMNS,
                "docx_url": reverse("assessment_notice_docx", args=[period.key]),
                "back_url": reverse("assessment_supervision") + "?" + urlencode({"period": period.key}),
            }
        )
        return context


def notice_docx(request, period: str):
    _require_assessor(request)
    now = timezone.now()
    try:
        found = supervision.parse_period(period, now)
    except supervision.PeriodError as error:
        raise Http404(str(error)) from None
    notice = notices.compose(found, now)
    record_export(
        request,
        request.user,
        "留言办理通报",
        count=len(notice.late) + len(notice.unsatisfied),
        fmt="docx",
        filters={"period": found.key},
    )
    return _download(notices.docx(notice), DOCX, f"{notice.title}.docx", f"notice-{found.key}.docx")


def latest_notice(request):
    """The menu's 通报 (and the notice page's period selector): the draft of `?period=`, else this month's."""
    _require_assessor(request)
    now = timezone.now()
    period, _error = _period(request.GET.get("period", ""), now)
    return redirect("assessment_notice", period.key)


urlpatterns = [
    path("supervision/", SupervisionView.as_view(), name="assessment_supervision"),
    path("supervision/letters/", SupervisionLettersView.as_view(), name="assessment_supervision_letters"),
    path("supervision/deductions.xlsx", export_deductions, name="assessment_supervision_export"),
    path("supervision/notice/<str:period>.docx", notice_docx, name="assessment_notice_docx"),
    path("supervision/notice/", latest_notice, name="assessment_notice_latest"),
    path("supervision/notice/<str:period>/", NoticeView.as_view(), name="assessment_notice"),
]

MENU = [
    MenuEntry("留言督办", "assessment_supervision", "warning", 500, queries.is_assessor),
    MenuEntry("通报", "assessment_notice_latest", "doc-full", 510, queries.is_assessor),
]
