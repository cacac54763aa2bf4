"""Removing the noise that scraping adds to a document's text.

Texts copied from document-sharing sites arrive with the file name and the site's blurb on top, the page
numbers of the preview glued to the text (`1、` … at the start of every page, often in the middle of a
sentence), the site's boilerplate at the end, and OCR slips in the enumerators (`1 .建设`, `(-)`). Each rule
is anchored to that shape, so a clean document passes through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FILE_NAME_RE = re.compile(
    r"\A(?P<stem>[^。；\n]{2,150}?)\.(?:docx?|wps|pdf|txt|pptx?|xlsx?)\Z", re.IGNORECASE
)
SHARE_BLURB_RE = re.compile(r"由会员分享|由用户分享|可在线阅读|更多相关《|上传分享|免费下载")
SHARED_TITLE_RE = re.compile(
    r"《(?P<stem>[^《》]{2,150}?)(?:\.(?:docx?|wps|pdf|txt|pptx?|xlsx?))?(?:\(|（|》)"
)
TRAILER_RE = re.compile(r"\A-\s*(?:配套讲稿|特殊限制|关\s*键\s*词)\s*[:：]")
PAGE_MARK_RE = re.compile(r"\A(\d{1,3})、")
SPACED_NUMBER_RE = re.compile(r"(?<![\d.．])(\d{1,2})\s+[.．](?=\S)")
DASH_NUMBER_RE = re.compile(r"([(（])\s*[-－—–]\s*([)）])")
SENTENCE_END = "。！？；：…”’）)》】"
CJK = r"\u4e00-\u9fff"
# Where a glued text starts a new paragraph: before a heading enumerator that follows the end of a sentence
# or a closing bracket (一、 / (一) / 1.), the way the work points and most policy texts are laid out.
PARAGRAPH_BREAKS = (
    re.compile(rf"(?<=[。；！？）)])(?=[一二三四五六七八九十]{{1,3}}、[{CJK}])"),
    re.compile(rf"(?<=[。；！？）){CJK}])(?=[(（][一二三四五六七八九十]{{1,3}}[)）][{CJK}“])"),
    re.compile(rf"(?<=[。；！？）)])(?=\d{{1,2}}[.．][{CJK}“])"),
)
MIN_PAGE_LENGTH = 100


@dataclass
class Cleaned:
    lines: list[str]
    title_hint: str = ""
    scraped: bool = False
    notes: list[str] = field(default_factory=list)


def clean_lines(lines: list[str]) -> Cleaned:
    result = Cleaned(lines=[line.strip() for line in lines if line.strip()])
    _drop_leading_noise(result)
    _drop_trailer(result)
    _join_pages(result)
    result.lines = [fix_enumerators(line) for line in result.lines]
    return result


def fix_enumerators(line: str) -> str:
    """`1 .建设` → `1.建设`, `(-)` → `(一)`."""
    return DASH_NUMBER_RE.sub(r"\1一\2", SPACED_NUMBER_RE.sub(r"\1.", line))


def _drop_leading_noise(result: Cleaned) -> None:
    dropped = 0
    while dropped < 3 and dropped < len(result.lines):
        line = result.lines[dropped]
        name = FILE_NAME_RE.match(line)
        if name:
            result.title_hint = result.title_hint or name.group("stem").strip()
        elif SHARE_BLURB_RE.search(line):
            shared = SHARED_TITLE_RE.search(line)
            if shared and not result.title_hint:
                result.title_hint = shared.group("stem").strip()
        else:
            break
        dropped += 1
    if dropped:
        result.scraped = True
        result.lines = result.lines[dropped:]


def _drop_trailer(result: Cleaned) -> None:
    for index, line in enumerate(result.lines):
        if TRAILER_RE.match(line):
            result.scraped = True
            result.lines = result.lines[:index]
            return


def _join_pages(result: Cleaned) -> None:
    """Rejoin a preview's pages: lines numbered 1、 2、 3、 … that are page-long and break mid-sentence."""
    lines = result.lines
    count = 0
    while count < len(lines):
        mark = PAGE_MARK_RE.match(lines[count])
        if not mark or int(mark.group(1)) != count + 1:
            break
        count += 1
    if count < 2 or count < len(lines) - 1:
        return
    pages = [PAGE_MARK_RE.sub("", line, count=1) for line in lines[:count]] + lines[count:]
    if sum(len(page) for page in pages[:count]) / count < MIN_PAGE_LENGTH:
        return
    if all(page.endswith(tuple(SENTENCE_END)) for page in pages[:-1]):
        return
    result.scraped = True
    text = "".join(pages)
    # A page number can also be glued inside a line when the scrape lost the line break.
    following = count + 1
    while True:
        glued = re.compile(rf"(?<=[{CJK}，、])({following})、(?=[{CJK}])")
        if len(glued.findall(text)) != 1:
            break
        text = glued.sub("", text)
        following += 1
    text = fix_enumerators(text)
    for pattern in PARAGRAPH_BREAKS:
        text = pattern.sub("\n", text)
    result.lines = [line.strip() for line in text.split("\n") if line.strip()]
    if result.lines and not result.lines[-1].endswith(tuple(SENTENCE_END)):
        tail = result.lines[-1][-12:]
        result.notes.append(f"正文在“…{tail}”处中断，来源可能只提供了部分内容，请核对原件。")
