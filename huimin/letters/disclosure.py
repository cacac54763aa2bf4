"""Public disclosure (定期公开): the published letters of a site, and its monthly statistics with CSV and
XLSX downloads. Personal data is masked (`masking.py`); contact details never appear."""

from __future__ import annotations

import csv
import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from huimin.core.exports import safe_cell
from huimin.sites import queries as site_queries
from huimin.sites.page_tags import ViewColumn

from . import queries
from .masking import mask

PAGE_SIZE = 20
COLUMNS = [
    "月份",
    "收到留言",
    "已答复",
    "按时答复",
    "按时答复率",
    "平均答复用时（工作小时）",
    "评价数",
    "满意率",
]


# The published letters are a column of the 咨询投诉 type (STANDARDS.md §1): its tags, as a column page's.
PUBLISHED_COLUMN = ViewColumn(
    "留言公开", "经留言人同意公开的网民留言及其答复，个人信息已隐去。", "留言,答复,留言公开", "咨询投诉"
)


def published_letters(request):
    chrome = site_queries.site_chrome(request)
    unit = queries.unit_from(request.GET.get("unit"))
    letters = queries.published(chrome["site"], unit.pk if unit else None) if chrome["site"] else []
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {
            "letter": letter,
            "title": mask(letter.title, names=(letter.contact_name,)),
            "content": mask(letter.content, names=(letter.contact_name,)),
            "reply": mask(letter.reply, names=(letter.contact_name,)),
        }
        for letter in page.object_list
    ]
    context = {**chrome, "entries": entries, "page": page, "unit": unit, "column": PUBLISHED_COLUMN}
    return TemplateResponse(request, "letters/published.html", context)


def _share(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rows(figures) -> list[list]:
    return [
        [
            f.label,
            f.received,
            f.answered,
            f.on_time,
            _share(f.on_time_share),
            "—" if f.average_hours is None else f.average_hours,
            f.rated,
            _share(f.satisfaction),
        ]
        for f in figures
    ]


def statistics(request):
    chrome = site_queries.site_chrome(request)
    unit = queries.unit_from(request.GET.get("unit"))
    site = chrome["site"]
    months = queries.months_with_letters(site, timezone.now()) if site else []
    figures = [queries.monthly_figures(site, unit.pk if unit else None, y, m) for y, m in months[:24]]
    name = (
        f"{site.site_name or site.hostname}{'-' + unit.name if unit else ''}-网民留言统计" if site else "统计"
    )
    export = request.GET.get("format", "")
    if export == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        writer.writerows([[safe_cell(v) for v in row] for row in _rows(figures)])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _attachment(f"{name}.csv")
        return response
    if export == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "网民留言统计"
        sheet.append(COLUMNS)
        for row in _rows(figures):
            sheet.append([safe_cell(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = _attachment(f"{name}.xlsx")
        return response
    context = {
        **chrome,
        "rows": _rows(figures),
        "headers": COLUMNS,
        "unit": unit,
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "letters/statistics.html", context)


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return (
        f"attachment; filename=\"letters.{filename.rsplit('.', 1)[1]}\"; filename*=UTF-8''{quote(filename)}"
    )
