"""From a `RawDocument` to a `Draft`: the header's values where given, inferred values where not.

Metadata (title, 文号, keywords …) is folded to simplified characters so it matches the library's vocabularies
and org units; the body keeps the source text. Everything the source does not say and the importer could not
infer is listed in `Draft.missing`; everything doubtful is a warning; what makes the file unusable is an
error. Nothing here writes to the database.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils.html import escape

from huimin.policies.enums import DocKind, Validity
from huimin.policies.models import DOC_NUMBER_RE, PolicyTopic
from huimin.sites.models import OrgUnit

from .chinese import squeeze, strip_spaces, to_simplified
from .clean import clean_lines
from .header import FIELD_LABELS, Header, known_label_count, parse_header
from .sources import RawDocument, Table

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISH_TIME = time(9, 0)

VALIDITY = {
    "有效": Validity.VALID,
    "现行有效": Validity.VALID,
    "失效": Validity.EXPIRED,
    "已失效": Validity.EXPIRED,
    "废止": Validity.REPEALED,
    "已废止": Validity.REPEALED,
    "修订": Validity.REVISED,
    "已修订": Validity.REVISED,
    "已修改": Validity.REVISED,
}
# Title endings that name the kind of document, longest first so 通告 is not read as 告.
TITLE_KINDS = sorted((kind for kind in DocKind.values if kind != DocKind.OTHER), key=len, reverse=True)
TRAILING_BRACKETS_RE = re.compile(r"[(（][^()（）]{1,8}[)）]\Z")
CATEGORY_SPLIT_RE = re.compile(r"\s*(?:[?？>＞›»/／\\|｜·•→]+|\s{1,})\s*")
YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[年\-/.．]\s*(?P<m>\d{1,2})\s*[月\-/.．]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：]\s*(?P<M>\d{2})(?:\s*[:：]\s*\d{2})?)?"
)
CHINESE_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0}
CHINESE_DATE_RE = re.compile(
    r"(?P<y>[〇○零O一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日"
)
DATE_LINE_RE = re.compile(
    r"\A(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[〇○零O一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月"
    r"[一二三四五六七八九十]{1,3}日)\Z"
)


@dataclass
class Context:
    """What every file of one run is matched against, loaded once per run."""

    org_units: dict[str, OrgUnit]
    topics: dict[str, PolicyTopic]
    fallback_issuer: OrgUnit | None
    now: datetime

    @classmethod
    def load(cls, *, fallback_issuer: OrgUnit | None, now: datetime) -> Context:
        all_units = list(OrgUnit.objects.all())
        # Full names win over short names (市政府办公室) when both could match.
        units = {_key(unit.short_name): unit for unit in all_units if unit.short_name}
        units.update({_key(unit.name): unit for unit in all_units})
        topics = {_key(topic.name): topic for topic in PolicyTopic.objects.all()}
        return cls(org_units=units, topics=topics, fallback_issuer=fallback_issuer, now=now)

    def org_unit(self, name: str) -> OrgUnit | None:
        return self.org_units.get(_key(name))


def _key(name: str) -> str:
    return strip_spaces(to_simplified(name))


@dataclass
class Draft:
    title: str = ""
    index_number: str = ""
    doc_number: str = ""
    doc_kind: str = DocKind.OTHER
    topic: PolicyTopic | None = None
    issuer: OrgUnit | None = None
    pub_date: datetime | None = None
    written_date: date | None = None
    keywords: str = ""
    summary: str = ""
    validity: str = Validity.VALID
    effective_date: date | None = None
    invalid_date: date | None = None
    paragraphs: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def body_html(self) -> str:
        """One escaped paragraph per source paragraph: the source text is stored as text, never as markup."""
        return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in self.paragraphs)

    def lack(self, name: str) -> None:
        label = FIELD_LABELS[name]
        if label not in self.missing:
            self.missing.append(label)


def infer_document(raw: RawDocument, context: Context) -> Draft:
    draft = Draft()
    rows, lines = _split_blocks(raw)
    header = parse_header(rows, raw.meta)
    draft.attachments = header.attachments
    for label, value in header.unknown:
        shown = f"（值“{value[:30]}”）" if value else ""
        draft.warnings.append(f"表头字段“{label}”{shown}无法识别，已忽略。")
    cleaned = clean_lines(lines)
    draft.warnings.extend(cleaned.notes)
    lines = cleaned.lines

    _title(draft, header, cleaned.title_hint or raw.title_hint, lines, raw)
    lines = _drop_title(lines, draft.title, glued=cleaned.scraped)
    draft.paragraphs = lines
    if not lines:
        draft.errors.append("正文为空：除表头和标题外没有内容。")
    signed_on, signer = _signature(lines)

    _dates(draft, header, signed_on, context)
    _index_number(draft, header)
    _doc_number(draft, header, lines)
    _issuer(draft, header, signer, context)
    _category(draft, header, context)
    _validity(draft, header)
    draft.keywords = to_simplified(header.get("keywords"))
    if not draft.keywords:
        draft.lack("keywords")
    draft.summary = to_simplified(header.get("summary"))
    order = list(FIELD_LABELS.values())
    draft.missing.sort(key=order.index)
    return draft


def _split_blocks(raw: RawDocument) -> tuple[list[list[str]], list[str]]:
    """The header table's rows and the body lines; other tables become ` | `-joined lines."""
    rows: list[list[str]] = []
    lines: list[str] = []
    for position, block in enumerate(raw.blocks):
        if isinstance(block, Table):
            labels = sum(known_label_count(row) for row in block.rows)
            if not rows and (labels >= 2 or (position == 0 and labels >= 1)):
                rows = block.rows
                continue
            lines.extend(" | ".join(c for c in row if c.strip()) for row in block.rows if any(row))
        else:
            lines.append(block)
    return rows, [line for line in lines if line.strip()]


