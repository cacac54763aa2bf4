"""Reading a resource file (CSV, XLSX, JSON) as a stream of rows, and learning its columns' types.

Nothing here loads a whole file into memory: CSV is decoded line by line, XLSX is read with openpyxl in
read-only mode, JSON is parsed object by object. What is found wrong is reported by row and column in a
`Problems` list (the first `MAX_PROBLEMS` in detail, then only counted) and never silently dropped:

- Encoding: detected on the first chunk (UTF-8 with or without BOM, GBK/GB 18030, Big5). Each line is then
  decoded on its own, UTF-8 first and the detected encoding second, so a file that mixes encodings loses
  nothing; every line read in another encoding than the detected one is reported.
- Delimiter: `,` `;` tab or `|`, the one that splits the first lines most consistently into several cells.
- Headers: empty ones become 字段N, repeated ones get a suffix; both reported.
- Ragged rows: missing cells are empty, extra cells are not imported; both reported.
- Types: inferred over the first `SAMPLE_ROWS` rows (integer, number, date, boolean, else text); a later
  cell that does not fit its column's type is stored as NULL and reported.

Row numbers are 1-based data rows (the header is not counted): the spreadsheet line of row n is n + 1.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from huimin.core.encodings import UndecodableText, decode_text

from .cells import FAST_CONVERTERS, TYPE_WORDS, cell_text, infer_type
from .enums import ResourceFormat

MAX_PROBLEMS = 200
SAMPLE_ROWS = 5000
FIRST_CHUNK = 65536
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "逗号", ";": "分号", "\t": "制表符", "|": "竖线"}
MAX_FIELD = 1_000_000  # the longest cell accepted (characters)
MAX_JSON_OBJECT = 1_000_000  # the longest single JSON object accepted (characters)
# Cells that mean "no value" in Chinese statistical tables; empty in a typed column, without complaint.

csv.field_size_limit(MAX_FIELD)


class Unreadable(Exception):
    """The file cannot be read as a table at all; the message says why in Chinese."""


@dataclass
class Problem:
    row: int  # 0 for the file as a whole or its header
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Problems:
    """What was found wrong while reading: the first `limit` in detail, and how many in all."""

    limit: int = MAX_PROBLEMS
    items: list[Problem] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < self.limit:
            self.items.append(Problem(row, column, message))

    def as_list(self) -> list[dict]:
        return [item.as_dict() for item in self.items]


@dataclass
class Table:
    """An opened file: its headers and an iterator of (row number, cells) with as many cells as headers.

    Cells are text for CSV and Python values (str, int, float, bool, datetime, None) for XLSX and JSON.
    """

    format: str
    headers: list[str]
    rows: Iterator[tuple[int, list]]
    problems: Problems
    encoding: str = ""
    delimiter: str = ""

    def peek(self, count: int) -> list[tuple[int, list]]:
        """The next `count` rows, without consuming them."""
        sample = list(itertools.islice(self.rows, count))
        self.rows = itertools.chain(sample, self.rows)
        return sample


# ------------------------------------------------------------------------------------------- opening


def detect_format(name: str, head: bytes) -> str | None:
    """The format of a file from its name, corrected by its first bytes; None if it is none of ours."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if head.startswith(b"PK\x03\x04"):
        return ResourceFormat.XLSX if extension in ("xlsx", "xlsm", "") else None
    if extension in ("xlsx", "xlsm"):
        return None
    if extension == "json":
        return ResourceFormat.JSON
    if extension in ("csv", "tsv", "txt"):
        return ResourceFormat.CSV
    if extension == "":
        stripped = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
        return ResourceFormat.JSON if stripped in (b"[", b"{") else ResourceFormat.CSV
    return None


