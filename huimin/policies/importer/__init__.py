"""Importing policy documents from files (.txt, .docx, .html) into a policy library.

The stages, one module each:

- `sources`: find the files, refuse what is too large, empty or not text, detect the encoding and turn each
  kind of file into the same `RawDocument` (tables and paragraphs in reading order, plus page meta tags);
- `header`: read the metadata table (索引号, 文号, 发布机构 …) whose labels may be simplified or traditional;
- `clean`: remove what a document-sharing site adds around a scraped text (its blurb, page numbers glued to
  the text, trailing boilerplate) and mend the usual OCR slips;
- `infer`: fill what the header does not say (title, dates, 文种, issuer, a stable generated 索引号) and list
  what is still missing;
- `run`: validate, write through `services.upsert_policy` one file at a time, and report per file.
"""

from .run import FileReport, ImportReport, PolicyImporter, find_library
from .sources import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, collect_paths

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "FileReport",
    "ImportReport",
    "PolicyImporter",
    "collect_paths",
    "find_library",
]
