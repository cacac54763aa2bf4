"""The metadata header of a policy document: a table of label/value cells.

Labels come in simplified or traditional characters, with or without spacing and a trailing colon
(名称 / 名稱 / 索 引 号：). Each known label names one field of `Header`; unknown labels are kept so the
importer can report them, and their values are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .chinese import squeeze, strip_spaces, to_simplified

# Simplified label → the field it fills.
LABELS = {
    "名称": "title",
    "标题": "title",
    "文件名称": "title",
    "索引号": "index_number",
    "分类": "category",
    "主题分类": "category",
    "信息分类": "category",
    "发布机构": "issuer",
    "发文机关": "issuer",
    "发文单位": "issuer",
    "发布单位": "issuer",
    "发文日期": "pub_date",
    "发布日期": "pub_date",
    "成文日期": "written_date",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "关键词": "keywords",
    "主题词": "keywords",
    "时效": "validity",
    "有效性": "validity",
    "生效日期": "effective_date",
    "施行日期": "effective_date",
    "失效日期": "invalid_date",
    "废止日期": "invalid_date",
    "摘要": "summary",
    "内容概述": "summary",
    "文件下载": "attachment",
    "附件下载": "attachment",
}

# The national page tags (<meta name="ArticleTitle"> …) that carry the same facts.
META_FIELDS = {
    "articletitle": "title",
    "pubdate": "pub_date",
    "contentsource": "issuer",
    "keywords": "keywords",
    "description": "summary",
}

# The field names as a person reads them, for the `missing` list and messages.
FIELD_LABELS = {
    "title": "名称",
    "index_number": "索引号",
    "doc_number": "文号",
    "issuer": "发布机构",
    "pub_date": "发文日期",
    "written_date": "成文日期",
    "category": "分类",
    "validity": "时效",
    "keywords": "关键词",
    "effective_date": "生效日期",
    "invalid_date": "失效日期",
    "summary": "摘要",
    "attachment": "文件下载",
}


def field_for_label(label: str) -> str | None:
    """The field a header label names, or None for a label the importer does not know."""
    key = to_simplified(strip_spaces(label)).rstrip(":：")
    return LABELS.get(key)


def known_label_count(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell.strip() and field_for_label(cell))


@dataclass
class Header:
    """What a header table says. Values are trimmed but not converted (the infer stage decides)."""

    values: dict[str, str] = field(default_factory=dict)
    attachments: list[str] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    found: bool = False

    def get(self, name: str) -> str:
        return self.values.get(name, "")


def parse_header(rows: list[list[str]], meta: dict[str, str] | None = None) -> Header:
    """Read label/value rows (and optionally page meta tags, which the table overrides)."""
    header = Header()
    for name, value in (meta or {}).items():
        target = META_FIELDS.get(name.lower())
        if target and squeeze(value):
            header.values[target] = squeeze(value)
            header.found = True
    table: dict[str, str] = {}
    for row in rows:
        cells = [squeeze(cell) for cell in row]
        index = 0
        while index < len(cells):
            label = cells[index]
            if not label:
                index += 1
                continue
            following = cells[index + 1] if index + 1 < len(cells) else ""
            # A known label followed directly by another known label has an empty value.
            if following and field_for_label(following):
                value, index = "", index + 1
            else:
                value, index = following, index + 2
            target = field_for_label(label)
            if target is None:
                header.unknown.append((label, value))
                continue
            header.found = True
            if target == "attachment":
                header.attachments.extend([value] if value else [])
            elif value and not table.get(target):
                table[target] = value
    for target, value in table.items():
        # The page tags often say the same more precisely (a date with its time): keep those.
        if not header.values.get(target, "").startswith(value):
            header.values[target] = value
    return header


def split_text_header(lines: list[str]) -> tuple[list[list[str]], list[str]]:
    """The leading `label | value | label | value |` lines of a text file as rows, and the lines after."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = start
    while end < len(lines) and "|" in lines[end]:
        end += 1
    rows = [lines[i].split("|") for i in range(start, end)]
    if not rows or not any(known_label_count(row) for row in rows):
        return [], lines
    return rows, lines[end:]
