"""Helpers for files people open in spreadsheets (CSV, XLSX)."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text a spreadsheet could take for a formula starts with an apostrophe."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value