def open_table(stream, fmt: str, problems: Problems | None = None) -> Table:
    """Open a binary stream of the given format as a `Table`. Raises `Unreadable`."""
    problems = problems if problems is not None else Problems()
    if fmt == ResourceFormat.CSV:
        return _open_csv(stream, problems)
    if fmt == ResourceFormat.XLSX:
        return _open_xlsx(stream, problems)
    if fmt == ResourceFormat.JSON:
        return _open_json(stream, problems)
    raise Unreadable(f"不支持的文件格式：{fmt}。")


def clean_headers(raw: Iterable, problems: Problems) -> list[str]:
    """Headers as text, stripped; empty ones named 字段N and repeated ones suffixed, both reported."""
    headers: list[str] = []
    seen: set[str] = set()
    for index, value in enumerate(raw, start=1):
        name = cell_text(value).strip().lstrip("\ufeff").strip() if value is not None else ""
        name = " ".join(name.split())[:100]
        if not name:
            name = f"字段{index}"
            problems.add(0, name, f"第 {index} 列没有表头，已命名为“{name}”。")
        if name in seen:
            base, suffix = name, 2
            while f"{base}_{suffix}" in seen:
                suffix += 1
            name = f"{base}_{suffix}"
            problems.add(0, name, f"表头“{base}”重复，第 {index} 列已改名为“{name}”。")
        seen.add(name)
        headers.append(name)
    return headers


def _fit(row_number: int, cells: list, width: int, headers: list[str], problems: Problems, pad=None) -> list:
    """Cells padded or cut to the header's width; the difference reported."""
    if len(cells) < width:
        problems.add(
            row_number,
            headers[len(cells)],
            f"本行只有 {len(cells)} 个单元格，少于表头的 {width} 个，缺少的按空值处理。",
        )
        return cells + [pad] * (width - len(cells))
    extra = [cell_text(cell) for cell in cells[width:] if cell is not None and cell_text(cell).strip()]
    if extra:
        shown = "、".join(extra[:5])[:200]
        problems.add(
            row_number,
            "",
            f"本行有 {width + len(extra)} 个单元格，多于表头的 {width} 个，多出的未导入：{shown}",
        )
    return cells[:width]


# ----------------------------------------------------------------------------------------------- CSV


def _open_csv(stream, problems: Problems) -> Table:
    head = stream.read(FIRST_CHUNK)
    if not head.strip(codecs.BOM_UTF8 + b" \t\r\n\x00"):
        raise Unreadable("文件是空的，没有表头和数据。")
    encoding = _detect_encoding(head)
    if encoding.startswith(("utf-16", "utf-32")):
        text_stream = io.TextIOWrapper(
            _Rejoined(head, stream), encoding=encoding.replace("-sig", ""), newline=""
        )
        lines: Iterator[str] = _strip_bom(iter(text_stream))
        line_notes: dict[int, str] = {}
    else:
        line_notes = {}
        lines = _decoded_lines(_Rejoined(head, stream), encoding, line_notes)
    sample_text = _sample_text(head, encoding)
    delimiter = sniff_delimiter(sample_text)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    try:
        raw_header = next(row for row in reader if any(cell.strip() for cell in row))
    except StopIteration:
        raise Unreadable("文件是空的，没有表头和数据。") from None
    except csv.Error as exc:
        raise Unreadable(f"无法读取表头：{exc}") from None
    headers = clean_headers(raw_header, problems)
    header_records = reader.line_num
    for line in range(1, header_records + 1):
        note = line_notes.pop(line, None)
        if note:
            problems.add(0, "", f"表头：{note}")

    def rows() -> Iterator[tuple[int, list]]:
        width = len(headers)
        number = 0
        consumed = header_records
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                number += 1
                problems.add(number, "", f"本行无法解析（{exc}），未导入。")
                continue
            number += 1
            for line in range(consumed + 1, reader.line_num + 1):
                note = line_notes.pop(line, None)
                if note:
                    problems.add(number, "", note)
            consumed = reader.line_num
            if len(cells) != width:
                if not any(cell.strip() for cell in cells):
                    continue
                cells = _fit(number, cells, width, headers, problems, pad="")
            elif not any(cells) or not any(cell.strip() for cell in cells):
                continue
            yield number, cells

    return Table(
        ResourceFormat.CSV,
        headers,
        rows(),
        problems,
        encoding=_encoding_label(head, encoding),
        delimiter=delimiter,
    )


