"""The annual report as a Word document (python-docx) and a spreadsheet (openpyxl), both made from the
report page's kept figures and its hand-entered fields through `report.tables`, so the page, the two files
and the command line show one layout. Spreadsheet text never starts a formula (`safe_cell`)."""

from __future__ import annotations

import io
from decimal import Decimal

from bs4 import BeautifulSoup
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from huimin.core.exports import safe_cell

from . import report

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHEETS = {"active": "表二 主动公开", "applications": "表三 依申请公开", "appeals": "表四 复议诉讼"}


def layout(table: report.Table) -> list[tuple[int, int, report.HeadCell]]:
    """Where each header cell sits in the grid (row, column), HTML's table layout: spans push later cells
    right."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, cells in enumerate(table.head):
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed


def paragraphs(html: str) -> list[str]:
    """Rich text as plain paragraphs: one per paragraph or list item (numbered lists keep their numbers)."""
    soup = BeautifulSoup(html or "", "html.parser")
    found = []
    for element in soup.find_all(["p", "h2", "h3", "h4", "ol", "ul"], recursive=False) or [soup]:
        if element.name in ("ol", "ul"):
            for n, item in enumerate(element.find_all("li", recursive=False), start=1):
                text = item.get_text(" ", strip=True)
                if text:
                    found.append(f"{n}. {text}" if element.name == "ol" else f"· {text}")
            continue
        text = element.get_text(" ", strip=True)
        if text:
            found.append(text)
    return found


def plain_paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def text_parts(page) -> dict[str, list[str]]:
    return {
        "overview": paragraphs(page.overview),
        "problems": plain_paragraphs(page.problems),
        "other_matters": plain_paragraphs(page.other_matters),
    }


def figures_note(page) -> str:
    if not page.figures_at:
        return ""
    return f"本报告中的平台数据统计于 {timezone.localtime(page.figures_at):%Y年%m月%d日 %H:%M}。"


# --- DOCX --------------------------------------------------------------------------------------------


def docx_bytes(page) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = document.add_heading(page.title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = figures_note(page)
    if note:
        document.add_paragraph(note)
    texts = text_parts(page)
    all_tables = report.tables(page)
    for part in report.parts():
        document.add_heading(part["title"], level=1)
        if part["key"] in texts:
            for text in texts[part["key"]] or ["无。"]:
                document.add_paragraph(text)
            continue
        for table in all_tables[part["key"]]:
            _docx_table(document, table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document, table: report.Table) -> None:
    document.add_paragraph(table.caption, style="Caption")
    grid = document.add_table(rows=len(table.head) + len(table.rows), cols=table.width)
    grid.style = "Table Grid"
    for r, c, cell in layout(table):
        target = grid.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(grid.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = cell.text
    for n, row in enumerate(table.rows, start=len(table.head)):
        grid.cell(n, 0).text = ("　" * row.level) + row.label
        for c, value in enumerate(row.values, start=1):
            grid.cell(n, c).text = str(value)


# --- XLSX --------------------------------------------------------------------------------------------


def xlsx_bytes(page) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "报告"
    sheet.append([safe_cell(page.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    note = figures_note(page)
    if note:
        sheet.append([safe_cell(note)])
    texts = text_parts(page)
    sheet.column_dimensions["A"].width = 100
    for part in report.parts():
        if part["key"] not in texts:
            sheet.append([safe_cell(f"{part['title']}（见工作表“{SHEETS[part['key']]}”）")])
            continue
        sheet.append([safe_cell(part["title"])])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for text in texts[part["key"]] or ["无。"]:
            sheet.append([safe_cell(text)])
            sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    for key, name in SHEETS.items():
        _xlsx_tables(book.create_sheet(name), report.tables(page)[key])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_tables(sheet, found: list[report.Table]) -> None:
    from openpyxl.styles import Alignment, Font

    top = 1
    sheet.column_dimensions["A"].width = 48
    for table in found:
        sheet.cell(top, 1, safe_cell(table.caption)).font = Font(bold=True)
        top += 1
        for r, c, cell in layout(table):
            sheet.cell(top + r, c + 1, safe_cell(cell.text)).alignment = Alignment(
                horizontal="center", vertical="center", wrap_text=True
            )
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(
                    start_row=top + r,
                    start_column=c + 1,
                    end_row=top + r + cell.rowspan - 1,
                    end_column=c + cell.colspan,
                )
        top += len(table.head)
        for row in table.rows:
            sheet.cell(top, 1, safe_cell(("  " * row.level) + row.label))
            for c, value in enumerate(row.values, start=2):
                written = sheet.cell(top, c, _number(value))
                if isinstance(written.value, Decimal):
                    written.number_format = "0.00"
            top += 1
        top += 1  # a blank row between tables


def _number(value):
    """Figures as numbers (fees in 万元 with two decimals); an empty cell stays empty."""
    if value == "" or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return safe_cell(str(value))


# --- downloads ---------------------------------------------------------------------------------------


def render(page, kind: str) -> bytes:
    return docx_bytes(page) if kind == "docx" else xlsx_bytes(page)


def download(page, kind: str) -> HttpResponse:
    response = HttpResponse(render(page, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(True, f"{page.title}.{kind}")
    response["X-Content-Type-Options"] = "nosniff"
    return response
