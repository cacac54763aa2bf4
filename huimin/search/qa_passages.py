"""Passages of the Q&A (智能问答): a normalized document text cut into the pieces an answer can be.

    passages("… 一级指标 | 二级指标 | 评分细则 | 分值 | 发布解读 (25分) | 概况信息 | 1.未开设… | 2 | …")
        -> [Passage("一级指标 发布解读 分值 25分", …),
            Passage("一级指标 发布解读 二级指标 概况信息 评分细则 1.未开设… 分值 2", …), …]

Plain text is cut into sentences (。！？； line breaks and paragraph gaps) and long sentences also into
clauses. A table kept as cells followed by " | " (how the policy importer keeps a table's cells) becomes one
passage per row that repeats the column labels before each cell and carries a merged first column down to the
rows below it, and one passage per first-column group with its total ("发布解读 (25分)" → "一级指标 发布解读
分值 25分"); so a question about a row finds its labels and its value together. The text around the table is
cut as plain text. Every cell of a labelled passage is text of the source (`cells`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_END = re.compile(r"[。!?;！？；\n]+")
CLAUSE_END = re.compile(r"[,，]+")
# In normalized text a space between two Chinese characters is a paragraph or field boundary.
PARAGRAPH_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
TRIM = " ,，、:：.·-—\"'“”‘’《》<>[]【】|"
CELL = re.compile(r"\s*\|\s*")
NUMBER_CELL = re.compile(r"^\d+(?:\.\d+)?$")
GROUP_CELL = re.compile(r"^(?P<name>[^()]{1,20}?)\s*\((?P<points>\d+(?:\.\d+)?)分\)$")
# A bracketed note after a sentence's end; where a numbered item starts; a guide's field label.
NOTE_AFTER = re.compile(r"。\s*(\([^()]{2,60}\))")
NOTE_HEAD = re.compile(r"^\([^()]{2,60}\)\s*")
# Lines of the index that name other documents rather than say anything (an interpretation's policies).
SKIPPED = ("解读的政策文件:",)
REPLY_MIN_CHARS = 20
ITEM_MAX_CHARS = 600
ITEM_ANYWHERE = re.compile(
    r"(?:^|[。;；\s])(\d+\.(?!\d)|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)"
)
FIELD_LABELS = (
    "设定依据|申请条件|办理材料|办理地点|收费标准|办理时间|咨询电话|投诉电话|办理流程|在线办理|法定办结时限|"
    "承诺办结时限"
)
FIELD = re.compile(rf"(?:^|(?<=\s))({FIELD_LABELS})[:： ]")
ASKING = re.compile(
    r"(?:[?？]|吗|呢|怎么|如何|几[次个趟天])$|^[^:：]{1,12}[:：].*(?:[?？吗呢]|怎么|如何|几[次个趟天])"
)
LABEL_MAX_CHARS = 8
MAX_COLUMNS = 8
MIN_TABLE_CELLS = 8


@dataclass(frozen=True)
class Passage:
    text: str  # what is scored and shown as the answer
    sentence: str  # the sentence (or row) it comes from, for the excerpt
    cells: tuple[str, ...] = ()  # a labelled row's cells (each text of the source); empty for plain text
    row: bool = False
    asking: bool = False  # the passage is itself a question (an interview's question alone)


def sentences(text: str) -> list[str]:
    """The sentences of a normalized text: split at 。！？； line breaks and paragraph gaps."""
    out = []
    for part in SENTENCE_END.split(text):
        for piece in PARAGRAPH_GAP.split(part):
            piece = piece.strip(TRIM)
            if piece:
                out.append(piece)
    return out


def _slice(text: str, first: str, second: str, gap: int = 3) -> str | None:
    """The text from `first` through `second` when `second` follows `first` within `gap` characters."""
    start = text.find(first)
    if start < 0:
        return None
    after = start + len(first)
    end = text.find(second, after)
    if end < 0 or end - after > gap:
        return None
    return text[start : end + len(second)]


def _noted(text: str, max_chars: int) -> list[Passage]:
    """For each bracketed note after a sentence's end ("。(完成时限:2022年3月底)"): the sentence with its
    note, and the whole numbered item it closes (from the item's number through the note) when short
    enough."""
    out = []
    for note in NOTE_AFTER.finditer(text):
        end = note.end()
        before = text[: note.start()]
        sentence_start = max(before.rfind(mark) for mark in "。;；") + 1
        piece = text[sentence_start:end].strip(TRIM)
        if piece and len(piece) <= max_chars:
            out.append(Passage(piece, piece))
        items = list(ITEM_ANYWHERE.finditer(before))
        if items:
            item = text[items[-1].start(1) : end].strip(TRIM)
            if item != piece and len(item) <= ITEM_MAX_CHARS:
                out.append(Passage(item, item))
    return out


def _fields(text: str, max_chars: int) -> list[Passage]:
    """A guide's fields, each from its label to the next field of another label: fields of one label in a
    row ("办理材料:A 办理材料:B") make one passage, so an answer lists them all."""
    out = []
    found = list(FIELD.finditer(text))
    index = 0

    def family(match) -> str:  # 法定办结时限 and 承诺办结时限 stand together
        label = match.group(1)
        return "办结时限" if label.endswith("办结时限") else label

    while index < len(found):
        label = family(found[index])
        last = index
        while last + 1 < len(found) and family(found[last + 1]) == label:
            last += 1
        end = found[last + 1].start() if last + 1 < len(found) else len(text)
        piece = text[found[index].start() : end].strip(TRIM)
        if len(piece) <= max_chars:
            out.append(Passage(piece, piece))
        index = last + 1
    return out


def plain_passages(text: str, *, clause_min_chars: int, max_chars: int) -> list[Passage]:
    """Each sentence, and the clauses of long sentences; a sentence with the bracketed note after it and
    the numbered item that note closes (`_noted`); a guide's fields of one label together (`_fields`); a
    sentence that asks a question (an interview's question) with the sentence after it. Every passage is
    text of `text` as it stands."""
    fields = _fields(text, max_chars)
    out = [*_noted(text, max_chars), *fields]
    listed = sentences(text)
    for index, sentence in enumerate(listed):
        if fields and FIELD.match(sentence):
            continue  # the field stands whole among the fields
        if sentence.startswith(SKIPPED):
            continue
        sentence = NOTE_HEAD.sub("", sentence)  # a note that closed the item before
        if not sentence:
            continue
        asking = bool(ASKING.search(sentence))
        if asking:
            # The question with its reply: the sentences after it until the reply says something.
            joined, following = sentence, index + 1
            while following < len(listed) and len(joined) - len(sentence) < REPLY_MIN_CHARS:
                if ASKING.search(listed[following]):
                    break
                longer = _slice(text, joined, listed[following])
                if not longer or len(longer) > max_chars:
                    break
                joined, following = longer, following + 1
            if joined != sentence:
                out.append(Passage(joined, joined))
        if len(sentence) <= max_chars:
            out.append(Passage(sentence, sentence, asking=asking))
        if len(sentence) >= clause_min_chars:
            for clause in CLAUSE_END.split(sentence):
                clause = clause.strip(TRIM)
                if clause and clause != sentence and len(clause) <= max_chars:
                    out.append(Passage(clause, sentence, asking=asking))
    return out


def _header(cells: list[str]) -> int:
    """How many leading cells are column labels: short, without digits, at least two."""
    count = 0
    for cell in cells[:MAX_COLUMNS]:
        if not cell or len(cell) > LABEL_MAX_CHARS or re.search(r"\d", cell):
            break
        count += 1
    return count if count >= 2 else 0


def _labelled(labels: list[str], values: list[str]) -> str:
    return " ".join(f"{label} {value}" for label, value in zip(labels, values, strict=False) if value)


def table_passages(cells: list[str]) -> list[Passage]:
    """The rows of a table given as its cells in reading order, the labels first; a row ends at a number
    cell (the last column's value). Rows with fewer cells carry the first columns of the row above."""
    width = _header(cells)
    if not width:
        return []
    labels = cells[:width]
    out: list[Passage] = []
    above: list[str] = [""] * width
    row: list[str] = []
    for cell in cells[width:]:
        if not cell:
            continue
        half = cell.split(" ")
        if len(half) % 2 == 0 and half[: len(half) // 2] == half[len(half) // 2 :]:
            cell = " ".join(half[: len(half) // 2])  # a merged cell the importer repeated
        if not NUMBER_CELL.match(cell):
            row.append(cell)
            continue
        if len(row) >= width:
            row = [row[0], *row[-(width - 2) :]] if width > 2 else row[-1:]
        values = [*above[: width - 1 - len(row)], *row, cell]
        group = GROUP_CELL.match(values[0] or "")
        first = values[0]
        if group:
            first = group["name"].strip()
            text = f"{labels[0]} {first} {labels[-1]} {group['points']}分"
            if not any(p.text == text for p in out):
                out.append(Passage(text, text, cells=(first, f"{group['points']}分"), row=True))
        shown = [first, *values[1:]]
        text = _labelled(labels, shown)
        out.append(Passage(text, text, cells=tuple(v for v in shown if v), row=True))
        above = values[:-1]
        row = []
    return out


def passages(text: str, *, clause_min_chars: int = 30, max_chars: int = 300) -> list[Passage]:
    """The passages of a normalized document text: its tables' labelled rows and its plain text's
    sentences and clauses (the cells of a table also as plain text, so a rule in a cell is found alone)."""
    pieces = CELL.split(text)
    if len(pieces) < MIN_TABLE_CELLS:
        return plain_passages(text, clause_min_chars=clause_min_chars, max_chars=max_chars)
    out: list[Passage] = []
    # The first piece holds the text before the table and the first label after its last sentence or gap.
    head = pieces[0]
    cut = max(head.rfind(" "), max((head.rfind(mark) for mark in "。；;!?！？"), default=-1))
    before, first_label = head[: cut + 1], head[cut + 1 :].strip()
    cells = [first_label, *(piece.strip() for piece in pieces[1:-1])]
    out.extend(table_passages(cells))
    for chunk in (before, *cells, pieces[-1]):
        out.extend(plain_passages(chunk, clause_min_chars=clause_min_chars, max_chars=max_chars))
    return out