class _Rejoined(io.RawIOBase):
    """The first chunk already read, followed by the rest of the stream, as one readable stream."""

    def __init__(self, head: bytes, rest):
        self.head = head
        self.rest = rest

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _detect_encoding(head: bytes) -> str:
    """The encoding of the first chunk (cut at its last line break, so no character is split)."""
    cut = head.rfind(b"\n")
    sample = head if cut < 0 or len(head) < FIRST_CHUNK else head[: cut + 1]
    try:
        _decoded, encoding = decode_text(sample)
    except UndecodableText:
        return "gb18030"
    return encoding.replace("_", "-")


def _encoding_label(head: bytes, encoding: str) -> str:
    """The name shown to people: GBK when the first chunk is plain GBK, else the decoder's name."""
    if encoding == "gb18030":
        cut = head.rfind(b"\n")
        try:
            (head if cut < 0 else head[: cut + 1]).decode("gbk")
            return "gbk"
        except UnicodeDecodeError:
            return "gb18030"
    return encoding


def _sample_text(head: bytes, encoding: str) -> str:
    if encoding.startswith(("utf-16", "utf-32")):
        return head.decode(encoding.replace("-sig", ""), errors="ignore").lstrip("\ufeff")
    lines = []
    for line in head.split(b"\n")[:50]:
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode(_fallback(encoding), errors="replace"))
    return "\n".join(lines).lstrip("\ufeff")


def _fallback(encoding: str) -> str:
    return encoding if encoding not in ("utf-8", "utf-8-sig", "ascii") else "gb18030"