def _title(draft: Draft, header: Header, hint: str, lines: list[str], raw: RawDocument) -> None:
    title = header.get("title") or hint
    if not title and lines and len(lines[0]) <= 80 and not lines[0].endswith(("。", "；", "，", "：", ":")):
        title = lines[0]
    if not title:
        title = raw.path.stem
        draft.warnings.append("未找到标题，暂以文件名作为标题，请核对。")
    draft.title = to_simplified(squeeze(title))


def _drop_title(lines: list[str], title: str, *, glued: bool) -> list[str]:
    """The body without the title line it starts with (the page shows the title already)."""
    if not lines or not title:
        return lines
    first = to_simplified(lines[0])
    if strip_spaces(first) == strip_spaces(title):
        return lines[1:]
    if glued and first.startswith(title) and to_simplified(lines[0][: len(title)]) == title:
        rest = lines[0][len(title) :].strip()
        return [rest, *lines[1:]] if rest else lines[1:]
    return lines


def _signature(lines: list[str]) -> tuple[date | None, str]:
    """The signing date (a line that is only a date) and the line above it (usually the issuer)."""
    for index, line in enumerate(lines):
        compact = strip_spaces(line)
        if DATE_LINE_RE.match(compact):
            return parse_date(compact)[0], lines[index - 1] if index else ""
    return None, ""


def parse_date(text: str) -> tuple[date | None, time | None]:
    """A date (and a time of day if given) in 2022年3月4日, 2022-03-04 10:30, 2022/3/4, 二〇二二年三月四日."""
    text = to_simplified(text.strip())
    match = DATE_RE.search(text)
    if match:
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            at = time(int(match["H"]), int(match["M"])) if match["H"] else None
        except ValueError:
            return None, None
        return day, at
    match = CHINESE_DATE_RE.search(text)
    if match:
        try:
            year = int("".join(str(CHINESE_DIGITS[ch]) for ch in match["y"]))
            return date(year, _chinese_number(match["m"]), _chinese_number(match["d"])), None
        except (ValueError, KeyError):
            return None, None
    return None, None


def _chinese_number(text: str) -> int:
    if "十" not in text:
        return CHINESE_DIGITS[text]
    tens, _, units = text.partition("十")
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)


