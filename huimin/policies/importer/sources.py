"""Reading input files into `RawDocument`s: limits first, then the file kind, then the text.

Every refusal is a `SourceError` whose message is shown to the person importing. Nothing here touches the
database, so the stage can be tested (and benchmarked) on its own.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from huimin.core import encodings

from .header import known_label_count, split_text_header

SUPPORTED_SUFFIXES = (".txt", ".docx", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A .docx is a zip archive: refuse one that would unpack to more than this many times the size limit.
MAX_UNPACK_RATIO = 10

# Leading bytes of files that are certainly not text, and what to call them.
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"%PDF-", "PDF 文档"),
    (b"PK\x03\x04", "压缩包或 Office 文档"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文档（.doc/.xls），请另存为 .docx"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x7fELF", "可执行程序"),
    (b"MZ\x90\x00", "可执行程序"),
)
HEADER_TABLES_LOOKED_AT = 20
HEADER_TABLE_MAX_TEXT = 4000
TITLE_SUFFIX_RE = re.compile(r"\s*(?:_|\s[-|–—]\s|｜)[^_|｜]{2,40}\Z")
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


class SourceError(Exception):
    """A file that cannot be read as a policy document. The message is for the person importing."""


@dataclass
class Table:
    rows: list[list[str]]


@dataclass
class RawDocument:
    """A file's content in reading order: `blocks` are paragraph strings and `Table`s."""

    path: Path
    kind: str
    blocks: list[str | Table] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    title_hint: str = ""
    encoding: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(
            (block.strip() if isinstance(block, str) else any(any(c.strip() for c in r) for r in block.rows))
            for block in self.blocks
        ) and not any(value.strip() for value in self.meta.values())


def collect_paths(arguments: Iterable[str | os.PathLike]) -> list[Path]:
    """The files named, and the supported files below the directories named, in a stable order.

    A named file is kept whatever its suffix (and refused later with a reason); inside directories only
    supported files are taken, skipping hidden files and Word's `~$` lock files. Symlinked directories are
    not followed, so a link loop cannot make the walk endless.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            candidates = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                candidates.extend(
                    Path(root, name)
                    for name in files
                    if name.lower().endswith(SUPPORTED_SUFFIXES) and not name.startswith((".", "~$"))
                )
            new = sorted(candidates)
        else:
            new = [path]
        for item in new:
            key = item.resolve() if item.exists() else item
            if key not in seen:
                seen.add(key)
                found.append(item)
    return found


def read_source(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read one file, refusing it with a `SourceError` when it cannot be a policy document."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceError(f"不支持的文件类型“{suffix or '无扩展名'}”，仅支持 .txt、.docx、.html、.htm。")
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise SourceError("文件不存在。") from None
    except OSError as error:
        raise SourceError(f"无法读取文件：{error.strerror or error}。") from None
    if not path.is_file():
        raise SourceError("不是普通文件，无法读取。")
    if stat.st_size > max_bytes:
        raise SourceError(f"文件过大（{_size(stat.st_size)}），超过上限 {_size(max_bytes)}，未读取。")
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise SourceError(f"无法读取文件：{error.strerror or error}。") from None
    if len(data) > max_bytes:
        raise SourceError(f"文件过大，超过上限 {_size(max_bytes)}，未读取。")
    if not data.strip():
        raise SourceError("文件为空。")
    if suffix == ".docx":
        document = read_docx(path, data, max_bytes=max_bytes)
    elif suffix in (".html", ".htm"):
        document = read_html(path, data)
    else:
        document = read_text(path, data)
    if document.is_empty:
        raise SourceError("文件为空。")
    return document


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.1f} KB"


# Text -------------------------------------------------------------------------------------------------


def refuse_binary(data: bytes) -> None:
    """Raise for content that is evidently not text (known file signatures, NULs, control bytes)."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            raise SourceError(f"无法识别的文件内容：这是{name}，不是文本。")
    sample = data[:65536]
    if any(sample.startswith(bom) for bom, _ in encodings.BOMS):
        return
    if b"\x00" in sample:
        raise SourceError("无法识别的文件内容：含有二进制数据，不是文本。")
    controls = sum(sample.count(bytes([b])) for b in CONTROL_BYTES)
    if controls > max(8, len(sample) // 200):
        raise SourceError("无法识别的文件内容：含有大量控制字符，不是文本。")


def decode_text(data: bytes, *, declared: str = "") -> tuple[str, str]:
    """`core.encodings.decode_text`, refusing what it cannot read with a `SourceError`."""
    try:
        return encodings.decode_text(data, declared=declared)
    except encodings.UndecodableText as error:
        raise SourceError(str(error)) from None


def read_text(path: Path, data: bytes) -> RawDocument:
    refuse_binary(data)
    text, encoding = decode_text(data)
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    rows, rest = split_text_header(lines)
    blocks: list[str | Table] = [Table(rows)] if rows else []
    blocks.extend(line for line in rest if line)
    return RawDocument(path=path, kind="text", blocks=blocks, encoding=encoding)


# Word -------------------------------------------------------------------------------------------------


def read_docx(path: Path, data: bytes, *, max_bytes: int) -> RawDocument:
    import docx
    from docx.table import Table as DocxTable

    if not data.startswith(b"PK\x03\x04"):
        for magic, name in MAGIC:
            if data.startswith(magic):
                raise SourceError(f"无法识别的文件内容：这是{name}，不是 .docx 文档。")
        raise SourceError("无法识别的文件内容：不是有效的 Word (.docx) 文档。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SourceError("无法识别的文件内容：不是有效的 Word (.docx) 文档。") from None
    if unpacked > max_bytes * MAX_UNPACK_RATIO:
        raise SourceError(f"文件过大（解压后 {_size(unpacked)}），未读取。")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str | Table] = []
        for item in document.iter_inner_content():
            if isinstance(item, DocxTable):
                blocks.append(Table(_docx_rows(item)))
            elif item.text.strip():
                blocks.append(item.text.strip())
        title = (document.core_properties.title or "").strip()
    except SourceError:
        raise
    except Exception:  # python-docx raises many kinds of errors on broken packages
        raise SourceError("无法识别的文件内容：Word (.docx) 文档已损坏，无法读取。") from None
    return RawDocument(path=path, kind="docx", blocks=blocks, title_hint=title, encoding="docx")


def _docx_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            # Merged cells come back once per grid column; keep each once.
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        rows.append(cells)
    return rows


# HTML -------------------------------------------------------------------------------------------------

BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
)
NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "form",
    "nav",
    "header",
    "footer",
    "object",
)
# Containers government CMSs put the text in (TRS, Hanweb, gov.cn templates and common themes).
MAIN_SELECTORS = (
    "#zoom",
    ".TRS_Editor",
    ".trs_editor_view",
    "#UCAP-CONTENT",
    ".pages_content",
    ".article-content",
    ".article_content",
    "#article",
    ".article",
    "article",
    "main",
    "#content",
    ".content",
    ".zw",
    "#zw",
)