def _decoded_lines(stream, encoding: str, notes: dict[int, str]) -> Iterator[str]:
    """Text lines of a byte stream: UTF-8 first, then the detected (or GB 18030) encoding, line by line.

    A line read otherwise than the detected encoding says leaves a note under its line number."""
    other = _fallback(encoding)
    expected = "utf-8" if encoding in ("utf-8", "utf-8-sig", "ascii") else other
    labels = {"utf-8": "UTF-8", "gb18030": "GBK/GB18030", "big5": "Big5"}
    buffered = io.BufferedReader(stream, buffer_size=1 << 20)
    for number, raw in enumerate(buffered, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
            used = "utf-8"
        except UnicodeDecodeError:
            try:
                line = raw.decode(other)
                used = other
            except UnicodeDecodeError:
                line = raw.decode(other, errors="replace")
                notes[number] = "本行含无法识别的字节，已用“\ufffd”代替；原始文件已保留。"
                yield line
                continue
        if used != expected and not raw.isascii():
            notes[number] = f"本行的文字编码是 {labels.get(used, used)}，与文件其余部分不同，已按其编码读取。"
        yield line


def _strip_bom(lines: Iterator[str]) -> Iterator[str]:
    first = next(lines, None)
    if first is not None:
        yield first.lstrip("\ufeff")
        yield from lines


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most cells most consistently; `,` by default."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    if len(lines) > 1 and len(text) >= FIRST_CHUNK - 4:
        lines = lines[:-1]  # the last line of a cut chunk may be partial
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# ---------------------------------------------------------------------------------------------- XLSX


def _open_xlsx(stream, problems: Problems) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise Unreadable(
            f"无法读取 XLSX 文件，文件可能已损坏或不是 Excel 2007 及以上格式（{type(exc).__name__}）。"
        ) from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise Unreadable("XLSX 文件中没有工作表。")
    if len(workbook.worksheets) > 1:
        problems.add(
            0, "", f"工作簿有 {len(workbook.worksheets)} 个工作表，只导入了第一个工作表“{sheet.title}”。"
        )
    cells_iter = sheet.iter_rows(values_only=True)
    raw_header = None
    for values in cells_iter:
        if any(_present(value) for value in values):
            raw_header = list(values)
            break
    if raw_header is None:
        workbook.close()
        raise Unreadable("工作表是空的，没有表头和数据。")
    while raw_header and not _present(raw_header[-1]):
        raw_header.pop()
    headers = clean_headers(raw_header, problems)

    def rows() -> Iterator[tuple[int, list]]:
        width = len(headers)
        try:
            for number, values in enumerate(cells_iter, start=1):
                if not any(_present(value) for value in values):
                    continue
                cells = list(values)
                if len(cells) > width:
                    cells = _fit(number, cells, width, headers, problems)
                elif len(cells) < width:
                    cells += [None] * (width - len(cells))
                yield number, cells
        finally:
            workbook.close()

    return Table(ResourceFormat.XLSX, headers, rows(), problems)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------------------------- JSON


def _open_json(stream, problems: Problems) -> Table:
    head = stream.read(FIRST_CHUNK)
    if not head.strip(codecs.BOM_UTF8 + b" \t\r\n\x00"):
        raise Unreadable("文件是空的，没有数据。")
    encoding = _detect_encoding(head)
    decoder = codecs.getincrementaldecoder(encoding if encoding != "ascii" else "utf-8")(errors="strict")
    chunks = _text_chunks(_Rejoined(head, stream), decoder)
    objects = _json_objects(chunks)
    try:
        first = list(itertools.islice(objects, SAMPLE_ROWS))
    except UnicodeDecodeError:
        raise Unreadable("JSON 文件的文字编码无法识别。") from None
    if not first:
        raise Unreadable("JSON 文件中没有数据记录。")
    keys: dict[str, None] = {}
    for _number, item in enumerate(first, start=1):
        if isinstance(item, dict):
            keys.update(dict.fromkeys(str(key) for key in item))
    if not keys:
        raise Unreadable('JSON 文件应为对象数组（[{…}, …]）或 {"data": [{…}, …]}。')
    names = list(keys)
    headers = clean_headers(names, problems)

    def rows() -> Iterator[tuple[int, list]]:
        number = 0
        try:
            for item in itertools.chain(first, objects):
                number += 1
                if not isinstance(item, dict):
                    problems.add(number, "", "这一条不是对象（{…}），未导入。")
                    continue
                extra = [str(key) for key in item if str(key) not in keys]
                if extra:
                    problems.add(number, "", f"多出的键未导入：{'、'.join(extra[:5])}")
                yield number, [_json_cell(item.get(name)) for name in names]
        except UnicodeDecodeError:
            problems.add(number + 1, "", "其后内容的文字编码无法识别，未导入；原始文件已保留。")
        except Unreadable as exc:
            problems.add(number + 1, "", f"{exc} 其后内容未导入；原始文件已保留。")

    return Table(ResourceFormat.JSON, headers, rows(), problems, encoding=_encoding_label(head, encoding))


def _json_cell(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _text_chunks(stream, decoder) -> Iterator[str]:
    while True:
        data = stream.read(1 << 20)
        if not data:
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
            return
        text = decoder.decode(data)
        if text:
            yield text


def _json_objects(chunks: Iterator[str]) -> Iterator:
    """The items of a top-level array, or of the array under "data" of a top-level object, one by one."""
    decoder = json.JSONDecoder()
    reader = _JsonReader(chunks, decoder)
    first = reader.skip_space()
    if first == "\ufeff":
        reader.pos += 1
        first = reader.skip_space()
    if first == "[":
        reader.pos += 1
        yield from reader.array_items()
        return
    if first != "{":
        raise Unreadable('JSON 文件应为对象数组（[{…}, …]）或 {"data": [{…}, …]}。')
    reader.pos += 1
    while True:
        char = reader.skip_space()
        if char == "}":
            raise Unreadable('JSON 对象中没有 "data" 数组。')
        if char == ",":
            reader.pos += 1
            continue
        key = reader.value()
        if reader.skip_space() != ":":
            raise Unreadable("JSON 格式错误：缺少冒号。")
        reader.pos += 1
        if key == "data":
            if reader.skip_space() != "[":
                raise Unreadable('JSON 中的 "data" 不是数组。')
            reader.pos += 1
            yield from reader.array_items()
            return
        reader.value()


class _JsonReader:
    """A cursor over JSON text that arrives in chunks; values are decoded whole, one at a time."""

    def __init__(self, chunks: Iterator[str], decoder: json.JSONDecoder):
        self.chunks = chunks
        self.decoder = decoder
        self.buffer = ""
        self.pos = 0
        self.done = False

    def _more(self) -> bool:
        if self.done:
            return False
        chunk = next(self.chunks, None)
        if chunk is None:
            self.done = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def skip_space(self) -> str:
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._more():
                return ""

    def value(self):
        while True:
            self.skip_space()
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                incomplete = (
                    exc.pos >= len(self.buffer) - 1
                    or "Unterminated" in exc.msg
                    or (exc.msg.startswith("Expecting") and exc.pos >= len(self.buffer) - 64)
                )
                if incomplete and len(self.buffer) - self.pos < MAX_JSON_OBJECT and self._more():
                    continue
                raise Unreadable(f"JSON 格式错误：{exc.msg}。") from None
            # A number at the end of the buffer may continue in the next chunk.
            number_cut = end >= len(self.buffer) and not self.done and isinstance(value, (int, float))
            if number_cut and self._more():
                continue
            self.pos = end
            return value

    def array_items(self) -> Iterator:
        char = self.skip_space()
        if char == "]":
            return
        while True:
            yield self.value()
            char = self.skip_space()
            if char == ",":
                self.pos += 1
                continue
            if char == "]":
                return
            raise Unreadable("JSON 格式错误：数组中缺少逗号或右方括号。")


def infer_columns(table: Table, sample_size: int = SAMPLE_ROWS) -> list[dict]:
    """The columns of a table with types inferred over its first rows (which stay in the table)."""
    sample = table.peek(sample_size)
    columns = []
    for index, name in enumerate(table.headers):
        column_type = str(infer_type(cells[index] for _number, cells in sample))
        columns.append(
            {"key": f"c{index}", "name": name, "title": name, "type": column_type, "description": ""}
        )
    return columns


def typed_rows(table: Table, columns: list[dict]) -> Iterator[tuple]:
    """(row number, row hash, value, value, …) for each row, converted to the columns' types.

    A cell that does not fit its column's type is None and reported. The hash is of the cells as they read
    in the file, in the order of the sorted header names, so reordering columns or retyping them keeps it.
    """
    converters = [FAST_CONVERTERS[column["type"]] for column in columns]
    names = [column["title"] or column["name"] for column in columns]
    words = [TYPE_WORDS[column["type"]] for column in columns]
    order = sorted(range(len(columns)), key=lambda index: columns[index]["name"])
    in_order = order == list(range(len(columns)))
    problems = table.problems
    blake = hashlib.blake2b
    from_bytes = int.from_bytes
    text_cells = table.format == ResourceFormat.CSV  # every cell is already a str
    for number, cells in table.rows:
        try:
            values = [convert(cell) for convert, cell in zip(converters, cells, strict=True)]
        except (ValueError, OverflowError):
            values = []
            for index, convert in enumerate(converters):
                cell = cells[index]
                try:
                    values.append(convert(cell))
                except (ValueError, OverflowError):
                    values.append(None)
                    shown = cell_text(cell)[:50]
                    problems.add(number, names[index], f"“{shown}”不是{words[index]}，已按空值导入。")
        if text_cells:
            key = "\x1f".join(cells if in_order else [cells[index] for index in order])
        else:
            key = "\x1f".join([cell_text(cells[index]) for index in order])
        digest = blake(key.encode(), digest_size=8).digest()
        yield (number, from_bytes(digest, "big", signed=True), *values)
