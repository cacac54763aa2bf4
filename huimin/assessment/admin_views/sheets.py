"""The assessors' screens of 年度考核: the rankings of a year (with the year-on-year change, the distribution
chart and the XLSX of everything), a unit's score sheet with its evidence, the forms that record a manual
finding or enter an outside result, closing and reopening a sheet, a finding's and a result's detail (the
screenshot served privately), and the quarterly bulletin scores.

Assessors (`queries.is_assessor`) see and do everything. A unit's staff see their own unit's sheet, findings,
results and bulletin scores, read only; another unit's are a 404, as letters are. Every change goes through
`services.sheets`."""

from __future__ import annotations

import mimetypes
from collections import OrderedDict
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from huimin.core.audit import record_export
from huimin.core.exports import XLSX
from huimin.sites.models import OrgUnit
from huimin.workdays.working_time import SHANGHAI

from .. import charts, exports, indicators, queries, sheets
from ..enums import Basis, BulletinSource, RowKind, SheetState, UnitClass
from ..forms_sheets import BulletinForm, CloseForm, FindingForm, ReopenForm, ResultForm
from ..indicators import bulletins
from ..models import Indicator, IndicatorTable, ManualFinding, OutsideResult, QuarterBulletin, ScoreSheet
from ..services import sheets as services
from . import MenuEntry

AT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")


# --- shared reads ---------------------------------------------------------------------------------------


def table_years() -> list[int]:
    return list(IndicatorTable.objects.order_by("-year").values_list("year", flat=True))


def parse_at(text: str) -> datetime | None:
    """The 监测时间点 typed in `?at=` (a date, or a date and time), in Shanghai time; None if unreadable."""
    text = (text or "").strip()
    for fmt in AT_FORMATS:
        try:
            moment = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if 2000 <= moment.year <= 2100:
            return moment.replace(tzinfo=SHANGHAI)
    return None


def moment(request) -> tuple[datetime, str, str]:
    """(now, the `at` text to carry in links, an error message); `?at=` or the present."""
    text = request.GET.get("at", "").strip()
    if not text:
        return timezone.now(), "", ""
    at = parse_at(text)
    if at is None:
        return (
            timezone.now(),
            "",
            f"监测时间点“{text[:30]}”无法识别，请按 2026-06-30 或 2026-06-30 18:00 填写；"
            "下面按当前时间计算。",
        )
    return at, at.strftime("%Y-%m-%dT%H:%M"), ""


def safe_url(url: str) -> str:
    """Only site-relative paths and http(s) addresses become links."""
    url = str(url or "")
    if url.startswith("/") and not url.startswith("//"):
        return url
    if url.lower().startswith(("http://", "https://")):
        return url
    return ""


def basis_label(code: str) -> str:
    return exports.basis_label(code)


def class_label(code: str) -> str:
    return exports.class_label(code)


def _viewable_unit(user, unit_id: int) -> OrgUnit:
    """The assessed unit, if the person may see it; 404 otherwise (another unit is not shown to exist)."""
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None or not queries.may_view_unit(user, unit):
        raise Http404
    try:
        sheets.unit_class(unit)
    except sheets.AssessmentError:
        raise Http404 from None
    return unit


def _require_assessor(user) -> None:
    if not queries.is_assessor(user):
        raise PermissionDenied("只有考核人员可以录入和定稿年度考核。")


def _with_at(url: str, at: str) -> str:
    return f"{url}?{urlencode({'at': at})}" if at else url


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _evidence(items: list[dict]) -> list[dict]:
    """Evidence items with a safe link and the time they were recorded as people read it."""
    return [
        {
            **item,
            "href": safe_url(item.get("url", "")),
            "when": str(item.get("at") or "")[:16].replace("T", " "),
        }
        for item in items
    ]