def read_html(path: Path, data: bytes) -> RawDocument:
    from bs4 import BeautifulSoup

    refuse_binary(data)
    text, encoding = decode_text(data, declared=encodings.meta_charset(data))
    soup = BeautifulSoup(text, "html.parser")
    meta = {}
    for tag in soup.find_all("meta"):
        name, content = tag.get("name"), tag.get("content")
        if isinstance(name, str) and isinstance(content, str) and content.strip():
            meta[name.strip()] = content.strip()
    title_hint = ""
    if soup.title and soup.title.string:
        # <title> is usually "document title_site name"; keep the document's part.
        title_hint = TITLE_SUFFIX_RE.sub("", soup.title.string.strip())
    for tag in soup.find_all(NOISE_TAGS):
        tag.decompose()
    blocks: list[str | Table] = []
    header = _header_table(soup)
    if header is not None:
        blocks.append(Table(header[1]))
        header[0].decompose()
    heading = soup.find("h1")
    if heading is not None and heading.get_text(strip=True):
        title_hint = heading.get_text(" ", strip=True)
    lines = _html_text(_main_container(soup)).split("\n")
    blocks.extend(line.strip(" |\t\u3000\xa0") for line in lines if line.strip(" |\t\u3000\xa0"))
    return RawDocument(
        path=path, kind="html", blocks=blocks, meta=meta, title_hint=title_hint, encoding=encoding
    )


def _header_table(soup):
    """The first small table whose cells hold at least two known header labels, with its rows."""
    for table in soup.find_all("table", limit=HEADER_TABLES_LOOKED_AT):
        if len(table.get_text()) > HEADER_TABLE_MAX_TEXT:
            continue
        rows = [
            [cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
            for row in table.find_all("tr")
        ]
        if sum(known_label_count(row) for row in rows) >= 2:
            return table, rows
    return None


def _html_text(root) -> str:
    """The text below `root` with a line break around every block element and ` | ` after table cells.

    Walks the tree once without recursion, so deeply nested markup costs linear time and no stack.
    """
    from bs4 import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

    skipped = (Comment, Declaration, Doctype, ProcessingInstruction)
    parts: list[str] = []
    stack: list = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if isinstance(item, NavigableString) and not isinstance(item, skipped):
                parts.append(str(item))
            elif type(item) is str:
                parts.append(item)  # a marker pushed below
            continue
        if item.name in BLOCK_TAGS:
            parts.append("\n")
            stack.append("\n")
        elif item.name in ("td", "th"):
            stack.append(" | ")
        stack.extend(reversed(item.contents))
    return "".join(parts)


def _main_container(soup):
    best, best_length = None, 0
    for selector in MAIN_SELECTORS:
        for candidate in soup.select(selector):
            length = len(candidate.get_text(strip=True))
            if length > best_length:
                best, best_length = candidate, length
    return best or soup.body or soup
