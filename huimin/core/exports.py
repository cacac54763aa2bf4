"""Helpers for files people open in spreadsheets (CSV, XLSX), and their download."""

import io

from django.http import FileResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet could take for a formula starts with an apostrophe."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(book) -> bytes:
    """An openpyxl workbook as the bytes of its .xlsx file."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment(data: bytes, filename: str, content_type: str = XLSX) -> FileResponse:
    """A file for download (never shown inline), kept out of every cache: exports carry people's data."""
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