def year_on_year(document: dict, now: datetime) -> dict[int, dict]:
    """Each unit's previous-year total and the change, when the previous year has a table."""
    previous_year = document["year"] - 1
    if not IndicatorTable.objects.filter(year=previous_year).exists():
        return {}
    ids = [sheet["unit_id"] for sheet in document["units"]]
    previous = sheets.compute_year(previous_year, now, unit_ids=ids)
    totals = {sheet["unit_id"]: sheet["total"] for sheet in previous["units"]}
    return {
        sheet["unit_id"]: {
            "previous": totals[sheet["unit_id"]],
            "change": round(sheet["total"] - totals[sheet["unit_id"]], 2),
        }
        for sheet in document["units"]
        if sheet["unit_id"] in totals
    }


def ranked_classes(document: dict, changes: dict[int, dict]) -> list[dict]:
    """The rankings per class, in the classes' order, each entry with its state and change."""
    states = {sheet["unit_id"]: sheet.get("state", SheetState.OPEN) for sheet in document["units"]}
    ranked = sheets.rankings(document)
    classes = []
    for klass in UnitClass:
        entries = ranked.get(str(klass))
        if not entries:
            continue
        rows = []
        for entry in entries:
            change = changes.get(entry["unit_id"])
            rows.append(
                {
                    **entry,
                    "closed": states.get(entry["unit_id"]) == SheetState.CLOSED,
                    "previous": change["previous"] if change else None,
                    "change": change["change"] if change else None,
                }
            )
        classes.append({"code": str(klass), "label": klass.label, "rows": rows})
    return classes


# --- the rankings -------------------------------------------------------------------------------------