def _dates(draft: Draft, header: Header, signed_on: date | None, context: Context) -> None:
    day, at = None, None
    given = header.get("pub_date")
    if given:
        day, at = parse_date(given)
        if day is None:
            draft.warnings.append(f"发文日期“{given}”无法识别，已改用正文中的日期。")
    if day is None and signed_on is not None:
        day = signed_on
    if day is None:
        draft.lack("pub_date")
        year = title_year(draft.title)
        if year:
            day = date(year, 1, 1)
            draft.warnings.append(f"未找到发文日期，发布日期暂记为 {year}年1月1日，请核实。")
        else:
            day = context.now.astimezone(SHANGHAI).date()
            draft.warnings.append("未找到发文日期，发布日期暂记为导入当天，请核实。")
    draft.pub_date = datetime.combine(day, at or PUBLISH_TIME, tzinfo=SHANGHAI)

    written = header.get("written_date")
    if written:
        draft.written_date = parse_date(written)[0]
        if draft.written_date is None:
            draft.warnings.append(f"成文日期“{written}”无法识别，已忽略。")
    draft.written_date = draft.written_date or signed_on
    if draft.written_date is None:
        draft.lack("written_date")
    for name in ("effective_date", "invalid_date"):
        value = header.get(name)
        if value:
            parsed = parse_date(value)[0]
            setattr(draft, name, parsed)
            if parsed is None:
                draft.warnings.append(f"{FIELD_LABELS[name]}“{value}”无法识别，已忽略。")


def title_year(title: str) -> int | None:
    match = YEAR_RE.search(title)
    return int(match.group(1)) if match else None


def generated_index_number(year: int, title: str) -> str:
    """A stable 索引号 for a document without one, so importing it again updates the same page."""
    digest = hashlib.sha1(title.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]
    return f"AUTO/{year}-{digest}"


def _index_number(draft: Draft, header: Header) -> None:
    given = strip_spaces(to_simplified(header.get("index_number")))
    if given:
        draft.index_number = given
        return
    draft.lack("index_number")
    year = title_year(draft.title) or draft.pub_date.year
    draft.index_number = generated_index_number(year, draft.title)


def _doc_number(draft: Draft, header: Header, lines: list[str]) -> None:
    given = strip_spaces(to_simplified(header.get("doc_number")))
    if given:
        if DOC_NUMBER_RE.match(given):
            draft.doc_number = given
            return
        draft.warnings.append(f"文号“{given}”格式不正确（应如 宿政办发〔2022〕1号），已留空。")
    else:
        for line in lines[:8]:
            candidate = strip_spaces(to_simplified(line))
            if DOC_NUMBER_RE.match(candidate):
                draft.doc_number = candidate
                return
    draft.lack("doc_number")


def _issuer(draft: Draft, header: Header, signer: str, context: Context) -> None:
    given = squeeze(header.get("issuer"))
    if given:
        draft.issuer = context.org_unit(given)
        if draft.issuer is None:
            draft.errors.append(
                f"发布机构“{to_simplified(given)}”不在组织机构名录中，请先在“组织机构”中添加或更正名称。"
            )
        return
    if signer:
        draft.issuer = context.org_unit(signer)
        if draft.issuer is not None:
            return
    draft.lack("issuer")
    draft.issuer = context.fallback_issuer
    if draft.issuer is None:
        draft.errors.append("未能确定发布机构，目标站点的网站标识也未设置主管单位。")


def _category(draft: Draft, header: Header, context: Context) -> None:
    segments = [s for s in CATEGORY_SPLIT_RE.split(to_simplified(header.get("category"))) if s]
    named = segments[-1] if segments and segments[-1] in DocKind.values else DocKind.OTHER
    draft.doc_kind = named if named != DocKind.OTHER else kind_from_title(draft.title)
    for segment in segments:
        topic = context.topics.get(strip_spaces(segment))
        if topic is not None:
            draft.topic = topic
            break
    if draft.topic is None:
        draft.lack("category")


def kind_from_title(title: str) -> str:
    """文种 from how a title ends (…的通知, …管理办法（试行）), else 其他."""
    stem = TRAILING_BRACKETS_RE.sub("", title.strip()).rstrip("。 ")
    for kind in TITLE_KINDS:
        if stem.endswith(kind):
            return kind
    return DocKind.OTHER


def _validity(draft: Draft, header: Header) -> None:
    given = strip_spaces(to_simplified(header.get("validity")))
    if not given:
        draft.lack("validity")
        return
    validity = VALIDITY.get(given)
    if validity is None:
        draft.warnings.append(f"时效“{given}”无法识别，暂记为“有效”。")
        return
    draft.validity = validity