class _AssessmentView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not queries.uses_assessment(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class IndexView(_AssessmentView):
    template_name = "assessment/sheets/index.html"
    page_title = "考核排名"

    def get(self, request, *args, **kwargs):
        self.now, self.at, self.at_error = moment(request)
        self.assessor = queries.is_assessor(request.user)
        self.years = table_years()
        if not self.assessor:
            own = [u for u in sheets.assessed_units(queries.own_unit_ids(request.user))]
            if len(own) == 1 and self.years:
                return redirect(
                    _with_at(reverse("assessment_sheet", args=[self._year(), own[0].pk]), self.at)
                )
            self.own = own
        return super().get(request, *args, **kwargs)

    def _year(self) -> int:
        wanted = self.request.GET.get("year", "")
        if wanted.isdigit() and int(wanted) in self.years:
            return int(wanted)
        current = self.now.astimezone(SHANGHAI).year
        return current if current in self.years else self.years[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {"years": self.years, "at": self.at, "at_error": self.at_error, "assessor": self.assessor}
        )
        if not self.years:
            return context
        year = self._year()
        context["year"] = year
        context["now"] = self.now
        if not self.assessor:
            ids = [unit.pk for unit in self.own]
            document = sheets.compute_year(year, self.now, unit_ids=ids) if ids else {"units": []}
            context["own_sheets"] = [
                {**sheet, "class_label": class_label(sheet["unit_class"])} for sheet in document["units"]
            ]
            return context
        document = sheets.compute_year(year, self.now)
        changes = year_on_year(document, self.now)
        context.update(
            {
                "document": document,
                "classes": ranked_classes(document, changes),
                "previous_year": year - 1 if changes else None,
                "chart": charts.distribution_chart(document),
                "export_url": _with_at(reverse("assessment_export", args=[year]), self.at),
            }
        )
        return context


class ExportView(View):
    """The year's rankings and every unit's sheet as XLSX (assessors), recorded in the audit log."""

    def get(self, request, year: int):
        _require_assessor(request.user)
        if not IndicatorTable.objects.filter(year=year).exists():
            raise Http404
        now, _at, _error = moment(request)
        document = sheets.compute_year(year, now)
        changes = year_on_year(document, now)
        data = exports.workbook(document, sheets.rankings(document), changes, request.build_absolute_uri)
        record_export(
            request,
            request.user,
            f"{year}年度考核评分表",
            count=len(document["units"]),
            fmt="xlsx",
            filters={"year": year, "at": document["at"]},
        )
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="assessment-{year}.xlsx"'
        return response


# --- a unit's sheet -------------------------------------------------------------------------------------


def takes_results(row: Indicator) -> bool:
    """Whether the sheet counts results entered for the row: outside rows, bonus and deduction cases, and
    veto conditions that no calculator decides."""
    if row.kind == RowKind.INDICATOR:
        return row.basis == Basis.OUTSIDE
    if row.kind == RowKind.VETO:
        return not (row.basis == Basis.AUTO and row.source in indicators.load())
    return True


def _indicator_rows(document: dict, table: IndicatorTable | None) -> tuple[list[dict], list[dict]]:
    """The sheet's rows and adjustments with the indicator each came from (for the forms), in table order."""
    rows, adjustments = document["evaluation"]["rows"], document["evaluation"].get("adjustments", [])
    indicators = list(table.indicators.all()) if table is not None else []
    scored = [i for i in indicators if i.kind == RowKind.INDICATOR]
    others = [i for i in indicators if i.kind != RowKind.INDICATOR]

    def paired(items, candidates):
        result = []
        for index, item in enumerate(items):
            indicator = candidates[index] if index < len(candidates) else None
            if indicator is None or indicator.name != item["indicator"]:
                indicator = next((c for c in candidates if c.name == item["indicator"]), None)
            result.append(
                {
                    **item,
                    "row": indicator,
                    "enterable": indicator is not None and takes_results(indicator),
                    "evidence": _evidence(item.get("evidence", [])),
                }
            )
        return result

    return paired(rows, scored), paired(adjustments, others)


class SheetView(_AssessmentView):
    template_name = "assessment/sheets/sheet.html"
    page_title = "考核评分表"

    def get(self, request, *args, **kwargs):
        self.unit = _viewable_unit(request.user, kwargs["unit_id"])
        self.year = kwargs["year"]
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.year}年 {self.unit.name} 考核评分表"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now, at, at_error = moment(self.request)
        assessor = queries.is_assessor(self.request.user)
        saved = ScoreSheet.objects.filter(unit=self.unit, year=self.year).select_related("closed_by").first()
        closed = saved is not None and saved.state == SheetState.CLOSED
        context.update(
            {"unit": self.unit, "year": self.year, "at": at, "at_error": at_error, "assessor": assessor}
        )
        table = IndicatorTable.objects.filter(year=self.year).prefetch_related("indicators").first()
        if table is None and not closed:
            context["missing"] = f"{self.year} 年尚无考核指标表。"
            return context
        try:
            document = sheets.compute(self.unit, self.year, now)
        except sheets.AssessmentError as error:
            context["missing"] = str(error)
            return context
        rows, adjustments = _indicator_rows(document, None if closed else table)
        groups: OrderedDict[str, dict] = OrderedDict()
        for row in rows:
            group = groups.setdefault(
                row.get("group") or "其他", {"name": row.get("group") or "其他", "rows": []}
            )
            group["rows"].append({**row, "basis_label": basis_label(row["basis"])})
        for group in groups.values():
            group["points"] = round(sum(r["points"] for r in group["rows"]), 2)
            group["score"] = round(sum(r["score"] for r in group["rows"]), 2)
        editable = assessor and not closed
        context.update(
            {
                "sheet": document,
                "saved": saved,
                "closed": closed,
                "editable": editable,
                "groups": list(groups.values()),
                "adjustments": adjustments,
                "veto_findings": _evidence(document.get("veto_findings", [])),
                "class_label": class_label(document["unit_class"]),
                "unchecked": [r["indicator"] for r in rows if not r.get("checked", True)],
                "rows_total": round(sum(r["score"] for r in rows), 2),
                "computed_at": now,
                "close_form": CloseForm() if editable else None,
                "reopen_form": ReopenForm() if assessor and closed else None,
                "closed_by": document.get("closed_by") or _person(saved.closed_by if saved else None),
                "closed_at": saved.closed_at if closed and saved else None,
                "bulletins_url": reverse("assessment_bulletins")
                + "?"
                + urlencode({"year": self.year, "unit": self.unit.pk}),
            }
        )
        return context


class _RowFormView(_AssessmentView):
    """GET: the row's rule and what is recorded for it, and the form; POST: the service. Assessors only."""

    form_class = None
    kinds = ()

    def dispatch(self, request, *args, **kwargs):
        self.unit = _viewable_unit(request.user, kwargs["unit_id"])
        self.year = kwargs["year"]
        _require_assessor(request.user)
        self.indicator = get_object_or_404(
            Indicator.objects.select_related("table"), pk=kwargs["indicator_id"], table__year=self.year
        )
        if not self.accepts(self.indicator):
            raise Http404
        self.closed = ScoreSheet.objects.filter(
            unit=self.unit, year=self.year, state=SheetState.CLOSED
        ).exists()
        return super().dispatch(request, *args, **kwargs)

    def accepts(self, indicator: Indicator) -> bool:
        raise NotImplementedError

    def sheet_url(self) -> str:
        return reverse("assessment_sheet", args=[self.year, self.unit.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "unit": self.unit,
                "year": self.year,
                "indicator": self.indicator,
                "kind_label": exports.kind_label(self.indicator.kind),
                "basis_label": basis_label(self.indicator.basis),
                "closed": self.closed,
                "sheet_url": self.sheet_url(),
                "form": kwargs.get("form") or self.make_form(),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.closed:
            messages.error(request, f"{self.unit.name} {self.year} 年的评分表已定稿，请先重新打开。")
            return redirect(self.sheet_url())
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.save(form)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, self.done_message(form))
                return redirect(self.sheet_url())
        return self.render_to_response(self.get_context_data(form=form))


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


class FindingNewView(_RowFormView):
    template_name = "assessment/sheets/finding_form.html"
    page_title = "记录抽查"

    def accepts(self, indicator):
        return indicator.kind == RowKind.INDICATOR and indicator.basis == Basis.MANUAL

    def make_form(self, data=None, files=None):
        return FindingForm(data, files, points=self.indicator.points)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["findings"] = ManualFinding.objects.filter(
            unit=self.unit, year=self.year, indicator=self.indicator
        ).select_related("assessor")
        return context

    def save(self, form):
        data = form.cleaned_data
        services.record_finding(
            unit=self.unit,
            indicator=self.indicator,
            year=self.year,
            item=data["item"],
            deduction=data["deduction"],
            actor=self.request.user,
            now=timezone.now(),
            url=data["url"],
            note=data["note"],
            screenshot=data["screenshot"] or None,
        )

    def done_message(self, form):
        data = form.cleaned_data
        return f"已记录“{self.indicator.name}”的抽查：{data['item']}，扣 {data['deduction']:g} 分。"


AMOUNT_HELP = {
    RowKind.INDICATOR: "该指标的得分，0 到 {points:g} 分。",
    RowKind.BONUS: "加分，不超过 {points:g} 分；同一情形有多个结果时取最高的一个。",
    RowKind.DEDUCTION: "扣分；填 0 则按每次 {each:g} 分计。",
    RowKind.VETO: "单项否决情形无需分值，填 0；录入即该单位评测部分不得分。",
}


class ResultNewView(_RowFormView):
    template_name = "assessment/sheets/result_form.html"
    page_title = "录入结果"

    def accepts(self, indicator):
        return takes_results(indicator)

    def make_form(self, data=None, files=None):
        row = self.indicator
        high = row.points if row.kind in (RowKind.BONUS, RowKind.INDICATOR) else None
        text = AMOUNT_HELP[RowKind(row.kind)].format(points=row.points or 0, each=row.each or 0)
        if row.kind == RowKind.DEDUCTION and row.zeroes:
            text = "出现该情形即评测部分不得分；分值填 0。"
        initial = {"amount": 0} if row.kind in (RowKind.VETO, RowKind.DEDUCTION) else None
        return ResultForm(data, points=high, amount_help=text, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = OutsideResult.objects.filter(
            unit=self.unit, year=self.year, indicator=self.indicator
        ).select_related("entered_by")
        return context

    def save(self, form):
        data = form.cleaned_data
        services.record_result(
            unit=self.unit,
            indicator=self.indicator,
            year=self.year,
            amount=data["amount"],
            happened_on=data["happened_on"],
            note=data["note"],
            actor=self.request.user,
            now=timezone.now(),
            url=data["url"],
        )

    def done_message(self, form):
        return f"已录入“{self.indicator.name}”的结果（{form.cleaned_data['happened_on']:%Y-%m-%d}）。"


class CloseView(View):
    def post(self, request, year: int, unit_id: int):
        unit = _viewable_unit(request.user, unit_id)
        _require_assessor(request.user)
        form = CloseForm(request.POST)
        form.is_valid()
        force = bool(form.cleaned_data.get("force"))
        try:
            sheet = services.close_sheet(
                unit=unit, year=year, actor=request.user, now=timezone.now(), force=force
            )
        except ValidationError as error:
            messages.error(request, "未能定稿：" + "；".join(error.messages))
        except sheets.AssessmentError as error:
            messages.error(request, f"未能定稿：{error}")
        else:
            messages.success(request, f"{unit.name} {year} 年的评分表已定稿，总分 {sheet.data['total']:g}。")
        return redirect(reverse("assessment_sheet", args=[year, unit.pk]))


class ReopenView(View):
    def post(self, request, year: int, unit_id: int):
        unit = _viewable_unit(request.user, unit_id)
        _require_assessor(request.user)
        form = ReopenForm(request.POST)
        if not form.is_valid():
            messages.error(request, "未能重新打开：" + "；".join(form.errors["reason"]))
        else:
            try:
                services.reopen_sheet(
                    unit=unit,
                    year=year,
                    actor=request.user,
                    now=timezone.now(),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                messages.error(request, "未能重新打开：" + "；".join(error.messages))
            else:
                messages.success(request, f"{unit.name} {year} 年的评分表已重新打开，可继续抽查和录入。")
        return redirect(reverse("assessment_sheet", args=[year, unit.pk]))


# --- findings and results -------------------------------------------------------------------------------


def _finding_or_404(user, pk: int) -> ManualFinding:
    finding = get_object_or_404(ManualFinding.objects.select_related("indicator", "unit", "assessor"), pk=pk)
    if not queries.may_view_unit(user, finding.unit_id):
        raise Http404
    return finding


class FindingView(_AssessmentView):
    template_name = "assessment/sheets/finding.html"
    page_title = "人工抽查记录"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finding = _finding_or_404(self.request.user, kwargs["pk"])
        context.update(
            {
                "finding": finding,
                "href": safe_url(finding.url),
                "sheet_url": reverse("assessment_sheet", args=[finding.year, finding.unit_id]),
            }
        )
        return context


class ScreenshotView(View):
    """A finding's screenshot, from the private storage, to whoever may see the finding."""

    def get(self, request, pk: int):
        if not queries.uses_assessment(request.user):
            raise Http404
        finding = _finding_or_404(request.user, pk)
        if not finding.screenshot:
            raise Http404
        content_type = mimetypes.guess_type(finding.screenshot.name)[0]
        if content_type not in ("image/png", "image/jpeg"):
            raise Http404
        response = FileResponse(finding.screenshot.open("rb"), content_type=content_type)
        response["Content-Disposition"] = "inline"
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ResultView(_AssessmentView):
    template_name = "assessment/sheets/result.html"
    page_title = "外部结果"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = get_object_or_404(
            OutsideResult.objects.select_related("indicator", "unit", "entered_by"), pk=kwargs["pk"]
        )
        if not queries.may_view_unit(self.request.user, result.unit_id):
            raise Http404
        context.update(
            {
                "result": result,
                "kind_label": exports.kind_label(result.indicator.kind),
                "href": safe_url(result.url),
                "sheet_url": reverse("assessment_sheet", args=[result.year, result.unit_id]),
            }
        )
        return context


# --- quarterly bulletins --------------------------------------------------------------------------------


def inspection_scores(units: list[OrgUnit], year: int, now: datetime) -> dict[tuple[int, int], float]:
    """What Huimin's own 季度通报 gives each unit per quarter (as the 市级检查 row reads it)."""
    reports = bulletins.quarterly_reports(year, now)
    scores = {}
    for unit in units:
        sites = sheets.sites_of(unit)
        for quarter, report in reports.items():
            found = bulletins.quarter_rows(report, sites)
            if found:
                scores[(unit.pk, quarter)] = bulletins.average(found)
    return scores


class BulletinsView(_AssessmentView):
    template_name = "assessment/sheets/bulletins.html"
    page_title = "季度通报得分"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.now = timezone.now()
        self.assessor = queries.is_assessor(request.user)
        units = sheets.assessed_units()
        if not self.assessor:
            own = queries.own_unit_ids(request.user)
            units = [unit for unit in units if unit.pk in own]
        self.units = units
        text = request.GET.get("year", "")
        self.year = (
            int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else self.now.astimezone(SHANGHAI).year
        )
        unit_text = request.GET.get("unit", "")
        self.chosen = next((u for u in units if unit_text.isdigit() and u.pk == int(unit_text)), None)

    def post(self, request, *args, **kwargs):
        _require_assessor(request.user)
        form = BulletinForm(request.POST, units=self.units)
        if form.is_valid():
            data = form.cleaned_data
            unit = next(u for u in self.units if u.pk == data["unit"])
            try:
                bulletin = services.record_bulletin(
                    unit=unit,
                    year=data["year"],
                    quarter=data["quarter"],
                    score=data["score"],
                    actor=request.user,
                    now=timezone.now(),
                    note=data["note"],
                    source=BulletinSource.ENTERED,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    f"已录入 {unit.name} {bulletin.year} 年第{bulletin.quarter}季度"
                    f"通报得分 {bulletin.score:g}。",
                )
                query = urlencode(
                    {"year": bulletin.year, **({"unit": self.chosen.pk} if self.chosen else {})}
                )
                return redirect(reverse("assessment_bulletins") + "?" + query)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = [self.chosen] if self.chosen else self.units
        entered = {
            (b.unit_id, b.quarter): b
            for b in QuarterBulletin.objects.filter(year=self.year, unit__in=shown).select_related(
                "entered_by"
            )
        }
        platform = inspection_scores(shown, self.year, self.now)
        rows = []
        for unit in shown:
            cells = []
            for quarter in range(1, 5):
                bulletin = entered.get((unit.pk, quarter))
                cells.append(
                    {
                        "quarter": quarter,
                        "bulletin": bulletin,
                        "platform": platform.get((unit.pk, quarter)),
                    }
                )
            rows.append({"unit": unit, "cells": cells})
        form = kwargs.get("form")
        if form is None and self.assessor:
            initial = {"year": self.year, **({"unit": self.chosen.pk} if self.chosen else {})}
            form = BulletinForm(units=self.units, initial=initial)
        context.update(
            {
                "year": self.year,
                "years": sorted(set(table_years()) | {self.year}, reverse=True),
                "units": self.units,
                "chosen": self.chosen,
                "rows": rows,
                "assessor": self.assessor,
                "form": form,
            }
        )
        return context


urlpatterns = [
    path("", IndexView.as_view(), name="assessment_index"),
    path("<int:year>/export.xlsx", ExportView.as_view(), name="assessment_export"),
    path("<int:year>/units/<int:unit_id>/", SheetView.as_view(), name="assessment_sheet"),
    path(
        "<int:year>/units/<int:unit_id>/findings/<int:indicator_id>/new/",
        FindingNewView.as_view(),
        name="assessment_finding_new",
    ),
    path(
        "<int:year>/units/<int:unit_id>/results/<int:indicator_id>/new/",
        ResultNewView.as_view(),
        name="assessment_result_new",
    ),
    path("<int:year>/units/<int:unit_id>/close/", CloseView.as_view(), name="assessment_close"),
    path("<int:year>/units/<int:unit_id>/reopen/", ReopenView.as_view(), name="assessment_reopen"),
    path("findings/<int:pk>/", FindingView.as_view(), name="assessment_finding"),
    path("findings/<int:pk>/screenshot/", ScreenshotView.as_view(), name="assessment_finding_screenshot"),
    path("results/<int:pk>/", ResultView.as_view(), name="assessment_result"),
    path("bulletins/", BulletinsView.as_view(), name="assessment_bulletins"),
]

MENU = [
    MenuEntry("考核排名", "assessment_index", "order-down", 10, queries.uses_assessment),
    MenuEntry("季度通报得分", "assessment_bulletins", "table", 40, queries.is_assessor),
]
